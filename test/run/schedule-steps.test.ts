import { describe, it, expect } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { planTask } from '../../src/plan/plan.js';
import type { RunEvent } from '../../src/run/events.js';
import { runStepWithPolicy } from '../../src/run/run-step.js';
import type { AttemptRunner } from '../../src/run/run-step.js';
import { scheduleSteps } from '../../src/run/schedule-steps.js';
import type { Step, Task } from '../../src/task/types.js';
import { after, cmdStep, makeTask, pushStep, start } from './make-task.js';

/** Runs a task's graph with a fake attempt runner; returns the events and the result. */
async function runFake(input: { task: Task; attempt: AttemptRunner; maxParallel?: number; signal?: AbortSignal }) {
  const events: RunEvent[] = [];
  const emit = (event: RunEvent) => events.push(event);
  const result = await scheduleSteps({
    plan: planTask(input.task),
    ...(input.maxParallel !== undefined && { maxParallel: input.maxParallel }),
    signal: input.signal ?? new AbortController().signal,
    emit,
    runStep: (step: Step, signal: AbortSignal) => runStepWithPolicy({ step, signal, emit, runAttempt: input.attempt }),
  });
  const log = events.flatMap((event) => {
    if (event.type === 'step-start') return [`start ${event.stepId}#${event.attempt}`];
    if (event.type === 'step-end') return [`end ${event.stepId} ${event.status}`];
    if (event.type === 'step-retry') return [`retry ${event.stepId}#${event.attempt}`];
    return [];
  });
  return { events, result, log };
}

/** Each step waits `ms` (abortable) and succeeds, unless `fail` names it. */
function waitThenSucceed(ms: number, fail: string[] = []): AttemptRunner {
  return async ({ step, signal }) => {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      return { ok: false, error: 'stopped' };
    }
    return fail.includes(step.id) ? { ok: false, exitCode: 3, error: 'exited with code 3' } : { ok: true, exitCode: 0 };
  };
}

