import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { parseEngineFor } from '../../src/engine/platform-engines.js';
import { describeRunCommands } from '../../src/run/execute-run.js';
import { buildPlatformsOf, routedImagesOf } from '../../src/steps/build-platform.js';
import { planTask } from '../../src/plan/plan.js';
import { buildStep, makeTask, pushStep } from '../run/make-task.js';

const HOME_KEY = 'c0ffee0000000000';

const docker: Engine = { name: 'docker', binary: 'docker', env: {} };

describe('build platforms', () => {
  it('reads --platform as the docker CLI does', () => {
    expect(buildPlatformsOf(['--platform', 'linux/arm64', '-t', 'x', '.'])).toEqual(['linux/arm64']);
    expect(buildPlatformsOf(['--platform=linux/amd64,linux/arm64', '.'])).toEqual(['linux/amd64', 'linux/arm64']);
    expect(buildPlatformsOf(['--platform', 'a/b', '--platform', 'linux/arm64', '.'])).toEqual(['linux/arm64']);
    expect(buildPlatformsOf(['--build-arg', '--platform', '.'])).toEqual([]);
    expect(buildPlatformsOf(['-t', 'x', '.'])).toEqual([]);
  });

  it('sends a routed build and the push of its images to the other engine', () => {
    const { routes } = parseEngineFor(['linux/arm64=tcp://127.0.0.1:2376'], docker);
    const task = makeTask([
      buildStep({ id: 'amd', build: '--platform linux/amd64 -t reg/img:amd64 .' }),
      buildStep({ id: 'arm', build: '--platform linux/arm64 -t reg/img:arm64 .' }),
      pushStep({ id: 'push', images: ['reg/img:amd64', 'reg/img:arm64'] }),
    ]);
    expect(Object.keys(routedImagesOf(task.steps, routes))).toEqual(['docker.io/reg/img:arm64']);
    const commands = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: docker, contextDir: '/ctx', scratchDir: '/s', platformEngines: routes });
    const endpoints = commands.steps.map((step) => step.commands.map((command) => command.endpoint ?? 'main'));
    expect(endpoints).toEqual([['main'], ['tcp://127.0.0.1:2376'], ['main', 'tcp://127.0.0.1:2376']]);
  });
});

describe('which cmd steps may write the workspace', () => {
  it('is every container step and host docker commands that can touch a volume', async () => {
    const { mayWriteWorkspace } = await import('../../src/steps/cmd.js');
    const { cmdStep } = await import('../run/make-task.js');
    const may = (cmd: string) => mayWriteWorkspace(cmdStep({ id: 'a', cmd }));
    expect(may('busybox true')).toBe(true);
    expect(may('docker run -v vol:/workspace busybox touch /workspace/x')).toBe(true);
    expect(may('docker cp x c:/workspace')).toBe(true);
    expect(may('docker push reg/img:1')).toBe(false);
    expect(may('docker build -t x .')).toBe(false);
  });
});
