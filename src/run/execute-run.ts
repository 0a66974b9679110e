// Stage 5, execute: one run of a planned task on an engine: create the run's
// resources, schedule the steps, then remove everything the run created, on every path.

import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../engine/engine.js';
import type { PlatformEngine } from '../engine/platform-engines.js';
import { engineApiFor } from '../engine/engine-api.js';
import { runNamePrefix, type RunScope } from '../engine/names.js';
import type { Plan } from '../plan/plan.js';
import { startsLabelledContainer, stepContainerNames } from '../steps/cmd.js';
import { describeStepCommands, isPreparable, keepsImages, runStep, STEP_HANDLERS } from '../steps/index.js';
import { createContainerRemovals } from '../steps/container-removals.js';
import type { StepCommand, StepHandlers } from '../steps/index.js';
import type { WorkspaceMode } from '../steps/context.js';
import type { Step, Task } from '../task/types.js';
import type { ImageRef, RunEvent, RunEventListener } from './events.js';
import { createRunResources, describeCleanupCommands, describeSetupCommands, planRunResources, removeRunResources } from './run-resources.js';
import type { CreatedResources, ResourcePlan } from './run-resources.js';
import { createPrepareAhead } from './prepare-ahead.js';
import { runStepWithPolicy } from './run-step.js';
import { scheduleSteps } from './schedule-steps.js';
import type { ScheduleResult, StepSummary } from './schedule-steps.js';
import { childController, stopReasonOf } from './stop-reason.js';
import { createWorkspaceAccess } from './workspace.js';

export const DEFAULT_RUN_TIMEOUT_SECONDS = 3600;

export interface RunOptions {
  readonly task: Task;
  readonly plan: Plan;
  readonly runId: string;
  /** `homeKeyOf(TASKRUN_HOME)`: names and labels carry it beside the run id. */
  readonly homeKey: string;
  readonly engine: Engine;
  /** Absolute path of the build context: copied into the workspace, or with `bind` mounted at /workspace. */
  readonly contextDir: string;
  /** Default `copy`: steps never write the context folder. */
  readonly workspaceMode?: WorkspaceMode;
  /** `--engine-for`: builds for these platforms go to other engines. */
  readonly platformEngines?: readonly PlatformEngine[];
  /** Undefined: unbounded, as on ACR. */
  readonly maxParallel?: number;
  readonly runTimeoutSeconds?: number;
  /** Aborted on SIGINT/SIGTERM/SIGHUP: the run stops, cleans up and ends `cancelled`. */
  readonly signal: AbortSignal;
  readonly onEvent: RunEventListener;
  /** Host folder for the run's own files; default `<tmp>/taskrun-<home6>-<runId>`. */
  readonly scratchDir?: string;
  /** Secret values, kept off engine command lines. */
  readonly secretValues?: readonly string[];
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
}

export function defaultScratchDir(scope: RunScope): string {
  return path.join(os.tmpdir(), runNamePrefix(scope));
}

type ResourceOptions = Pick<RunOptions, 'task' | 'runId' | 'homeKey' | 'engine' | 'contextDir' | 'scratchDir' | 'workspaceMode' | 'platformEngines' | 'secretValues'>;

function planResourcesFor(options: ResourceOptions): ResourcePlan {
  return planRunResources({
    task: options.task,
    runId: options.runId,
    homeKey: options.homeKey,
    engine: options.engine,
    contextDir: options.contextDir,
    scratchDir: options.scratchDir ?? defaultScratchDir(options),
    workspaceMode: options.workspaceMode ?? 'copy',
    ...(options.platformEngines && { platformEngines: options.platformEngines }),
    ...(options.secretValues && { secretValues: options.secretValues }),
  });
}

/** Containers a step may leave behind (keep, detach, a stopped run); host `docker …` steps start none taskrun names. */
function containerNamesOf(scope: RunScope, steps: readonly Step[]): string[] {
  return steps.flatMap((step) => (step.kind === 'cmd' ? stepContainerNames(step, scope) : []));
}

