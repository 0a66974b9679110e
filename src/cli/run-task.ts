// CLI: what `taskrun run FILE` does — prepare, plan and execute a task on a container engine,
// keeping a run record; `--dry-run` prints the plan and the exact commands instead.

import { rmSync } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import path, { resolve } from 'node:path';
import { error, InputError } from '../diagnostics.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { readLabEnv } from '../engine/lab-env.js';
import { homeKeyOf } from '../engine/names.js';
import { checkPlatformEnginesAnswer, requirePlatformEngines, type PlatformEngine } from '../engine/platform-engines.js';
import { selectEngine } from '../engine/select-engine.js';
import { materializeContext, type ContextSource, type LocalContext } from '../load/context-source.js';
import { planTask } from '../plan/plan.js';
import { resolveRunFolder, resolveTaskrunHome } from '../record/home.js';
import { createRunLogger } from '../record/logger.js';
import type { Masker } from '../record/masker.js';
import { createRecordWriter } from '../record/record.js';
import { allocateRunId, claimRunId } from '../record/run-id.js';
import { formatSummaryJson, formatSummaryMarkdown, summarizeRun } from '../record/summary.js';
import type { RunEvent } from '../run/events.js';
import { executeRun, type RunOutcome } from '../run/execute-run.js';
import { describeRunSetting, recordRunSetting } from '../run/run-setting.js';
import { planWorkspace, sharedVolumeFlag } from '../run/workspace.js';
import { isManifestOnly } from '../steps/cmd.js';
import type { PrepareInput, PreparedTask } from '../task/prepare.js';
import type { Task } from '../task/types.js';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK } from './exit-codes.js';
import { annotateDiagnostics } from './ci/annotations.js';
import { resolveCi, type CiKind } from './ci/ci-kind.js';
import { printDiagnostics } from './print-diagnostics.js';
import { keepYoungGenerationSmall } from './run-memory.js';
import { createRunReporter } from './run-reporter.js';
import { formatFailureReport, formatRunPointer } from './view/failure-report.js';
import { hasParallelSteps } from './view/parallel-steps.js';
import { chooseViewMode, createRunView, type ViewSettings, type ViewStream } from './view/select-view.js';
import { stepLabel } from './view/step-label.js';
import { paletteFor } from './view/terminal-text.js';
import { maskDiagnostics, PLACEHOLDER_RUN_ID, prepareMasked, readSecrets, toPrepareInput } from './task-options.js';
import type { RunSource } from './az-habits.js';
import type { RunCommandOptions } from './run-options.js';
import { handleStopSignals } from './stop-signals.js';
import { describeHomeCleanup, healHome, type HomeCleanup } from './heal-home.js';
import { watchDiskTrouble } from './disk-trouble.js';

export async function runTaskCommand(input: { source: RunSource; options: RunCommandOptions; argv: readonly string[] }): Promise<number> {
  const { source } = input;
  // A tar or git context is unpacked or cloned for this run and removed after it, also when the
  // process ends another way (a second Ctrl-C exits at once).
  const local = source.context ? await materializeWithSignals(source.context) : undefined;
  if (local === 'cancelled') return EXIT_CANCELLED;
  const removeOnExit = () => local?.scratch !== undefined && rmSync(local.scratch, { recursive: true, force: true });
  if (local?.scratch !== undefined) process.once('exit', removeOnExit);
  try {
    const file = local && source.isFileInContext ? path.join(local.dir, source.file) : source.file;
    const options: RunCommandOptions = local ? { ...input.options, context: local.dir } : input.options;
    const { secrets, masker } = readSecrets(options);
    const task: TaskInput = { file, ...(source.text !== undefined && { text: source.text }) };
    if (options.dryRun) {
      await runDry(task, options, secrets, masker);
      return EXIT_OK;
    }
    return await runForReal({ task, options, secrets, masker, argv: input.argv });
  } finally {
    process.removeListener('exit', removeOnExit);
    await local?.cleanup();
  }
}

