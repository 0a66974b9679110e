// CLI: what `taskrun run FILE` does — prepare, plan and execute a task on a container engine,
// keeping a run record; `--dry-run` prints the plan and the exact commands instead.

import { open, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { error, InputError } from '../diagnostics.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { readLabEnv } from '../engine/lab-env.js';
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
import { isHostDockerStep } from '../steps/cmd.js';
import type { PreparedTask } from '../task/prepare.js';
import type { Task } from '../task/types.js';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK } from './exit-codes.js';
import { annotateDiagnostics } from './ci/annotations.js';
import { resolveCi, type CiKind } from './ci/ci-kind.js';
import { printDiagnostics } from './print-diagnostics.js';
import { createRunReporter } from './run-reporter.js';
import { formatFailureReport, formatRunPointer } from './view/failure-report.js';
import { hasParallelSteps } from './view/parallel-steps.js';
import { chooseViewMode, createRunView, type ViewSettings, type ViewStream } from './view/select-view.js';
import { stepLabel } from './view/step-label.js';
import { paletteFor } from './view/terminal-text.js';
import { maskDiagnostics, PLACEHOLDER_RUN_ID, prepareMasked, readSecrets, toPrepareInput } from './task-options.js';
import type { RunCommandOptions } from './run-options.js';
import { handleStopSignals } from './stop-signals.js';
import { watchDiskTrouble } from './disk-trouble.js';

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
  const prepared = await prepareMasked(toPrepareInput(file, options, { runId, secrets }), masker);
  printDiagnostics(prepared.diagnostics, (text) => process.stderr.write(text));
  annotateDiagnostics({ diagnostics: prepared.diagnostics, ci: options.ci, write: (text) => process.stderr.write(text) });
  // A dry run needs no engine that answers, only its name; a misspelt --engine is still an error.
  const engine = needsEngine(prepared.task)
    ? await selectEngine(engineRequest(options)).catch((caught: unknown) => (isEngineUnavailable(caught) ? fallbackEngine(options) : Promise.reject(caught)))
    : await fallbackEngine(options);
  const { printDryRun } = await import('./dry-run.js');
  await printDryRun({
    task: prepared.task,
    plan: planTask(prepared.task),
    runId,
    engine,
    contextDir: prepared.contextDir,
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
  try {
    // The engine is probed while the task is prepared; a task that needs none ignores the probe.
    const probe = selectEngine(engineRequest(options));
    probe.catch(() => undefined);
    // A real run needs every `secrets:` entry supplied; validate, render and --dry-run only warn.
    prepared = await prepareMasked({ ...toPrepareInput(file, options, { runId, secrets }), requireSecrets: true }, masker);
    engine = needsEngine(prepared.task) ? await probe : await fallbackEngine(options);
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
    stderr.write(`Run ID: ${runId} (engine: ${engineLabel}; record: taskrun runs show ${runId})\n`);
    outcome = await executeRun({
      task,
      plan,
      runId,
      engine,
      contextDir,
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

/** `--summary FILE`, and on GitHub Actions the job's summary file too (once when they are the same). */
function summaryFiles(requested: string | undefined, ci: CiKind | undefined): string[] {
  const github = ci === 'github' ? process.env.GITHUB_STEP_SUMMARY : undefined;
  const files = [requested, github].filter((file): file is string => file !== undefined && file !== '');
  return [...new Set(files.map((file) => resolve(file)))];
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
  return task.steps.some((step) => step.kind !== 'cmd' || !isHostDockerStep(step) || step.words[1] !== 'manifest');
}

/** An engine value for commands that will not be executed (dry run, manifest-only tasks). */
async function fallbackEngine(options: RunCommandOptions): Promise<Engine> {
  const requested = options.engine ?? process.env.TASKRUN_ENGINE;
  const name = requested === 'podman' ? 'podman' : 'docker';
  return createEngine({ name, labVars: (await readLabEnv())?.vars ?? {} });
}