describe('scheduleSteps', () => {
  it('runs a chain in order', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'x' }), cmdStep({ id: 'b', cmd: 'x' }), cmdStep({ id: 'c', cmd: 'x' })]);
    const { log, result } = await runFake({ task, attempt: waitThenSucceed(1) });
    expect(log).toEqual(['start a#1', 'end a succeeded', 'start b#1', 'end b succeeded', 'start c#1', 'end c succeeded']);
    expect(result.failure).toBeUndefined();
    expect(result.steps.map((s) => [s.id, s.status, s.attempts, s.exitCode])).toEqual([
      ['a', 'succeeded', 1, 0],
      ['b', 'succeeded', 1, 0],
      ['c', 'succeeded', 1, 0],
    ]);
  });

  it('starts every ready step at once', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'x', when: start }), cmdStep({ id: 'b', cmd: 'x', when: start }), cmdStep({ id: 'c', cmd: 'x', when: start })]);
    const started = Date.now();
    const { log } = await runFake({ task, attempt: waitThenSucceed(100) });
    expect(log.slice(0, 3)).toEqual(['start a#1', 'start b#1', 'start c#1']);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('bounds concurrency with maxParallel', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'x', when: start }), cmdStep({ id: 'b', cmd: 'x', when: start })]);
    const { log } = await runFake({ task, attempt: waitThenSucceed(5), maxParallel: 1 });
    expect(log).toEqual(['start a#1', 'end a succeeded', 'start b#1', 'end b succeeded']);
  });

  it('starts a step with two parents finishing together exactly once', async () => {
    const task = makeTask([
      cmdStep({ id: 'a', cmd: 'x', when: start }),
      cmdStep({ id: 'b', cmd: 'x', when: start }),
      cmdStep({ id: 'c', cmd: 'x', when: after('a', 'b') }),
    ]);
    let calls = 0;
    const { log } = await runFake({
      task,
      // a and b resolve in the same microtask turn.
      attempt: async ({ step }) => {
        if (step.id === 'c') calls++;
        return { ok: true, exitCode: 0 };
      },
    });
    expect(calls).toBe(1);
    expect(log.filter((line) => line.startsWith('start c'))).toEqual(['start c#1']);
  });

  it('stops running steps and skips waiting ones after a failure', async () => {
    const task = makeTask([
      cmdStep({ id: 'slow', cmd: 'x', when: start }),
      cmdStep({ id: 'bad', cmd: 'x', when: start }),
      cmdStep({ id: 'next', cmd: 'x', when: after('bad') }),
    ]);
    const attempt: AttemptRunner = async (input) => (input.step.id === 'bad' ? { ok: false, exitCode: 3, error: 'exited with code 3' } : waitThenSucceed(5000)(input));
    const { result, log } = await runFake({ task, attempt });
    expect(result.failure).toEqual({ stepId: 'bad', error: 'exited with code 3' });
    expect(log).toEqual(['start slow#1', 'start bad#1', 'end bad failed', 'end slow cancelled', 'end next skipped']);
    expect(result.steps.map((s) => [s.id, s.status, s.error])).toEqual([
      ['slow', 'cancelled', 'stopped: step bad failed'],
      ['bad', 'failed', 'exited with code 3'],
      ['next', 'skipped', undefined],
    ]);
  });

  it('goes on after a failure with ignoreErrors', async () => {
    const task = makeTask([cmdStep({ id: 'bad', cmd: 'x', ignoreErrors: true }), cmdStep({ id: 'next', cmd: 'x' })]);
    const { result, log } = await runFake({ task, attempt: waitThenSucceed(1, ['bad']) });
    expect(result.failure).toBeUndefined();
    expect(log).toEqual(['start bad#1', 'end bad failed', 'start next#1', 'end next succeeded']);
    expect(result.steps[0]).toMatchObject({ status: 'failed', ignoredError: true, exitCode: 3 });
  });

  it('retries until an attempt succeeds', async () => {
    const task = makeTask([cmdStep({ id: 'flaky', cmd: 'x', retries: 3, retryDelaySeconds: 0.01 })]);
    const { result, log, events } = await runFake({ task, attempt: async ({ attempt }) => (attempt < 3 ? { ok: false, exitCode: 1, error: 'exited with code 1' } : { ok: true, exitCode: 0 }) });
    expect(log).toEqual(['start flaky#1', 'retry flaky#2', 'start flaky#2', 'retry flaky#3', 'start flaky#3', 'end flaky succeeded']);
    expect(events.find((e) => e.type === 'step-retry')).toMatchObject({ delayMs: 10, reason: 'exited with code 1' });
    expect(result.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it('fails after the last retry', async () => {
    const task = makeTask([cmdStep({ id: 'bad', cmd: 'x', retries: 1, retryDelaySeconds: 0 })]);
    const { result } = await runFake({ task, attempt: waitThenSucceed(1, ['bad']) });
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 2, error: 'exited with code 3' });
  });

  it('retries only on output named by retryOnErrors', async () => {
    const task = makeTask([
      cmdStep({ id: 'match', cmd: 'x', when: start, retries: 2, retryDelaySeconds: 0, retryOnErrors: ['connection refused'] }),
      cmdStep({ id: 'other', cmd: 'x', when: start, retries: 2, retryDelaySeconds: 0, retryOnErrors: ['connection refused'], ignoreErrors: true }),
    ]);
    const attempt: AttemptRunner = async ({ step, attempt: n, emit }) => {
      const text = step.id === 'match' ? 'dial: connection refused' : 'no such file';
      emit({ type: 'step-output', stepId: step.id, stream: 'stderr', text, time: 0 });
      return step.id === 'match' && n === 2 ? { ok: true, exitCode: 0 } : { ok: false, exitCode: 1, error: 'exited with code 1' };
    };
    const { result } = await runFake({ task, attempt });
    expect(result.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([
      ['match', 'succeeded', 2],
      ['other', 'failed', 1],
    ]);
  });

  it('repeats every execution and joins the errors', async () => {
    const task = makeTask([cmdStep({ id: 'r', cmd: 'x', repeat: 2 })]);
    const { result, log } = await runFake({
      task,
      attempt: async ({ attempt }) => (attempt === 2 ? { ok: true, exitCode: 0 } : { ok: false, exitCode: attempt, error: `exited with code ${attempt}` }),
    });
    expect(log).toEqual(['start r#1', 'start r#2', 'start r#3', 'end r failed']);
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 3, error: 'exited with code 1, exited with code 3' });
  });

  it('times a step out across its attempts', async () => {
    const task = makeTask([cmdStep({ id: 'slow', cmd: 'x', timeoutSeconds: 0.1, retries: 5, retryDelaySeconds: 0.03 }), cmdStep({ id: 'next', cmd: 'x' })]);
    const started = Date.now();
    const { result } = await runFake({ task, attempt: async (input) => ({ ...(await waitThenSucceed(40)(input)), ok: false }) });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.failure).toEqual({ stepId: 'slow', error: 'timed out after 0.1 s' });
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
  });

  it('waits startDelay before the first attempt', async () => {
    const task = makeTask([cmdStep({ id: 'late', cmd: 'x', startDelaySeconds: 0.15 })]);
    const started = Date.now();
    let startedAt = 0;
    await runFake({ task, attempt: async () => ((startedAt = Date.now()), { ok: true, exitCode: 0 }) });
    expect(startedAt - started).toBeGreaterThanOrEqual(140);
  });

  it('cancels running steps and skips the rest when the run signal aborts', async () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'x' }), cmdStep({ id: 'b', cmd: 'x' })]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { result, log } = await runFake({ task, attempt: waitThenSucceed(5000), signal: controller.signal });
    expect(result.failure).toBeUndefined();
    expect(log).toEqual(['start a#1', 'end a cancelled', 'end b skipped']);
    expect(result.steps[0]).toMatchObject({ status: 'cancelled', error: 'cancelled' });
  });

  it('gives push steps one attempt: their retries are their own', async () => {
    const task = makeTask([pushStep({ id: 'p', images: ['a:1'] })]);
    const { result } = await runFake({ task, attempt: waitThenSucceed(1, ['p']) });
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