// Ctrl-C while git clones or tar unpacks: the scratch folder is removed and the run ends as cancelled.
async function materializeWithSignals(source: ContextSource): Promise<LocalContext | 'cancelled'> {
  let isInterrupted = false;
  const onSignal = () => {
    isInterrupted = true;
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const local = await materializeContext(source, runProgram).catch((caught: unknown) => {
      if (isInterrupted) return undefined;
      throw caught;
    });
    if (!isInterrupted) return local ?? 'cancelled';
    await local?.cleanup();
    return 'cancelled';
  } finally {
    for (const signal of signals) process.removeListener(signal, onSignal);
  }
}

/** The task file as messages name it, and its text when it is not read from that path. */
interface TaskInput {
  readonly file: string;
  readonly text?: string;
}

// tar and git for a CONTEXT: never a prompt (no terminal to answer it), at most 10 minutes.
const CONTEXT_PROGRAM_TIMEOUT_MS = 600_000;

async function runProgram(file: string, args: readonly string[]): Promise<void> {
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    reject: false,
    stdin: 'ignore',
    all: true,
    timeout: CONTEXT_PROGRAM_TIMEOUT_MS,
    env: { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '' },
  });
  if (result.timedOut) throw new Error(`${file} did not finish within ${CONTEXT_PROGRAM_TIMEOUT_MS / 60_000} minutes`);
  if (result.exitCode === 0) return;
  const lines = (result.all ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  // The first line that says what went wrong; tar and git end with a generic one.
  throw new Error(lines.find((line) => /error|fatal|cannot|not found|no such/i.test(line)) ?? lines[0] ?? `${file} exited with code ${String(result.exitCode)}`);
}

async function runDry(task: TaskInput, options: RunCommandOptions, secrets: Record<string, string>, masker: Masker): Promise<void> {
  const runId = options.runId ?? PLACEHOLDER_RUN_ID;
  const home = resolveTaskrunHome();
  const homeKey = homeKeyOf(home);
  const prepared = await prepareMasked(withWorkspace(toPrepareInput(task.file, options, { runId, secrets, text: task.text }), options, homeKey), masker);
  printDiagnostics(prepared.diagnostics, (text) => process.stderr.write(text));
  annotateDiagnostics({ diagnostics: prepared.diagnostics, ci: options.ci, write: (text) => process.stderr.write(text) });
  // A dry run needs no engine that answers, only its name; a misspelt --engine is still an error.
  let isAnswering = needsEngine(prepared.task);
  const engine = needsEngine(prepared.task)
    ? await selectEngine(engineRequest(options)).catch((caught: unknown) => {
        isAnswering = false;
        return isEngineUnavailable(caught) ? fallbackEngine(options) : Promise.reject(caught);
      })
    : await fallbackEngine(options);
  // Nothing is removed; the user is told what the next real run would clean up.
  if (isAnswering) reportHomeCleanup(await healHome({ engine, home, homeKey, isDryRun: true }), (text) => process.stderr.write(text), { isDryRun: true });
  const platformEngines = requirePlatformEngines(options.engineFor, engine);
  const { printDryRun } = await import('./dry-run.js');
  await printDryRun({
    task: prepared.task,
    plan: planTask(prepared.task),
    runId,
    homeKey,
    engine,
    usesEngine: needsEngine(prepared.task),
    contextDir: prepared.contextDir,
    workspaceMode: workspaceModeOf(options),
    platformEngines,
    secretValues: Object.values(secrets),
    masker,
    write: (text) => process.stdout.write(text),
  });
}

