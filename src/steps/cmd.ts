// Stage 5, execute: one command of a cmd step: the step's image with `<engine> run` (acb-spec
// §4.3), or for the word `docker` the selected engine's CLI on the host (ACR runs the docker CLI
// image against the host's socket). command-list.ts runs a step's list of them.

import { setTimeout as sleep } from 'node:timers/promises';
import { buildInspectStatusArgv, buildPullArgv, buildRemoveContainersArgv, buildRunArgv } from '../engine/argv.js';
import { containerNameFor, runLabels, type RunScope } from '../engine/names.js';
import { CLEANUP_TIMEOUT_MS, removeContainers, runEngine } from '../engine/run-engine.js';
import type { CmdStep, ImageOrigin } from '../task/types.js';
import type { RunResources, StepCommand, StepContext, StepResult } from './context.js';
import { describeContainerRun, envRecordOf, hostDirFor, isRemovedAfterExit, type ContainerRun } from './container-run.js';
import { runStepCommand, startStepContainer } from './run-step-command.js';

export function isHostDockerStep(step: CmdStep): boolean {
  return step.words[0] === 'docker';
}

/** A command of a cmd step's list that the engine runs: a container, or the engine's CLI on the host. */
export interface EngineCommand {
  readonly kind: 'host-docker' | 'container';
  readonly words: readonly string[];
  /** 1-based position in the list (builtins count too): 1 is the step's own command. */
  readonly position: number;
}

/** The step's own command, then the later ones of its list that are no builtins. */
export function engineCommandsOf(step: CmdStep): EngineCommand[] {
  const first: EngineCommand = { kind: isHostDockerStep(step) ? 'host-docker' : 'container', words: step.words, position: 1 };
  return [
    first,
    ...step.rest.flatMap((item, index): EngineCommand[] =>
      item.command.kind === 'builtin' ? [] : [{ kind: item.command.kind, words: item.command.words, position: index + 2 }],
    ),
  ];
}

/** Whether any command of the step runs in a container. */
export function usesStepContainers(step: CmdStep): boolean {
  return engineCommandsOf(step).some((command) => command.kind === 'container');
}

/** Whether every engine command of the step is `docker manifest …` (taskrun runs those in-process). */
export function isManifestOnly(step: CmdStep): boolean {
  return engineCommandsOf(step).every((command) => command.kind === 'host-docker' && command.words[1] === 'manifest');
}

/** The containers the step's commands run in (keep, detach or a stopped run may leave them behind). */
export function stepContainerNames(step: CmdStep, scope: RunScope): string[] {
  return engineCommandsOf(step)
    .filter((command) => command.kind === 'container')
    .map((command) => containerNameFor(scope, step.id, command.position));
}

/** Where a host `docker run|create …` (or `docker container run|create …`) names its subcommand; -1 for any other. */
function containerStartIndex(args: readonly string[]): number {
  const isStart = (word: string | undefined) => word === 'run' || word === 'create';
  if (isStart(args[0])) return 0;
  return args[0] === 'container' && isStart(args[1]) ? 1 : -1;
}

/** A host `docker run|create` command starts a container taskrun did not name: cleanup finds it by the run label. */
export function startsLabelledContainer(step: CmdStep): boolean {
  return engineCommandsOf(step).some((command) => command.kind === 'host-docker' && containerStartIndex(command.words.slice(1)) >= 0);
}

// The engine argv of a host `docker …` command; `run`/`create` get the run's labels so cleanup can find the container.
export function hostDockerArgs(words: readonly string[], scope: RunScope): string[] {
  const args = words.slice(1);
  const at = containerStartIndex(args);
  if (at < 0) return args;
  return [...args.slice(0, at + 1), ...Object.entries(runLabels(scope)).flatMap(([key, value]) => ['--label', `${key}=${value}`]), ...args.slice(at + 1)];
}

/** Host `docker` subcommands that cannot change a volume: after them a build's snapshot stays valid. */
const VOLUME_SAFE_SUBCOMMANDS = new Set(['build', 'buildx', 'push', 'pull', 'tag', 'images', 'image', 'inspect', 'login', 'logout', 'version', 'info', 'ps', 'rmi', 'logs', 'history', 'search', 'save', 'load', 'network']);

function mayCommandWriteWorkspace(command: Pick<EngineCommand, 'kind' | 'words'>): boolean {
  return command.kind === 'container' || !VOLUME_SAFE_SUBCOMMANDS.has(command.words[1] ?? '');
}

export function mayWriteWorkspace(step: CmdStep): boolean {
  return engineCommandsOf(step).some(mayCommandWriteWorkspace);
}

