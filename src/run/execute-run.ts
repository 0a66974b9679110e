// Stage 5, execute: one run of a planned task on an engine: create the run's
// resources, schedule the steps, then remove everything the run created, on every path.

import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../engine/engine.js';
import { containerNameFor } from '../engine/names.js';
import type { Plan } from '../plan/plan.js';
import { isHostDockerStep } from '../steps/cmd.js';
import { describeStepCommands, runStep, STEP_HANDLERS } from '../steps/index.js';
import type { StepCommand, StepHandlers } from '../steps/index.js';
import type { Step, Task } from '../task/types.js';
import type { ImageRef, RunEvent, RunEventListener } from './events.js';
import { createRunResources, describeCleanupCommands, describeSetupCommands, planRunResources, removeRunResources } from './run-resources.js';
import type { CreatedResources, ResourcePlan } from './run-resources.js';
import { runStepWithPolicy } from './run-step.js';
import { scheduleSteps } from './schedule-steps.js';
import type { StepSummary } from './schedule-steps.js';
import { childController, stopReasonOf } from './stop-reason.js';

export const DEFAULT_RUN_TIMEOUT_SECONDS = 3600;

export interface RunOptions {
  readonly task: Task;
  readonly plan: Plan;
  readonly runId: string;
  readonly engine: Engine;
  /** Absolute path of the build context, bind-mounted at /workspace. */
  readonly contextDir: string;
  /** Undefined: unbounded, as on ACR. */
  readonly maxParallel?: number;
  readonly runTimeoutSeconds?: number;
  /** Aborted on SIGINT/SIGTERM: the run stops, cleans up and ends `cancelled`. */
  readonly signal: AbortSignal;
  readonly onEvent: RunEventListener;
  /** Run nothing; report the commands each step would run. */
  readonly dryRun?: boolean;
  /** Host folder for the run's own files; default `<tmp>/taskrun-<runId>`. */
  readonly scratchDir?: string;
  /** Replaces the step handlers (tests). */
  readonly handlers?: StepHandlers;
}

export interface RunCommands {
  readonly setup: readonly StepCommand[];
  readonly steps: readonly { readonly stepId: string; readonly commands: readonly StepCommand[] }[];
  readonly cleanup: readonly StepCommand[];
}

export interface RunOutcome {
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  /** `failed to run step ID: <id>: <cause>` and the like. */
  readonly error?: string;
  readonly durationMs: number;
  readonly steps: readonly StepSummary[];
  readonly imagesBuilt: readonly ImageRef[];
  readonly imagesPushed: readonly ImageRef[];
  /** Manifest lists pushed by `docker manifest push` steps. */
  readonly manifestsPushed: readonly ImageRef[];
  /** Cleanup problems (a network that could not be removed). */
  readonly warnings: readonly string[];
  /** Only for a dry run. */
  readonly commands?: RunCommands;
}

export function defaultScratchDir(runId: string): string {
  return path.join(os.tmpdir(), `taskrun-${runId}`);
}

function planResourcesFor(options: RunOptions): ResourcePlan {
  return planRunResources({
    task: options.task,
    runId: options.runId,
    engine: options.engine,
    contextDir: options.contextDir,
    scratchDir: options.scratchDir ?? defaultScratchDir(options.runId),
  });
}

/** Containers a step may leave behind (keep, detach, a stopped run); host `docker …` steps start none. */
function containerNamesOf(runId: string, steps: readonly Step[]): string[] {
  return steps.filter((step) => step.kind === 'cmd' && !isHostDockerStep(step)).map((step) => containerNameFor({ runId, stepId: step.id }));
}

// Pure: every command a run would execute, in order (`taskrun run --dry-run`).
export function describeRunCommands(options: Pick<RunOptions, 'task' | 'plan' | 'runId' | 'engine' | 'contextDir' | 'scratchDir'>): RunCommands {
  const plan = planRunResources({
    task: options.task,
    runId: options.runId,
    engine: options.engine,
    contextDir: options.contextDir,
    scratchDir: options.scratchDir ?? defaultScratchDir(options.runId),
  });
  return {
    setup: describeSetupCommands(plan),
    steps: options.plan.nodes.map((node) => ({ stepId: node.step.id, commands: describeStepCommands(node.step, plan.resources) })),
    cleanup: describeCleanupCommands(plan, containerNamesOf(options.runId, options.task.steps)),
  };
}