async function runForReal(input: {
  task: TaskInput;
  options: RunCommandOptions;
  secrets: Record<string, string>;
  masker: Masker;
  argv: readonly string[];
}): Promise<number> {
  const { options, secrets, masker } = input;
  const { file } = input.task;
  const home = resolveTaskrunHome();
  const homeKey = homeKeyOf(home);
  const runId = options.runId ?? (await allocateRunId(home));
  if (options.runId !== undefined) await claimRunId(home, options.runId);

  // Input errors end the run before anything runs: the claimed ID is given back.
  const release = () => rm(resolveRunFolder(home, runId), { recursive: true, force: true });
  let prepared: PreparedTask;
  let engine: Engine;
  let platformEngines: PlatformEngine[];
  let homeCleanup: Promise<HomeCleanup | undefined> = Promise.resolve(undefined);
  try {
    // The engine is probed while the task is prepared; a task that needs none ignores the probe.
    const probe = selectEngine(engineRequest(options));
    probe.catch(() => undefined);
    // Meanwhile, what dead runs of this home left on that engine is found and removed.
    homeCleanup = probe.then(
      (probed) => healHome({ engine: probed, home, homeKey }),
      () => undefined,
    );
    // A real run needs every `secrets:` entry supplied; validate, render and --dry-run only warn.
    prepared = await prepareMasked({ ...withWorkspace(toPrepareInput(file, options, { runId, secrets, text: input.task.text }), options, homeKey), requireSecrets: true }, masker);
    engine = needsEngine(prepared.task) ? await probe : await fallbackEngine(options);
    platformEngines = requirePlatformEngines(options.engineFor, engine);
    await checkPlatformEnginesAnswer(platformEngines);
    if (needsEngine(prepared.task)) {
      const { checkBuildkit } = await import('../run/preflight.js');
      const problems = await checkBuildkit({ task: prepared.task, engine, severity: 'error' });
      if (problems.length > 0) throw new InputError(maskDiagnostics([...prepared.diagnostics, ...problems], masker));
    }
    if (options.summary) await checkWritable(options.summary);
  } catch (caught) {
    await release();
    throw caught;
  }
  const { task, contextDir } = prepared;
  // Before this run creates anything: a dead run with this run's id may have left its network.
  const cleanedUp = await homeCleanup;
  const setting = { workspace: planWorkspace({ mode: workspaceModeOf(options), runId, homeKey, contextDir }), engine, usesEngine: needsEngine(task), platformEngines };
  const stdout = guardOutput(process.stdout);
  const stderr = guardOutput(process.stderr);
  const engineLabel = needsEngine(task) ? engine.name : 'none';
  const isJsonLog = options.logFormat === 'json';
  const isJsonOutput = options.output === 'json';
  // stdout stays machine-readable in the JSON modes: the human view then goes to stderr, failures and summary only.
  const isMachineOutput = isJsonLog || isJsonOutput;
  const humanStream = isMachineOutput ? stderr : stdout;
  const showsProgress = !options.quiet && !isMachineOutput;
  printDiagnostics(prepared.diagnostics, stderr.write);
  annotateDiagnostics({ diagnostics: prepared.diagnostics, ci: options.ci, write: stderr.write });
  const ci = resolveCi(options.ci, process.env);

  const plan = planTask(task);
  const viewSettings: ViewSettings = {
    stream: humanStream,
    env: process.env,
    progress: options.progress ?? 'auto',
    quiet: !showsProgress,
    prefixIds: hasParallelSteps(plan, options.maxParallel),
    steps: plan.nodes.map((node) => ({ id: node.step.id, label: masker.mask(stepLabel(node.step)) })),
    ...(ci && { ci }),
    mask: masker.mask,
  };
  const viewMode = chooseViewMode(viewSettings);
  const reporter = createRunReporter({ masker, view: createRunView(viewMode, viewSettings) });
  // The live view owns the terminal while it draws: taskrun's own lines go through it there.
  const say = (text: string, isUrgent = false): void => {
    if (viewMode === 'live') reporter.notice(text);
    else stderr.write(`${isUrgent ? '\n' : ''}${text}\n`);
  };
  const controller = new AbortController();
  const diskTrouble = watchDiskTrouble({ home, runId, say: (text) => say(text, true), stopRun: () => controller.abort({ kind: 'cancelled' }) });
  const writer = createRecordWriter({
    home,
    runId,
    taskFile: file,
    taskText: prepared.rendered.original,
    renderedTask: prepared.rendered.text,
    arguments: input.argv,
    engine: engineLabel,
    setting: recordRunSetting(setting),
    masker,
    onWriteError: diskTrouble.recordFailed,
  });
  let logger: ReturnType<typeof createRunLogger>;
  try {
    const firstWriteError = writer.writeError();
    if (firstWriteError) throw firstWriteError;
    logger = createRunLogger({ home, runId, masker, onWriteError: (cause) => writer.markIncomplete(diskTrouble.logFailed(cause)), ...(isJsonLog && { jsonStream: { write: stdout.write } }) });
  } catch (caught) {
    // The home takes no record: nothing ran, the ID is given back.
    writer.close();
    await release().catch(() => undefined);
    throw diskTrouble.beforeRun(caught as Error);
  }
  diskTrouble.runStarted();
  const onEvent = (rawEvent: RunEvent) => {
    const event = diskTrouble.adjust(rawEvent);
    writer.handle(event);
    logger.handle(event);
    reporter.onEvent(event);
  };

  const stopSignals = handleStopSignals({
    onFirst: (signal) => {
      say(`taskrun: ${signal} received: stopping run ${runId} and removing its containers (again to force)`, true);
      controller.abort({ kind: 'cancelled' });
    },
  });
  let outcome: RunOutcome;
  try {
    const cleanupLine = cleanedUp && reportHomeCleanup(cleanedUp, stderr.write);
    if (cleanupLine !== undefined) onEvent({ type: 'leftovers-removed', runIds: cleanedUp?.runIds ?? [], message: cleanupLine, time: Date.now() });
    stderr.write(`Run ID: ${runId} (engine: ${engineLabel}; record: taskrun runs show ${runId})\n`);
    if (showsProgress) stderr.write(describeRunSetting(setting).map((line) => `${line}\n`).join(''));
    keepYoungGenerationSmall();
    outcome = await executeRun({
      task,
      plan,
      runId,
      homeKey,
      engine,
      contextDir,
      workspaceMode: setting.workspace.mode,
      platformEngines,
      secretValues: Object.values(secrets),
      runTimeoutSeconds: options.timeout,
      signal: controller.signal,
      onEvent,
      ...(options.maxParallel !== undefined && { maxParallel: options.maxParallel }),
    });
  } finally {
    stopSignals.dispose();
    await logger.close();
    writer.close();
  }
  outcome = diskTrouble.adjustOutcome(outcome);
  const failures = reporter.finish(outcome);
  // Plain lines showed every output line already; the other modes show why the run failed here.
  const showsEveryLine = viewMode === 'plain' && showsProgress;
  if (outcome.status !== 'succeeded') {
    const palette = paletteFor({ isTty: stderr.isTty, env: process.env });
    const report = showsEveryLine ? [] : formatFailureReport({ failures, outcome: masker.maskValue(outcome), palette });
    stderr.write([...report, formatRunPointer(runId, outcome)].map((line) => `${line}\n`).join(''));
  }
  const record = writer.current();
  // Beside NDJSON events, the summary is one more NDJSON line; alone, a readable document.
  if (isJsonOutput) stdout.write(isJsonLog ? `${JSON.stringify({ event: 'run-summary', ...summarizeRun(record) })}\n` : formatSummaryJson(record));
  for (const summaryFile of summaryFiles(options.summary, ci)) {
    await writeFile(summaryFile, formatSummaryMarkdown(record), { flag: 'a' }).catch((caught: unknown) => {
      stderr.write(`taskrun: warning: could not write the summary to ${summaryFile}: ${(caught as Error).message}\n`);
    });
  }
  if (diskTrouble.hasStoppedRun()) return EXIT_FAILED;
  return outcome.status === 'succeeded' ? EXIT_OK : outcome.status === 'cancelled' ? EXIT_CANCELLED : EXIT_FAILED;
}

