import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/engine/engine.js';
import { planTask } from '../../src/plan/plan.js';
import type { RunEvent } from '../../src/run/events.js';
import { describeRunCommands, executeRun } from '../../src/run/execute-run.js';
import { cmdStep, makeTask, pushStep } from './make-task.js';

const fakeEngine = fileURLToPath(new URL('../engine/fixtures/fake-engine', import.meta.url));
const podman: Engine = { name: 'podman', binary: 'podman', env: {} };

describe('describeRunCommands', () => {
  it('lists setup, step and cleanup commands in order', () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' }), pushStep({ id: 'p', images: ['x:1'] })]);
    const commands = describeRunCommands({ task, plan: planTask(task), runId: 'r1', engine: podman, contextDir: '/ctx', scratchDir: '/s' });
    expect(commands.setup.map((c) => c.argv)).toEqual([
      ['podman', 'network', 'create', '--label', 'taskrun.run=r1', 'taskrun-r1'],
      ['podman', 'volume', 'create', '--label', 'taskrun.run=r1', 'taskrun-r1-home'],
    ]);
    expect(commands.steps.map((s) => [s.stepId, s.commands.length])).toEqual([
      ['a', 1],
      ['p', 1],
    ]);
    expect(commands.cleanup.map((c) => c.argv)).toEqual([
      ['podman', 'rm', '--force', '--ignore', '--time', '0', 'taskrun-r1-a'],
      ['podman', 'network', 'rm', 'taskrun-r1'],
      ['podman', 'volume', 'rm', '--force', 'taskrun-r1-home'],
    ]);
  });

  it('creates the task networks instead of a run network', () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true', network: 'host' })], {
      networks: [
        { name: 'mine', ipv6: false, skipCreation: false, isDefault: true, driver: 'bridge' },
        { name: 'host', ipv6: false, skipCreation: true, isDefault: false },
      ],
    });
    const commands = describeRunCommands({ task, plan: planTask(task), runId: 'r1', engine: podman, contextDir: '/ctx', scratchDir: '/s' });
    expect(commands.setup[0]?.argv).toEqual(['podman', 'network', 'create', '--driver', 'bridge', '--label', 'taskrun.run=r1', 'mine']);
    expect(commands.steps[0]?.commands[0]?.argv.slice(0, 4)).toEqual(['podman', 'run', '--rm', '--network']);
    expect(commands.steps[0]?.commands[0]?.argv[4]).toBe('host');
  });
});

describe('executeRun', () => {
  it('runs nothing in a dry run', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' })]);
    const events: RunEvent[] = [];
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r1',
      engine: { name: 'podman', binary: 'taskrun-no-such-engine', env: {} },
      contextDir: '/ctx',
      signal: new AbortController().signal,
      onEvent: (event) => events.push(event),
      dryRun: true,
    });
    expect(outcome.status).toBe('succeeded');
    expect(outcome.commands?.steps[0]?.commands[0]?.argv.slice(0, 3)).toEqual(['taskrun-no-such-engine', 'run', '--rm']);
    expect(events.map((e) => e.type)).toEqual(['run-start', 'step-start', 'step-end', 'run-end']);
  });

  it('creates the run resources, runs the steps and removes everything on a fake engine', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-exec-'));
    const log = path.join(dir, 'calls.log');
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' }), cmdStep({ id: 'b', cmd: 'busybox false' }), cmdStep({ id: 'c', cmd: 'busybox true' })]);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r1',
      engine: { name: 'podman', binary: fakeEngine, env: { FAKE_ENGINE_LOG: log } },
      contextDir: dir,
      scratchDir: path.join(dir, 'scratch'),
      signal: new AbortController().signal,
      onEvent: () => {},
      handlers: {
        build: async () => ({ ok: true }),
        push: async () => ({ ok: true }),
        cmd: async (step) => (step.id === 'b' ? { ok: false, exitCode: 1, error: 'exited with code 1' } : { ok: true, exitCode: 0 }),
      },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe('failed to run step ID: b: exited with code 1');
    expect(outcome.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);
    const calls = (await readFile(log, 'utf8')).trim().split('\n').sort();
    expect(calls).toEqual([
      'network|create|--label|taskrun.run=r1|taskrun-r1',
      'network|rm|taskrun-r1',
      'ps|--all|--quiet|--filter|label=taskrun.run=r1',
      'rm|--force|--ignore|--time|0|taskrun-r1-a|taskrun-r1-b',
      'volume|create|--label|taskrun.run=r1|taskrun-r1-home',
      'volume|rm|--force|taskrun-r1-home',
    ]);
  });

  it('ends a run that exceeds its timeout as failed', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox sleep 9' })]);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r2',
      engine: { name: 'podman', binary: fakeEngine, env: {} },
      contextDir: os.tmpdir(),
      scratchDir: await mkdtemp(path.join(os.tmpdir(), 'taskrun-exec-')),
      runTimeoutSeconds: 0.2,
      signal: new AbortController().signal,
      onEvent: () => {},
      handlers: {
        build: async () => ({ ok: true }),
        push: async () => ({ ok: true }),
        cmd: (_step, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({ ok: false, error: 'stopped' }))),
      },
    });
    expect(outcome).toMatchObject({ status: 'failed', error: 'the run timed out after 0.2 s' });
    expect(outcome.steps[0]).toMatchObject({ status: 'cancelled', error: 'stopped: the run timed out after 0.2 s' });
  });
});
