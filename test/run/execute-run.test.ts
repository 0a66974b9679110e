import { describe, it, expect, afterEach, beforeEach, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/engine/engine.js';
import { planTask } from '../../src/plan/plan.js';
import type { RunEvent } from '../../src/run/events.js';
import { describeRunCommands, executeRun } from '../../src/run/execute-run.js';
import type { StepHandlers } from '../../src/steps/index.js';
import { cmdStep, makeTask, pushStep } from './make-task.js';

const HOME_KEY = 'c0ffee0000000000';

const fakeEngine = fileURLToPath(new URL('../engine/fixtures/fake-engine', import.meta.url));
const podman: Engine = { name: 'podman', binary: 'podman', env: {} };

describe('describeRunCommands', () => {
  it('lists setup, step and cleanup commands in order', () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' }), pushStep({ id: 'p', images: ['x:1'] })]);
    const commands = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: podman, contextDir: '/ctx', scratchDir: '/s', workspaceMode: 'bind' });
    expect(commands.setup.map((c) => c.argv)).toEqual([
      ['podman', 'network', 'create', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', 'taskrun-c0ffee-r1'],
      ['podman', 'volume', 'create', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', 'taskrun-c0ffee-r1-home'],
    ]);
    expect(commands.steps.map((s) => [s.stepId, s.commands.length])).toEqual([
      ['a', 1],
      ['p', 1],
    ]);
    expect(commands.cleanup.map((c) => c.argv)).toEqual([
      ['podman', 'rm', '--force', '--ignore', '--time', '0', 'taskrun-c0ffee-r1-a'],
      ['podman', 'network', 'rm', 'taskrun-c0ffee-r1'],
      ['podman', 'volume', 'rm', '--force', 'taskrun-c0ffee-r1-home'],
    ]);
  });

  it('creates the task networks instead of a run network', () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true', network: 'host' })], {
      networks: [
        { name: 'mine', ipv6: false, skipCreation: false, isDefault: true, driver: 'bridge' },
        { name: 'host', ipv6: false, skipCreation: true, isDefault: false },
      ],
    });
    const commands = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: podman, contextDir: '/ctx', scratchDir: '/s', workspaceMode: 'bind' });
    expect(commands.setup[0]?.argv).toEqual(['podman', 'network', 'create', '--driver', 'bridge', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', 'mine']);
    expect(commands.steps[0]?.commands[0]?.argv.slice(0, 4)).toEqual(['podman', 'run', '--rm', '--network']);
    expect(commands.steps[0]?.commands[0]?.argv[4]).toBe('host');
  });
});