/** Writes the cleanup's line and its warnings; returns the line (undefined when nothing was found). */
function reportHomeCleanup(cleanup: HomeCleanup, write: (text: string) => void, options: { isDryRun?: boolean } = {}): string | undefined {
  const line = describeHomeCleanup(cleanup, options);
  if (line !== undefined) write(`taskrun: ${line}\n`);
  for (const warning of cleanup.warnings) write(`taskrun: warning: ${warning}\n`);
  return line;
}

/** `--summary FILE`, and on GitHub Actions the job's summary file too (once when they are the same). */
function summaryFiles(requested: string | undefined, ci: CiKind | undefined): string[] {
  const github = ci === 'github' ? process.env.GITHUB_STEP_SUMMARY : undefined;
  const files = [requested, github].filter((file): file is string => file !== undefined && file !== '');
  return [...new Set(files.map((file) => resolve(file)))];
}

const workspaceModeOf = (options: RunCommandOptions) => (options.bind ? 'bind' : 'copy');

/** With the copy, `{{.Run.SharedVolume}}` names the workspace volume (with --bind, the context folder). */
function withWorkspace(input: PrepareInput, options: RunCommandOptions, homeKey: string): PrepareInput {
  const sharedVolume = sharedVolumeFlag(workspaceModeOf(options), { runId: input.runId, homeKey });
  return sharedVolume === undefined ? input : { ...input, runVarFlags: { ...input.runVarFlags, sharedVolume } };
}