const isLabelledContainerStep = (step: Step) => step.kind === 'cmd' && startsLabelledContainer(step);

// Pure: every command a run would execute, in order (`taskrun run --dry-run`).
export function describeRunCommands(options: ResourceOptions & Pick<RunOptions, 'plan'> & { hasDockerignore?: boolean }): RunCommands {
  const plan = planResourcesFor(options);
  return {
    setup: describeSetupCommands(plan, { hasDockerignore: options.hasDockerignore ?? false }),
    steps: options.plan.nodes.map((node) => ({ stepId: node.step.id, commands: describeStepCommands(node.step, plan.resources) })),
    cleanup: describeCleanupCommands(plan, containerNamesOf(options, options.task.steps)),
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
  const outcome = await runSteps(options, emit);
  const result: RunOutcome = { ...outcome, durationMs: Date.now() - startedAt, imagesBuilt, imagesPushed, manifestsPushed };
  emit({ type: 'run-end', runId: options.runId, status: result.status, time: Date.now(), durationMs: result.durationMs, ...(result.error && { error: result.error }) });
  return result;
}

type PartialOutcome = Omit<RunOutcome, 'durationMs' | 'imagesBuilt' | 'imagesPushed' | 'manifestsPushed'>;

async function runSteps(options: RunOptions, emit: RunEventListener): Promise<PartialOutcome> {
  const resourcePlan = planResourcesFor(options);
  const runTimeoutSeconds = options.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS;
  const { controller, dispose } = childController(options.signal);
  const timer = setTimeout(() => controller.abort({ kind: 'run-timeout', seconds: runTimeoutSeconds }), runTimeoutSeconds * 1000);
  const created: CreatedResources = { networks: [] };
  const workspace = createWorkspaceAccess({
    spec: resourcePlan.resources.workspace,
    engine: options.engine,
    runId: options.runId,
    homeKey: options.homeKey,
    scratchDir: resourcePlan.resources.scratchDir,
    hasVolume: resourcePlan.usesWorkspaceVolume,
  });
  const startedSteps: Step[] = [];
  const handlers = options.handlers ?? STEP_HANDLERS;
  const removals = createContainerRemovals(options.engine);
  // Steps' containers start and go by the engine's API where it has one: podman's service starts
  // now, beside the run's networks and volumes, rather than at the first step's turn.
  let createsWithoutCli = false;
  if (options.plan.nodes.some((node) => isPreparable(node.step))) void engineApiFor(options.engine).then((api) => (createsWithoutCli = api?.createFromSpec !== undefined));
  // Preparations stop with the run, and once the schedule ended (what is left is for steps that will not run).
  const { controller: preparing, dispose: disposePreparing } = childController(controller.signal);
  let markReady: (ready: boolean) => void = () => undefined;
  const resourcesReady = new Promise<boolean>((resolve) => (markReady = resolve));
  const prepare = handlers.prepare;
  const ahead =
    prepare &&
    createPrepareAhead({
      plan: options.plan,
      canPrepare: isPreparable,
      prepare: (step) => prepare(step, { resources: resourcePlan.resources, signal: preparing.signal, ready: resourcesReady }),
      // podman's service creates and starts a container with no CLI process, where `run` is one.
      prepareAtTurn: () => createsWithoutCli,
      keepsImages,
    });
  let setupError: string | undefined;
  let scheduled: ScheduleResult | undefined;
  let warnings: string[] = [];
  try {
    setupError = await createRunResources({ plan: resourcePlan, task: options.task, signal: controller.signal, created });
    markReady(setupError === undefined && !controller.signal.aborted);
    if (setupError === undefined && !controller.signal.aborted) {
      scheduled = await scheduleSteps({
        plan: options.plan,
        ...(options.maxParallel !== undefined && { maxParallel: options.maxParallel }),
        signal: controller.signal,
        emit,
        runStep: (step, signal) => {
          startedSteps.push(step);
          const prepared = ahead?.started(step.id);
          return runStepWithPolicy({
            step,
            signal,
            emit,
            command: mainCommandOf(describeStepCommands(step, resourcePlan.resources)),
            runAttempt: ({ attempt, signal: stepSignal, emit: stepEmit }) =>
              runStep({
                step,
                ctx: { resources: resourcePlan.resources, workspace, attempt, signal: stepSignal, emit: stepEmit, removals, ...(attempt === 1 && prepared && { prepared }) },
                handlers,
              }),
          }).finally(() => ahead?.finished(step.id));
        },
      });
    }
  } finally {
    clearTimeout(timer);
    markReady(false);
    preparing.abort({ kind: 'cancelled' });
    await ahead?.settle();
    disposePreparing();
    await removals.drain();
    dispose();
    // Every path, a throw included. Anything but a clean run sweeps by the run label, as do runs whose
    // host `docker run|create` steps started containers that taskrun did not name.
    const isClean = scheduled !== undefined && scheduled.failure === undefined && !controller.signal.aborted;
    const mayLeaveContainers = resourcePlan.usesContainers || resourcePlan.usesWorkspaceVolume || options.task.steps.some(isLabelledContainerStep);
    // Containers made ahead for steps that never ran are removed with the rest.
    const preparedIds = new Set(ahead?.preparedStepIds() ?? []);
    const containerSteps = [...startedSteps, ...options.task.steps.filter((step) => preparedIds.has(step.id) && !startedSteps.includes(step))];
    warnings = await removeRunResources({
      engine: options.engine,
      scope: options,
      created,
      containerNames: containerNamesOf(options, containerSteps).filter((name) => !removals.isRemoved(name)),
      sweepLabelled: (!isClean && mayLeaveContainers) || startedSteps.some(isLabelledContainerStep),
    });
  }
  for (const message of warnings) emit({ type: 'warning', message, time: Date.now() });
  // Decided after cleanup: a Ctrl-C that reaches an engine client too may end its step as failed
  // before taskrun's own handler runs; the run still counts as cancelled.
  const status = finalStatus({ runSignal: options.signal, signal: controller.signal, setupError, failure: scheduled?.failure });
  return { ...status, steps: scheduled?.steps ?? skipAll(options.plan, emit), warnings };
}

/** After a setup failure or a stop before the first step: every step is reported skipped. */
function skipAll(plan: Plan, emit: RunEventListener): StepSummary[] {
  return plan.nodes.map(({ step }) => {
    emit({ type: 'step-end', stepId: step.id, status: 'skipped', time: Date.now(), durationMs: 0, attempts: 0 });
    return { id: step.id, kind: step.kind, status: 'skipped', attempts: 0, durationMs: 0 };
  });
}

/** The command a step-start event shows: the run (not the pull before or the removal after it). */
function mainCommandOf(commands: readonly StepCommand[]): readonly string[] {
  return (commands.find((command) => command.argv[1] === 'run') ?? commands.at(-1))?.argv ?? [];
}

function finalStatus(input: {
  runSignal: AbortSignal;
  signal: AbortSignal;
  setupError: string | undefined;
  failure: ScheduleResult['failure'];
}): Pick<RunOutcome, 'status' | 'error'> {
  if (input.runSignal.aborted && stopReasonOf(input.runSignal).kind === 'cancelled') return { status: 'cancelled', error: 'cancelled' };
  if (input.failure) return { status: 'failed', error: `failed to run step ID: ${input.failure.stepId}: ${input.failure.error}` };
  if (input.signal.aborted) {
    const reason = stopReasonOf(input.signal);
    return reason.kind === 'run-timeout' ? { status: 'failed', error: `the run timed out after ${reason.seconds} s` } : { status: 'cancelled', error: 'cancelled' };
  }
  if (input.setupError !== undefined) return { status: 'failed', error: input.setupError };
  return { status: 'succeeded' };
}
