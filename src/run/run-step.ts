// Stage 5, execute: one step from start to end under its options (acb-spec §5.4-5.5):
// startDelay, then up to retries+1 attempts per execution (retryDelay between,
// retryOnErrors deciding), repeat+1 executions, all inside the step timeout.

import { setTimeout as sleep } from 'node:timers/promises';
import type { StepResult } from '../steps/context.js';
import type { RetryOptions, Step } from '../task/types.js';
import type { RunEventListener } from './events.js';
import { childController, stopReasonOf } from './stop-reason.js';
import type { StopReason } from './stop-reason.js';

export type AttemptRunner = (input: { step: Step; attempt: number; signal: AbortSignal; emit: RunEventListener }) => Promise<StepResult>;

export interface StepOutcome {
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly attempts: number;
  /** From the first attempt's start (after startDelay) to the end. */
  readonly durationMs: number;
  readonly exitCode?: number;
  readonly error?: string;
}

const NO_RETRIES: RetryOptions = { retries: 0, retryDelaySeconds: 0, retryOnErrors: [], repeat: 0 };

export async function runStepWithPolicy(input: {
  step: Step;
  /** Aborts when the run is cancelled or another step failed. */
  signal: AbortSignal;
  runAttempt: AttemptRunner;
  emit: RunEventListener;
  /** The main command of the step, shown in step-start events. */
  command?: readonly string[];
}): Promise<StepOutcome> {
  const { step, emit } = input;
  if (step.startDelaySeconds > 0) {
    const waited = await sleepUnlessAborted(step.startDelaySeconds * 1000, input.signal);
    if (!waited) return { status: 'cancelled', attempts: 0, durationMs: 0, error: 'stopped before it started' };
  }
  const startedAt = Date.now();
  const { controller, dispose } = childController(input.signal);
  const timer = setTimeout(() => controller.abort({ kind: 'step-timeout', seconds: step.timeoutSeconds }), step.timeoutSeconds * 1000);
  try {
    const result = await runExecutions({ ...input, signal: controller.signal });
    const durationMs = Date.now() - startedAt;
    if (controller.signal.aborted) {
      const reason = stopReasonOf(controller.signal);
      const exit = result.exitCode !== undefined ? { exitCode: result.exitCode } : {};
      if (reason.kind === 'step-timeout') return { status: 'failed', attempts: result.attempts, durationMs, ...exit, error: `timed out after ${reason.seconds} s` };
      // No exit code: the code of an engine client taskrun stopped says nothing about the step (podman build
      // says 0, podman run 137, docker 130 or 143), so a cancelled step reads `-` on every engine.
      return { status: 'cancelled', attempts: result.attempts, durationMs, error: describeStop(reason) };
    }
    return { ...result, durationMs };
  } finally {
    clearTimeout(timer);
    dispose();
  }
}

async function runExecutions(input: {
  step: Step;
  signal: AbortSignal;
  runAttempt: AttemptRunner;
  emit: RunEventListener;
  command?: readonly string[];
}): Promise<Omit<StepOutcome, 'durationMs'>> {
  const { step, signal, emit } = input;
  const options = step.kind === 'push' ? NO_RETRIES : step;
  const errors: string[] = [];
  let attempts = 0;
  let exitCode: number | undefined;
  for (let execution = 0; execution <= options.repeat && !signal.aborted; execution++) {
    let executionError: string | undefined;
    for (let retry = 0; retry <= options.retries; retry++) {
      attempts++;
      let matchedRetryError = false;
      const watchOutput: RunEventListener = (event) => {
        if (event.type === 'step-output' && options.retryOnErrors.some((text) => event.text.includes(text))) matchedRetryError = true;
        emit(event);
      };
      emit({ type: 'step-start', stepId: step.id, kind: step.kind, time: Date.now(), attempt: attempts, ...(input.command && { command: input.command }) });
      const result = await input.runAttempt({ step, attempt: attempts, signal, emit: watchOutput });
      exitCode = result.exitCode;
      if (signal.aborted) break;
      if (result.ok) {
        executionError = undefined;
        break;
      }
      executionError = result.error ?? 'failed';
      const isRetryable = options.retryOnErrors.length === 0 || matchedRetryError;
      if (retry === options.retries || !isRetryable) break;
      const delayMs = options.retryDelaySeconds * 1000;
      emit({ type: 'step-retry', stepId: step.id, attempt: attempts + 1, delayMs, reason: executionError, time: Date.now() });
      if (!(await sleepUnlessAborted(delayMs, signal))) break;
    }
    if (executionError !== undefined) errors.push(executionError);
  }
  const exit = exitCode !== undefined ? { exitCode } : {};
  if (errors.length > 0) return { status: 'failed', attempts, ...exit, error: errors.join(', ') };
  return { status: 'succeeded', attempts, ...exit };
}

/** False when the signal aborted first. */
async function sleepUnlessAborted(delayMs: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (delayMs <= 0) return true;
  try {
    await sleep(delayMs, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Why a step was stopped from outside (its own timeout is reported as a failure instead). */
function describeStop(reason: Exclude<StopReason, { kind: 'step-timeout' }>): string {
  switch (reason.kind) {
    case 'cancelled':
      return 'cancelled';
    case 'run-timeout':
      return `stopped: the run timed out after ${reason.seconds} s`;
    case 'step-failed':
      return `stopped: step ${reason.stepId} failed`;
  }
}