/**
 * stdout or stderr for a run: once its reader is gone (`taskrun run … | head -1`, EPIPE) writes
 * stop, and the run goes on to its end and its cleanup instead of dying on an unhandled error.
 */
function guardOutput(stream: NodeJS.WriteStream): ViewStream {
  let isBroken = false;
  stream.on('error', (caught: NodeJS.ErrnoException) => {
    if (caught.code !== 'EPIPE') throw caught;
    isBroken = true;
  });
  return {
    write: (text) => {
      if (!isBroken && !stream.destroyed) stream.write(text);
    },
    isTty: stream.isTTY === true,
    columns: () => stream.columns,
    rows: () => stream.rows,
    onResize: (callback) => {
      stream.on('resize', callback);
      return () => stream.off('resize', callback);
    },
  };
}

// Found before anything runs, so a typo in --summary costs no build.
async function checkWritable(file: string): Promise<void> {
  try {
    await (await open(file, 'a')).close();
  } catch (caught) {
    throw new InputError([error('summary-unwritable', `--summary ${file}: cannot write there (${(caught as NodeJS.ErrnoException).code ?? (caught as Error).message})`, undefined, 'name a file in a folder that exists')]);
  }
}

function isEngineUnavailable(caught: unknown): boolean {
  return caught instanceof InputError && caught.diagnostics.every((d) => d.code === 'engine-unavailable');
}

function engineRequest(options: RunCommandOptions): { requested?: string } {
  return options.engine !== undefined ? { requested: options.engine } : {};
}

// Only `docker manifest …` steps: they run in-process, so no engine has to answer.
function needsEngine(task: Task): boolean {
  return task.steps.some((step) => step.kind !== 'cmd' || !isManifestOnly(step));
}

/** An engine value for commands that will not be executed (dry run, manifest-only tasks). */
async function fallbackEngine(options: RunCommandOptions): Promise<Engine> {
  const requested = options.engine ?? process.env.TASKRUN_ENGINE;
  const name = requested === 'podman' ? 'podman' : 'docker';
  return createEngine({ name, labVars: (await readLabEnv())?.vars ?? {} });
}

