import { describe, it, expect } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { checkBuildkit, findBuildkitBuilds } from '../../src/run/preflight.js';
import { buildStep, cmdStep, makeTask } from './make-task.js';

const docker: Engine = { name: 'docker', binary: 'docker', env: {} };
const podman: Engine = { name: 'podman', binary: 'podman', env: {} };
const at = { file: 'acr-task.yaml', line: 4, col: 9 };
const task = makeTask([
  buildStep({ id: 'bk', build: '-t a .', buildkit: { value: '1', location: at } }),
  buildStep({ id: 'classic', build: '-t b .', buildkit: { value: '0', location: at } }),
  buildStep({ id: 'plain', build: '-t c .' }),
  cmdStep({ id: 'run', cmd: 'busybox true' }),
]);
const unsupported = async () => ({ isSupported: false as const, reason: 'it cannot', fix: 'fix it' });

describe('the BuildKit preflight', () => {
  it('finds the builds DOCKER_BUILDKIT turns to BuildKit, from the file or (docker only) the environment', () => {
    expect(findBuildkitBuilds(task, docker, {}).map((b) => b.step.id)).toEqual(['bk']);
    expect(findBuildkitBuilds(task, docker, { DOCKER_BUILDKIT: 'true' }).map((b) => [b.step.id, b.from])).toEqual([['bk', 'file'], ['plain', 'environment']]);
    expect(findBuildkitBuilds(task, podman, { DOCKER_BUILDKIT: '1' }).map((b) => b.step.id)).toEqual(['bk']);
  });

  it('asks the engine only when a build needs BuildKit', async () => {
    let asked = 0;
    const probe = async () => ((asked += 1), { isSupported: true as const });
    expect(await checkBuildkit({ task: makeTask([cmdStep({ id: 'x', cmd: 'busybox true' })]), engine: docker, hostEnv: {}, severity: 'error', probe })).toEqual([]);
    expect(asked).toBe(0);
    expect(await checkBuildkit({ task, engine: docker, hostEnv: {}, severity: 'error', probe })).toEqual([]);
    expect(asked).toBe(1);
  });

  it('reports each such build where DOCKER_BUILDKIT is written, as an error for run and a warning for validate', async () => {
    const [problem] = await checkBuildkit({ task, engine: podman, hostEnv: {}, severity: 'error', probe: unsupported });
    expect(problem).toEqual({ severity: 'error', code: 'buildkit-unsupported', message: 'step `bk` builds with BuildKit (DOCKER_BUILDKIT=1), but it cannot', location: at, hint: 'fix it' });
    const warnings = await checkBuildkit({ task, engine: docker, hostEnv: { DOCKER_BUILDKIT: 'True' }, severity: 'warning', probe: unsupported });
    expect(warnings.map((d) => [d.severity, d.message])).toEqual([
      ['warning', 'step `bk` builds with BuildKit (DOCKER_BUILDKIT=1), but it cannot'],
      ['warning', 'step `plain` builds with BuildKit (DOCKER_BUILDKIT=True in your environment), but it cannot'],
    ]);
  });
});
