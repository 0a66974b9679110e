// End-to-end: `cmd` command lists (`|| true`, `|| echo …`, `&& docker …`, `;`, line breaks) run
// as on ACR on the lab's three engine paths, with every engine command written down by a shim.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { createEngineShim, flagValue, type EngineShim } from '../helpers/engine-shim.js';
import { ENGINE_PATHS, labEngineFor, podmanCreatedContainers, requireLab, type EnginePath } from '../helpers/lab.js';
import { expectNothingLeft, namePrefixOf, newRunId, removeContexts, runOnLab } from './run-on-lab.js';

let lab: LabEnv;
const shims: EngineShim[] = [];

beforeEach(async () => {
  lab = await requireLab();
});

afterEach(async () => {
  await removeContexts();
  for (const shim of shims.splice(0)) shim.remove();
});

async function runWithShim(engine: EnginePath, files: Readonly<Record<string, string>>) {
  const real = labEngineFor(lab, engine);
  const shim = createEngineShim(real.binary);
  shims.push(shim);
  const runId = newRunId(engine);
  const run = await runOnLab({ lab, engine, runId, files, engineOverride: { ...real, binary: shim.binary } });
  const ofStep = (name: string | undefined, stepId: string) => name?.startsWith(`${namePrefixOf(runId)}-${stepId}`) === true;
  /**
   * One step's containers, name and run label: on podman as its event log has them (most are made
   * through its service), elsewhere from the `run` (or, made ahead, `create`) commands.
   */
  const containersOf = async (stepId: string) =>
    engine === 'podman'
      ? (await podmanCreatedContainers(lab, `taskrun.run=${runId}`)).filter(({ name }) => ofStep(name, stepId)).map(({ name, labels }) => `${name} taskrun.run=${labels['taskrun.run']}`)
      : shim
          .commands()
          .filter((argv) => (argv[0] === 'run' || argv[0] === 'create') && ofStep(flagValue(argv, '--name'), stepId))
          .map((argv) => `${flagValue(argv, '--name')} ${flagValue(argv, '--label')}`);
  return { run, runId, shim, containersOf };
}

describe.each(ENGINE_PATHS)('command lists on %s', (engine) => {
  it('run as on ACR: || true, || echo, && docker, ; and line breaks, with POSIX statuses', { timeout: 120_000 }, async () => {
    const image = 'busybox';
    const task = [
      'steps:',
      '  - id: pull',
      '    cmd: docker pull {{.Run.Registry}}/nope:latest || true',
      '  - id: health',
      `    cmd: ${image} wget -q -T 2 -O- http://localhost:1/health || echo "skipped"`,
      '  - id: made',
      `    cmd: ${image} sh -c 'echo made > /workspace/made' && docker image inspect --format inspected ${image}`,
      '  - id: lines',
      '    cmd: |',
      `      ${image} echo one`,
      `      ${image} cat /workspace/made`,
      '  - id: chain',
      `    cmd: ${image} false && echo no || echo yes; echo -n after`,
      '  - id: ff',
      `    cmd: ${image} false || false`,
      '    ignoreErrors: true',
      '  - id: exit3',
      `    cmd: ${image} true && exit 3 ; echo never`,
      '    ignoreErrors: true',
      '',
    ].join('\n');
    const { run, runId, shim, containersOf } = await runWithShim(engine, { 'acr-task.yaml': task });
    const byId = new Map(run.outcome.steps.map((step) => [step.id, step]));
    expect(run.outcome.status, run.outcome.error).toBe('succeeded');
    expect(['pull', 'health', 'made', 'lines', 'chain'].map((id) => [id, byId.get(id)?.status, byId.get(id)?.exitCode])).toEqual([
      ['pull', 'succeeded', 0],
      ['health', 'succeeded', 0],
      ['made', 'succeeded', 0],
      ['lines', 'succeeded', 0],
      ['chain', 'succeeded', 0],
    ]);
    expect(shim.commands().filter((argv) => argv[0] === 'pull')).toEqual([['pull', `${lab.registry}/nope:latest`]]);
    expect(run.output('health')).toEqual(['skipped']);
    expect(run.output('made')).toEqual(['inspected']);
    expect(run.output('lines')).toEqual(['one', 'made']);
    expect(run.output('chain')).toEqual(['yes', 'after']);
    expect(byId.get('ff')).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(byId.get('exit3')).toMatchObject({ status: 'failed', exitCode: 3, error: '`exit` ended the command list with code 3 (command 2 of the list: exit 3)' });
    expect(run.output('exit3')).toEqual([]);
    // The step's own container, then `-N` for the N-th command of the list; each with the run label.
    const label = `taskrun.run=${runId}`;
    expect(await containersOf('lines')).toEqual([`${namePrefixOf(runId)}-lines ${label}`, `${namePrefixOf(runId)}-lines-2 ${label}`]);
    expect(await containersOf('ff')).toEqual([`${namePrefixOf(runId)}-ff ${label}`]);
    await expectNothingLeft(lab, engine, runId);
  });

  it('stops the whole list at the step timeout and leaves nothing behind', { timeout: 60_000 }, async () => {
    const image = 'busybox';
    const task = ['steps:', '  - id: slow', `    cmd: ${image} true && ${image} sleep 60 ; echo never`, '    timeout: 3', ''].join('\n');
    const { run, runId } = await runWithShim(engine, { 'acr-task.yaml': task });
    expect(run.outcome.status).toBe('failed');
    expect(run.outcome.steps[0]?.status).toBe('failed');
    expect(run.outcome.steps[0]?.error).toMatch(/timed out|timeout/i);
    expect(run.output('slow')).toEqual([]);
    await expectNothingLeft(lab, engine, runId);
  });
});