describe('executeRun', () => {
  let dir: string;
  let log: string;
  // The fake engine is a CLI only: no podman service to start.
  beforeEach(() => {
    vi.stubEnv('TASKRUN_ENGINE_API', '0');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const engineWith = (env: Record<string, string> = {}): Engine => ({ name: 'podman', binary: fakeEngine, env: { FAKE_ENGINE_LOG: log, FAKE_ENGINE_STATE: dir, ...env } });
  const calls = async () => (await readFile(log, 'utf8')).trim().split('\n').sort();
  const okHandlers: StepHandlers = { build: async () => ({ ok: true }), push: async () => ({ ok: true }), cmd: async () => ({ ok: true, exitCode: 0 }) };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-exec-'));
    log = path.join(dir, 'calls.log');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the run resources, runs the steps and removes everything on a fake engine', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' }), cmdStep({ id: 'b', cmd: 'busybox false' }), cmdStep({ id: 'c', cmd: 'busybox true' })]);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r1', homeKey: HOME_KEY,
      engine: engineWith(),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir: path.join(dir, 'scratch'),
      signal: new AbortController().signal,
      onEvent: () => {},
      handlers: { ...okHandlers, cmd: async (step) => (step.id === 'b' ? { ok: false, exitCode: 1, error: 'exited with code 1' } : { ok: true, exitCode: 0 }) },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe('failed to run step ID: b: exited with code 1');
    expect(outcome.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(await calls()).toEqual([
      'network|create|--label|taskrun.run=r1|--label|taskrun.home=c0ffee0000000000|taskrun-c0ffee-r1',
      'network|ls|--filter|label=taskrun.run=r1|--filter|label=taskrun.home=c0ffee0000000000|--format|{{.Name}}\t{{index .Network.Labels "taskrun.run"}}\t{{index .Network.Labels "taskrun.home"}}',
      'network|rm|taskrun-c0ffee-r1',
      'ps|--all|--filter|label=taskrun.run=r1|--filter|label=taskrun.home=c0ffee0000000000|--format|{{.ID}}\t{{index .Labels "taskrun.run"}}\t{{index .Labels "taskrun.home"}}',
      'rm|--force|--ignore|--time|0|taskrun-c0ffee-r1-a|taskrun-c0ffee-r1-b',
      'volume|create|--label|taskrun.run=r1|--label|taskrun.home=c0ffee0000000000|taskrun-c0ffee-r1-home',
      'volume|ls|--filter|label=taskrun.run=r1|--filter|label=taskrun.home=c0ffee0000000000|--format|{{.Name}}\t{{index .Labels "taskrun.run"}}\t{{index .Labels "taskrun.home"}}',
      'volume|rm|--force|taskrun-c0ffee-r1-home',
    ]);
  });

  it('ends a run that exceeds its timeout as failed', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox sleep 9' })]);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r2', homeKey: HOME_KEY,
      engine: engineWith(),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir: path.join(dir, 'scratch'),
      runTimeoutSeconds: 0.2,
      signal: new AbortController().signal,
      onEvent: () => {},
      handlers: { ...okHandlers, cmd: (_step, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({ ok: false, error: 'stopped' }))) },
    });
    expect(outcome).toMatchObject({ status: 'failed', error: 'the run timed out after 0.2 s' });
    expect(outcome.steps[0]).toMatchObject({ status: 'cancelled', error: 'stopped: the run timed out after 0.2 s' });
  });

  it('cleans up when an event listener throws, and lets the error through', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' })]);
    const run = executeRun({
      task,
      plan: planTask(task),
      runId: 'r3', homeKey: HOME_KEY,
      engine: engineWith(),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir: path.join(dir, 'scratch'),
      signal: new AbortController().signal,
      onEvent: (event) => {
        if (event.type === 'step-queued') throw new Error('write EPIPE');
      },
      handlers: okHandlers,
    });
    await expect(run).rejects.toThrow('write EPIPE');
    expect(await calls()).toContain('network|rm|taskrun-c0ffee-r3');
    expect(await calls()).toContain('volume|rm|--force|taskrun-c0ffee-r3-home');
    expect(existsSync(path.join(dir, 'scratch'))).toBe(false);
  });

  it('removes the network and volume a create client was killed making, and reports every step skipped', async () => {
    const controller = new AbortController();
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' }), cmdStep({ id: 'b', cmd: 'busybox true' })]);
    const events: RunEvent[] = [];
    setTimeout(() => controller.abort({ kind: 'cancelled' }), 300);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r4', homeKey: HOME_KEY,
      engine: engineWith({ FAKE_CREATE_SLEEP: '9' }),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir: path.join(dir, 'scratch'),
      signal: controller.signal,
      onEvent: (event) => events.push(event),
      handlers: okHandlers,
    });
    expect(outcome).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    expect(outcome.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'skipped'],
      ['b', 'skipped'],
    ]);
    expect(events.flatMap((e) => (e.type === 'step-end' ? [`${e.stepId}:${e.status}`] : []))).toEqual(['a:skipped', 'b:skipped']);
    const removals = (await calls()).filter((call) => call.includes('|rm|'));
    expect(removals).toEqual(['network|rm|taskrun-c0ffee-r4', 'volume|rm|--force|taskrun-c0ffee-r4-home']);
  });

  it('reports every step skipped after a setup failure', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true' })]);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r5', homeKey: HOME_KEY,
      engine: engineWith({ FAKE_CREATE_EXIT: '1' }),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir: path.join(dir, 'scratch'),
      signal: new AbortController().signal,
      onEvent: () => {},
      handlers: okHandlers,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/^failed to create (network: taskrun-c0ffee-r5|volume: taskrun-c0ffee-r5-home), err: exited with code 1/);
    expect(outcome.steps).toEqual([{ id: 'a', kind: 'cmd', status: 'skipped', attempts: 0, durationMs: 0 }]);
  });

  it('ends cancelled when the run is cancelled after a step failed from the same Ctrl-C', async () => {
    const controller = new AbortController();
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox sleep 9' }), cmdStep({ id: 'b', cmd: 'busybox true' })]);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r6', homeKey: HOME_KEY,
      engine: engineWith(),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir: path.join(dir, 'scratch'),
      signal: controller.signal,
      onEvent: () => {},
      handlers: {
        ...okHandlers,
        // The engine client got the terminal's SIGINT and exited before taskrun's handler ran.
        cmd: async () => {
          setTimeout(() => controller.abort({ kind: 'cancelled' }), 0);
          return { ok: false, exitCode: 130, error: 'exited with code 130' };
        },
      },
    });
    expect(outcome).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    expect(outcome.steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
  });

  it('writes secret-volume files readable by any user inside an owner-only scratch folder', async () => {
    const scratchDir = path.join(dir, 'scratch');
    let modes: string[] = [];
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox true', volumeMounts: [{ name: 'secrets', mountPath: '/run/secrets' }] })], {
      volumes: [{ name: 'secrets', secret: { 'token.txt': Buffer.from('s3cret').toString('base64') } }],
    });
    await executeRun({
      task,
      plan: planTask(task),
      runId: 'r7', homeKey: HOME_KEY,
      engine: engineWith(),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir,
      signal: new AbortController().signal,
      onEvent: () => {},
      handlers: {
        ...okHandlers,
        cmd: async () => {
          const volumeDir = path.join(scratchDir, 'volumes', 'secrets');
          const modeOf = async (file: string) => ((await stat(file)).mode & 0o777).toString(8);
          modes = [await modeOf(scratchDir), await modeOf(volumeDir), await modeOf(path.join(volumeDir, 'token.txt'))];
          return { ok: true, exitCode: 0 };
        },
      },
    });
    expect(modes).toEqual(['700', '755', '644']);
    expect(existsSync(scratchDir)).toBe(false);
  });

  it('sweeps labelled containers after a successful run whose host `docker run` step started', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'docker run --rm busybox true' })]);
    const outcome = await executeRun({
      task,
      plan: planTask(task),
      runId: 'r8', homeKey: HOME_KEY,
      engine: engineWith(),
      contextDir: dir,
      workspaceMode: 'bind',
      scratchDir: path.join(dir, 'scratch'),
      signal: new AbortController().signal,
      onEvent: () => {},
      handlers: okHandlers,
    });
    expect(outcome.status).toBe('succeeded');
    expect(await calls()).toEqual([
      'network|ls|--filter|label=taskrun.run=r8|--filter|label=taskrun.home=c0ffee0000000000|--format|{{.Name}}\t{{index .Network.Labels "taskrun.run"}}\t{{index .Network.Labels "taskrun.home"}}',
      'ps|--all|--filter|label=taskrun.run=r8|--filter|label=taskrun.home=c0ffee0000000000|--format|{{.ID}}\t{{index .Labels "taskrun.run"}}\t{{index .Labels "taskrun.home"}}',
      'volume|ls|--filter|label=taskrun.run=r8|--filter|label=taskrun.home=c0ffee0000000000|--format|{{.Name}}\t{{index .Labels "taskrun.run"}}\t{{index .Labels "taskrun.home"}}',
    ]);
  });
});