export async function executeRun(options: RunOptions): Promise<RunOutcome> {
  const startedAt = Date.now();
  const imagesBuilt: ImageRef[] = [];
  const imagesPushed: ImageRef[] = [];
  const manifestsPushed: ImageRef[] = [];
  const emit = (event: RunEvent) => {
    if (event.type === 'image-built') imagesBuilt.push(event.image);
    if (event.type === 'image-pushed') imagesPushed.push(event.image);
    if (event.type === 'manifest-pushed') manifestsPushed.push(event.image);
    options.onEvent(event);
  };
  emit({ type: 'run-start', runId: options.runId, time: startedAt, stepIds: options.plan.nodes.map((node) => node.step.id) });
  const outcome = options.dryRun ? describeDryRun(options, emit) : await runForReal(options, emit);
  const result: RunOutcome = { ...outcome, durationMs: Date.now() - startedAt, imagesBuilt, imagesPushed, manifestsPushed };
  emit({ type: 'run-end', runId: options.runId, status: result.status, time: Date.now(), durationMs: result.durationMs, ...(result.error && { error: result.error }) });
  return result;
}

type PartialOutcome = Omit<RunOutcome, 'durationMs' | 'imagesBuilt' | 'imagesPushed' | 'manifestsPushed'>;

function describeDryRun(options: RunOptions, emit: RunEventListener): PartialOutcome {
  const commands = describeRunCommands(options);
  const steps = commands.steps.map(({ stepId, commands: stepCommands }): StepSummary => {
    const step = options.plan.nodes.find((node) => node.step.id === stepId)?.step;
    const kind = step?.kind ?? 'cmd';
    const first = stepCommands[0]?.argv;
    emit({ type: 'step-start', stepId, kind, time: Date.now(), attempt: 1, ...(first && { command: first }) });
    emit({ type: 'step-end', stepId, status: 'succeeded', time: Date.now(), durationMs: 0, attempts: 1 });
    return { id: stepId, kind, status: 'succeeded', attempts: 1, durationMs: 0 };
  });
  return { status: 'succeeded', steps, warnings: [], commands };
}

async function runForReal(options: RunOptions, emit: RunEventListener): Promise<PartialOutcome> {
  const resourcePlan = planResourcesFor(options);
  const runTimeoutSeconds = options.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS;
  const { controller, dispose } = childController(options.signal);
  const timer = setTimeout(() => controller.abort({ kind: 'run-timeout', seconds: runTimeoutSeconds }), runTimeoutSeconds * 1000);
  const created: CreatedResources = { networks: [] };
  const startedSteps: Step[] = [];
  let outcome: Omit<PartialOutcome, 'warnings'> = { status: 'failed', steps: [] };
  try {
    const setupError = await createRunResources({ plan: resourcePlan, task: options.task, signal: controller.signal, created });
    if (controller.signal.aborted) {
      outcome = { ...finalStatus(controller.signal, undefined), steps: [] };
    } else if (setupError !== undefined) {
      outcome = { status: 'failed', error: setupError, steps: [] };
    } else {
      const scheduled = await scheduleSteps({
        plan: options.plan,
        ...(options.maxParallel !== undefined && { maxParallel: options.maxParallel }),
        signal: controller.signal,
        emit,
        runStep: (step, signal) => {
          startedSteps.push(step);
          return runStepWithPolicy({
            step,
            signal,
            emit,
            command: mainCommandOf(describeStepCommands(step, resourcePlan.resources)),
            runAttempt: ({ attempt, signal: stepSignal, emit: stepEmit }) =>
              runStep({
                step,
                ctx: { resources: resourcePlan.resources, attempt, signal: stepSignal, emit: stepEmit },
                handlers: options.handlers ?? STEP_HANDLERS,
              }),
          });
        },
      });
      outcome = { ...finalStatus(controller.signal, scheduled.failure), steps: scheduled.steps };
    }
  } finally {
    clearTimeout(timer);
    dispose();
  }
  const warnings = await removeRunResources({
    engine: options.engine,
    runId: options.runId,
    created,
    containerNames: containerNamesOf(options.runId, startedSteps),
    sweepLabelled: outcome.status !== 'succeeded' && resourcePlan.usesContainers,
  });
  for (const message of warnings) emit({ type: 'warning', message, time: Date.now() });
  return { ...outcome, warnings };
}

/** The command a step-start event shows: the run (not the pull before or the removal after it). */
function mainCommandOf(commands: readonly StepCommand[]): readonly string[] {
  return (commands.find((command) => command.argv[1] === 'run') ?? commands.at(-1))?.argv ?? [];
}

function finalStatus(signal: AbortSignal, failure: { stepId: string; error: string } | undefined): Pick<RunOutcome, 'status' | 'error'> {
  if (failure) return { status: 'failed', error: `failed to run step ID: ${failure.stepId}: ${failure.error}` };
  if (!signal.aborted) return { status: 'succeeded' };
  const reason = stopReasonOf(signal);
  if (reason.kind === 'run-timeout') return { status: 'failed', error: `the run timed out after ${reason.seconds} s` };
  return { status: 'cancelled', error: 'cancelled' };
}
