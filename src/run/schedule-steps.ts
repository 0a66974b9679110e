// Stage 5, execute: walks the step graph by in-degree (acb-spec §5.2). A step starts as
// soon as its last dependency ends (decrement and test happen in one synchronous
// block, so no step starts twice); the first failure stops running steps and leaves
// waiting ones skipped (§5.3).

import type { Plan } from '../plan/plan.js';
import type { Step, StepKind } from '../task/types.js';
import type { RunEventListener, StepStatus } from './events.js';
import type { StepOutcome } from './run-step.js';
import { childController } from './stop-reason.js';

export interface StepSummary {
  readonly id: string;
  readonly kind: StepKind;
  readonly status: Exclude<StepStatus, 'queued' | 'running'>;
  readonly attempts: number;
  readonly durationMs: number;
  readonly exitCode?: number;
  readonly error?: string;
  readonly ignoredError?: boolean;
}

export interface ScheduleResult {
  /** The first step that failed without `ignoreErrors`. */
  readonly failure?: { readonly stepId: string; readonly error: string };
  /** In declaration order. */
  readonly steps: readonly StepSummary[];
}

export async function scheduleSteps(input: {
  plan: Plan;
  /** Undefined: unbounded, as on ACR. */
  maxParallel?: number;
  signal: AbortSignal;
  runStep: (step: Step, signal: AbortSignal) => Promise<StepOutcome>;
  emit: RunEventListener;
}): Promise<ScheduleResult> {
  const { plan, emit } = input;
  const maxParallel = Math.max(1, input.maxParallel ?? Number.POSITIVE_INFINITY);
  const nodes = new Map(plan.nodes.map((node) => [node.step.id, node]));
  const waitingFor = new Map(plan.nodes.map((node) => [node.step.id, node.dependsOn.length]));
  const ready: string[] = [];
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const summaries = new Map<string, StepSummary>();
  const { controller: stop, dispose } = childController(input.signal);
  let failure: ScheduleResult['failure'];

  const markReady = (id: string) => {
    ready.push(id);
    emit({ type: 'step-queued', stepId: id, time: Date.now() });
  };

  const finish = (step: Step, outcome: StepOutcome) => {
    running.delete(step.id);
    const isIgnored = outcome.status === 'failed' && step.ignoreErrors;
    const details = {
      status: outcome.status,
      attempts: outcome.attempts,
      durationMs: outcome.durationMs,
      ...(outcome.exitCode !== undefined && { exitCode: outcome.exitCode }),
      ...(outcome.error !== undefined && { error: outcome.error }),
      ...(isIgnored && { ignoredError: true }),
    };
    summaries.set(step.id, { id: step.id, kind: step.kind, ...details });
    emit({ type: 'step-end', stepId: step.id, time: Date.now(), ...details });
    if (outcome.status === 'succeeded' || isIgnored) {
      for (const child of nodes.get(step.id)?.dependants ?? []) {
        const left = (waitingFor.get(child) ?? 0) - 1;
        waitingFor.set(child, left);
        if (left === 0 && !stop.signal.aborted) markReady(child);
      }
    } else if (outcome.status === 'failed' && !failure) {
      failure = { stepId: step.id, error: outcome.error ?? 'failed' };
      stop.abort({ kind: 'step-failed', stepId: step.id });
    }
  };

  const start = (id: string) => {
    const step = nodes.get(id)?.step;
    if (!step || started.has(id)) return;
    started.add(id);
    const crashed = (error: unknown): StepOutcome => ({
      status: 'failed',
      attempts: 1,
      durationMs: 0,
      error: `internal error: ${error instanceof Error ? error.message : String(error)}`,
    });
    running.set(
      id,
      input.runStep(step, stop.signal).then(
        (outcome) => finish(step, outcome),
        (error: unknown) => finish(step, crashed(error)),
      ),
    );
  };

  try {
    for (const node of plan.nodes) if (node.dependsOn.length === 0) markReady(node.step.id);
    for (;;) {
      while (!stop.signal.aborted && running.size < maxParallel) {
        const id = ready.shift();
        if (id === undefined) break;
        start(id);
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    dispose();
  }

  const steps = plan.nodes.map((node): StepSummary => {
    const done = summaries.get(node.step.id);
    if (done) return done;
    const skipped: StepSummary = { id: node.step.id, kind: node.step.kind, status: 'skipped', attempts: 0, durationMs: 0 };
    emit({ type: 'step-end', stepId: node.step.id, status: 'skipped', time: Date.now(), durationMs: 0, attempts: 0 });
    return skipped;
  });
  return { ...(failure && { failure }), steps };
}
