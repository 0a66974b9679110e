// CLI: what `taskrun run FILE` does — prepare, plan and execute a task on a container engine,
// keeping a run record; `--dry-run` prints the plan and the exact commands instead.

import { open, rm, writeFile } from 'node:fs/promises';
import { error, InputError } from '../diagnostics.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { readLabEnv } from '../engine/lab-env.js';
import { checkPlatformEnginesAnswer, requirePlatformEngines, type PlatformEngine } from '../engine/platform-engines.js';
import { selectEngine } from '../engine/select-engine.js';
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
import { isHostDockerStep } from '../steps/cmd.js';
import type { PrepareInput, PreparedTask } from '../task/prepare.js';
import type { Task } from '../task/types.js';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK } from './exit-codes.js';
import { printDiagnostics } from './print-diagnostics.js';
import { createRunReporter } from './run-reporter.js';
import { maskDiagnostics, PLACEHOLDER_RUN_ID, prepareMasked, readSecrets, toPrepareInput } from './task-options.js';
import type { RunCommandOptions } from './commands/run.js';
import { handleStopSignals } from './stop-signals.js';

export async function runTaskCommand(input: { file: string; options: RunCommandOptions; argv: readonly string[] }): Promise<number> {
  const { file, options } = input;
  const { secrets, masker } = readSecrets(options);
  if (options.dryRun) {
    await runDry(file, options, secrets, masker);
    return EXIT_OK;
  }
  return runForReal({ file, options, secrets, masker, argv: input.argv });
}

async function runDry(file: string, options: RunCommandOptions, secrets: Record<string, string>, masker: Masker): Promise<void> {
  const runId = options.runId ?? PLACEHOLDER_RUN_ID;
  const prepared = await prepareMasked(withWorkspace(toPrepareInput(file, options, { runId, secrets }), options), masker);
  printDiagnostics(prepared.diagnostics, (text) => process.stderr.write(text));
  // A dry run needs no engine that answers, only its name; a misspelt --engine is still an error.
  const engine = needsEngine(prepared.task)
    ? await selectEngine(engineRequest(options)).catch((caught: unknown) => (isEngineUnavailable(caught) ? fallbackEngine(options) : Promise.reject(caught)))
    : await fallbackEngine(options);
  const platformEngines = requirePlatformEngines(options.engineFor, engine);
  const { printDryRun } = await import('./dry-run.js');
  await printDryRun({
    task: prepared.task,
    plan: planTask(prepared.task),
    runId,
    engine,
    usesEngine: needsEngine(prepared.task),
    contextDir: prepared.contextDir,
    workspaceMode: workspaceModeOf(options),
    platformEngines,
    masker,
    write: (text) => process.stdout.write(text),
  });
}

async function runForReal(input: {
  file: string;
  options: RunCommandOptions;
  secrets: Record<string, string>;
  masker: Masker;
  argv: readonly string[];
}): Promise<number> {
  const { file, options, secrets, masker } = input;
  const home = resolveTaskrunHome();
  const runId = options.runId ?? (await allocateRunId(home));
  if (options.runId !== undefined) await claimRunId(home, options.runId);

  // Input errors end the run before anything runs: the claimed ID is given back.
  const release = () => rm(resolveRunFolder(home, runId), { recursive: true, force: true });
  let prepared: PreparedTask;
  let engine: Engine;
  let platformEngines: PlatformEngine[];
  try {
    // The engine is probed while the task is prepared; a task that needs none ignores the probe.
    const probe = selectEngine(engineRequest(options));
    probe.catch(() => undefined);
    // A real run needs every `secrets:` entry supplied; validate, render and --dry-run only warn.
    prepared = await prepareMasked({ ...withWorkspace(toPrepareInput(file, options, { runId, secrets }), options), requireSecrets: true }, masker);
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
  const setting = { workspace: planWorkspace({ mode: workspaceModeOf(options), runId, contextDir }), engine, usesEngine: needsEngine(task), platformEngines };
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
    onWriteError: (cause) => stderr.write(`taskrun: could not write the run record: ${cause.message}\n`),
  });
  const logger = createRunLogger({ home, runId, masker, ...(isJsonLog && { jsonStream: { write: stdout.write } }) });
  const reporter = createRunReporter({
    masker,
    write: humanStream.write,
    quiet: !showsProgress,
    isTty: showsProgress && humanStream.isTty,
  });
  const onEvent = (event: RunEvent) => {
    writer.handle(event);
    logger.handle(event);
    reporter.onEvent(event);
  };

  const controller = new AbortController();
  const stopSignals = handleStopSignals({
    onFirst: (signal) => {
      stderr.write(`\ntaskrun: ${signal} received: stopping run ${runId} and removing its containers (again to force)\n`);
      controller.abort({ kind: 'cancelled' });
    },
  });
  let outcome: RunOutcome;
  try {
    if (showsProgress) humanStream.write(`Run ID: ${runId} (engine: ${engineLabel}; record: taskrun runs show ${runId})\n`);
    if (showsProgress) humanStream.write(describeRunSetting(setting).map((line) => `${line}\n`).join(''));
    outcome = await executeRun({
      task,
      plan: planTask(task),
      runId,
      engine,
      contextDir,
      workspaceMode: setting.workspace.mode,
      platformEngines,
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
  reporter.finish(outcome);
  const record = writer.current();
  // Beside NDJSON events, the summary is one more NDJSON line; alone, a readable document.
  if (isJsonOutput) stdout.write(isJsonLog ? `${JSON.stringify({ event: 'run-summary', ...summarizeRun(record) })}\n` : formatSummaryJson(record));
  if (options.summary) {
    await writeFile(options.summary, formatSummaryMarkdown(record), { flag: 'a' }).catch((caught: unknown) => {
      stderr.write(`taskrun: warning: could not write the summary to ${options.summary}: ${(caught as Error).message}\n`);
    });
  }
  return outcome.status === 'succeeded' ? EXIT_OK : outcome.status === 'cancelled' ? EXIT_CANCELLED : EXIT_FAILED;
}

const workspaceModeOf = (options: RunCommandOptions) => (options.bind ? 'bind' : 'copy');

/** With the copy, `{{.Run.SharedVolume}}` names the workspace volume (with --bind, the context folder). */
function withWorkspace(input: PrepareInput, options: RunCommandOptions): PrepareInput {
  const sharedVolume = sharedVolumeFlag(workspaceModeOf(options), input.runId);
  return sharedVolume === undefined ? input : { ...input, runVarFlags: { ...input.runVarFlags, sharedVolume } };
}

interface GuardedOutput {
  readonly write: (text: string) => void;
  readonly isTty: boolean;
}

/**
 * stdout or stderr for a run: once its reader is gone (`taskrun run … | head -1`, EPIPE) writes
 * stop, and the run goes on to its end and its cleanup instead of dying on an unhandled error.
 */
function guardOutput(stream: NodeJS.WriteStream): GuardedOutput {
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
  return task.steps.some((step) => step.kind !== 'cmd' || !isHostDockerStep(step) || step.words[1] !== 'manifest');
}

/** An engine value for commands that will not be executed (dry run, manifest-only tasks). */
async function fallbackEngine(options: RunCommandOptions): Promise<Engine> {
  const requested = options.engine ?? process.env.TASKRUN_ENGINE;
  const name = requested === 'podman' ? 'podman' : 'docker';
  return createEngine({ name, labVars: (await readLabEnv())?.vars ?? {} });
}