/** The commands of one engine command of the step, as the dry run shows them. */
export function describeEngineCommand(step: CmdStep, command: EngineCommand, resources: RunResources): StepCommand[] {
  if (command.kind === 'host-docker') {
    const args = hostDockerArgs(command.words, resources);
    return [{ argv: [resources.engine.binary, ...args], cwd: hostDirFor(step, resources.hostWorkspaceDir), ...(args[0] === 'manifest' && { inProcess: true }) }];
  }
  const later = command.position > 1 ? { words: command.words, position: command.position } : undefined;
  const run = describeContainerRun({ step, resources, ...(later && { later }) });
  const pull = !later && step.pull && step.cmdDownloadRetries >= 0 ? [{ argv: [resources.engine.binary, ...buildPullArgv({ image: run.image })] }] : [];
  const removal = isRemovedAfterExit({ step: later ? { ...step, keep: false, detach: false } : step, resources })
    ? [{ argv: [resources.engine.binary, ...buildRemoveContainersArgv({ engine: resources.engine.name, names: [run.containerName] })] }]
    : [];
  return [...pull, { argv: [resources.engine.binary, ...buildRunArgv(run)] }, ...removal];
}

/** Runs the step's own command (the first of its list): its container, or the engine's CLI on the host. */
export async function runFirstCommand(step: CmdStep, ctx: StepContext): Promise<StepResult> {
  if (isHostDockerStep(step)) return runHostDocker(step, step.words, ctx);
  const run = describeContainerRun({ step, resources: ctx.resources });
  if (step.isolation !== undefined && run.isolation === undefined && ctx.attempt === 1) {
    ctx.emit({ type: 'warning', stepId: step.id, message: `isolation "${step.isolation}" is ignored: podman has no --isolation`, time: Date.now() });
  }
  const prepared = ctx.attempt === 1 ? await ctx.prepared : undefined;
  const isPrepared = prepared?.kind === 'created';
  if (isPrepared) for (const held of prepared.output) ctx.emit({ type: 'step-output', stepId: step.id, stream: held.stream, text: held.text, time: Date.now() });
  if (step.pull && step.cmdDownloadRetries >= 0 && ctx.attempt === 1 && !(isPrepared && prepared.pulled)) {
    const pulled = await pullWithRetries({ step, ctx, image: run.image });
    if (!pulled.ok) return { ...pulled, error: `failed to pull ${run.image}: ${pulled.error ?? 'unknown error'} (${describeStepImage(step)})` };
  }
  // An earlier attempt's container may still hold the name: being removed, or kept (no --rm).
  await ctx.removals?.reuse(run.containerName);
  if (step.keep && ctx.attempt > 1) await removeContainers({ engine: ctx.resources.engine, names: [run.containerName] });
  return runContainer({ step, ctx, run, isPrepared, removeAfter: isRemovedAfterExit({ step, resources: ctx.resources }), imageOf: describeStepImage(step) });
}

/** Runs a later engine command of the step's list. */
export async function runLaterCommand(step: CmdStep, command: EngineCommand & { readonly imageOrigin?: ImageOrigin }, ctx: StepContext): Promise<StepResult> {
  if (command.kind === 'host-docker') return runHostDocker(step, command.words, ctx);
  const run = describeContainerRun({ step, resources: ctx.resources, later: { words: command.words, position: command.position } });
  const removeAfter = isRemovedAfterExit({ step: { ...step, keep: false, detach: false }, resources: ctx.resources });
  return runContainer({ step, ctx, run, isPrepared: false, removeAfter, imageOf: describeImage(command.words[0] ?? '', command.imageOrigin) });
}

async function runContainer(input: { step: CmdStep; ctx: StepContext; run: ContainerRun; isPrepared: boolean; removeAfter: boolean; imageOf: string }): Promise<StepResult> {
  const { step, ctx, run } = input;
  ctx.workspace.noteWrite();
  try {
    const result = input.isPrepared
      ? await startPrepared(step, ctx, run)
      : await runStepCommand({ ctx, stepId: step.id, args: buildRunArgv(run), env: run.engineEnv, containerName: run.containerName });
    // A container made ahead has no --rm.
    if (input.isPrepared ? !step.keep : input.removeAfter) await removeAfterExit(ctx, run.containerName);
    // 125: the engine failed, most often to find or pull the image: say which one and where it came from.
    return !result.ok && result.exitCode === ENGINE_FAILED ? { ...result, error: `${result.error ?? 'failed'} (${input.imageOf})` } : result;
  } finally {
    // A detached container may go on writing: a later build then snapshots again anyway.
    ctx.workspace.noteWrite();
  }
}

/**
 * `start --attach` of the container made ahead. A container that could not start (its command
 * missing: docker fails at start, exit 1, where `run` exits 127) never ran: it is removed and the
 * step runs it the usual way, so its exit code and error are those of `run`.
 */
async function startPrepared(step: CmdStep, ctx: StepContext, run: ContainerRun): Promise<StepResult> {
  const { engine } = ctx.resources;
  const started = await startStepContainer({ ctx, stepId: step.id, containerName: run.containerName });
  if (started.ok || ctx.signal.aborted) return started;
  let status = '';
  await runEngine({
    engine,
    args: buildInspectStatusArgv(run),
    timeoutMs: CLEANUP_TIMEOUT_MS,
    onLine: (line, stream) => {
      if (stream === 'stdout') status += line.trim();
    },
  });
  // Only a container known never to have run goes again; any other state (or no answer) is the step's result.
  if (!NEVER_STARTED.has(status)) return started;
  await removeContainers({ engine, names: [run.containerName] });
  return runStepCommand({ ctx, stepId: step.id, args: buildRunArgv({ ...run, remove: !step.keep && !isRemovedAfterExit({ step, resources: ctx.resources }) }), env: run.engineEnv, containerName: run.containerName });
}

/** States of a container whose command never ran (docker: created; podman: created, configured, initialized). */
const NEVER_STARTED = new Set(['created', 'configured', 'initialized']);

async function removeAfterExit(ctx: StepContext, containerName: string): Promise<void> {
  if (ctx.removals) ctx.removals.removeLater(containerName);
  else await removeContainers({ engine: ctx.resources.engine, names: [containerName] });
}

const ENGINE_FAILED = 125;

/** The image a cmd step runs, where its name came from, and how to run another one instead. */
function describeStepImage(step: CmdStep): string {
  return describeImage(step.words[0] ?? '', step.imageOrigin);
}

function describeImage(image: string, origin: ImageOrigin | undefined): string {
  if (origin?.mappedFrom !== undefined) return `image ${image}, given by --image-map for ${origin.written}`;
  const from = origin?.isAlias ? `, from the alias \`${origin.written}\`` : '';
  return `image ${image}${from}; to run another image in its place: --image-map ${origin?.written ?? image}=IMAGE`;
}

async function runHostDocker(step: CmdStep, words: readonly string[], ctx: StepContext): Promise<StepResult> {
  if (words[1] === 'manifest') return runManifest(step, words, ctx);
  const workspace = await ctx.workspace.hostDir(ctx.signal);
  if (!workspace.ok) return { ok: false, error: workspace.error };
  // It may write into the workspace volume (`docker run -v {{.Run.SharedVolume}}:/workspace …`).
  const mayWrite = mayCommandWriteWorkspace({ kind: 'host-docker', words });
  if (mayWrite) ctx.workspace.noteWrite();
  try {
    return await runStepCommand({
      ctx,
      stepId: step.id,
      args: hostDockerArgs(words, ctx.resources),
      cwd: hostDirFor(step, workspace.dir),
      env: envRecordOf(step.env),
    });
  } finally {
    if (mayWrite) ctx.workspace.noteWrite();
  }
}

// docker manifest talks to the registry itself; taskrun does the same in-process, so it works with podman too.
async function runManifest(step: CmdStep, words: readonly string[], ctx: StepContext): Promise<StepResult> {
  // The error docker manifest printed last becomes the step's error (records and summaries show it).
  let lastError: string | undefined;
  const emitText = (stream: 'stdout' | 'stderr') => (text: string) => {
    if (stream === 'stderr') lastError = lastErrorLine(text) ?? lastError;
    ctx.emit({ type: 'step-output', stepId: step.id, stream, text, time: Date.now() });
  };
  // The registry client is loaded only by runs that have such a step.
  const { describeError, runDockerManifest } = await import('../registry/docker-manifest.js');
  try {
    const exitCode = await runDockerManifest(words.slice(2), {
      stdout: emitText('stdout'),
      stderr: emitText('stderr'),
      signal: ctx.signal,
      env: { ...process.env, ...ctx.resources.engine.env, ...envRecordOf(step.env) },
      onManifestPushed: (pushed) =>
        ctx.emit({ type: 'manifest-pushed', stepId: step.id, image: { reference: pushed.reference, digest: pushed.digest }, mediaType: pushed.mediaType, time: Date.now() }),
    });
    if (exitCode === 0) return { ok: true, exitCode };
    return { ok: false, exitCode, error: `docker manifest exited with code ${exitCode}${lastError ? `: ${lastError}` : ''}` };
  } catch (caught) {
    return { ok: false, error: ctx.signal.aborted ? 'docker manifest was stopped' : `docker manifest failed: ${describeError(caught)}` };
  }
}

// Skips hint lines and taskrun's own progress notes (`taskrun: … retrying`).
function lastErrorLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:') && !line.startsWith('taskrun:'))
    .at(-1);
}

async function pullWithRetries(input: { step: CmdStep; ctx: StepContext; image: string }): Promise<StepResult> {
  const { step, ctx, image } = input;
  let last: StepResult = { ok: false };
  for (let attempt = 1; attempt <= step.cmdDownloadRetries + 1; attempt++) {
    last = await runStepCommand({ ctx, stepId: step.id, args: buildPullArgv({ image }) });
    if (last.ok || ctx.signal.aborted || attempt > step.cmdDownloadRetries) return last;
    const delayMs = step.cmdDownloadRetryDelaySeconds * 1000;
    ctx.emit({ type: 'step-retry', stepId: step.id, attempt: attempt + 1, delayMs, reason: `pull of ${image} failed: ${last.error ?? ''}`, time: Date.now() });
    try {
      await sleep(delayMs, undefined, { signal: ctx.signal });
    } catch {
      return last;
    }
  }
  return last;
}
