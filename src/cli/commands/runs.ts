// CLI: `taskrun runs` lists the run store, `runs show ID` prints one record,
// `runs prune` removes old runs. Reads what src/record/ wrote.

import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { didYouMean, error, formatDiagnostic } from '../../diagnostics.js';
import { homeKeyOf } from '../../engine/names.js';
import type { RunStatus } from '../../run/events.js';
import { formatDuration } from '../../record/duration.js';
import { runDurationMs } from '../../record/last-event.js';
import { RECORD_FILE, resolveRunFolder, resolveRunsFolder, resolveTaskrunHome } from '../../record/home.js';
import { isProcessAlive, listRecords, readRecord } from '../../record/record.js';
import { diskErrorHint, diskErrorMessage, isDiskError } from '../../record/disk-errors.js';
import type { RunRecord } from '../../record/record.js';
import { defaultCommandIo, type CommandIo } from '../command-io.js';
import { EXIT_USAGE } from '../exit-codes.js';
import { formatRunPage, formatTime } from '../history/run-page.js';
import { formatRunsTable } from '../history/runs-table.js';
import { shortDistinctPaths } from '../history/short-paths.js';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'];
export const DEFAULT_RUNS_LIMIT = 20;
export const DEFAULT_PRUNE_KEEP = 20;
/** A claimed run folder that never got a record (the run failed before it started) is pruned after this. */
const ABANDONED_FOLDER_AGE_MS = 60 * 60_000;

export function registerRunsCommand(program: Command, io: CommandIo = defaultCommandIo): void {
  const runs = program
    .command('runs')
    .description('list the runs recorded in TASKRUN_HOME, newest first')
    .option('--json', 'print the records as a JSON array')
    .option('--status <status>', `only runs with this status (${RUN_STATUSES.join(', ')})`)
    .option('--limit <n>', `show at most N runs (default ${DEFAULT_RUNS_LIMIT})`)
    .action(async (options: { json?: boolean; status?: string; limit?: string }) => {
      await listRuns({ io, ...options });
    });

  runs
    .command('show')
    .description('print the record of one run')
    .argument('<id>', 'run ID')
    .option('--json', 'print the record as JSON')
    .action(async (id: string, _options: unknown, command: Command) => {
      // `--json` after the ID may land on `runs` itself, depending on how the program parses options.
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      await showRun({ io, id, isJson: json === true });
    });

  runs
    .command('prune')
    .description('remove old runs, keeping the newest ones and every run still going, and what interrupted runs left on their engine')
    .option('--keep <n>', `how many runs to keep (default ${DEFAULT_PRUNE_KEEP})`)
    .action(async (options: { keep?: string }) => {
      await pruneRuns({ io, keep: options.keep });
    });
}

async function listRuns({ io, json, status, limit }: { io: CommandIo; json?: boolean; status?: string; limit?: string }): Promise<void> {
  if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
    const guess = didYouMean(status, RUN_STATUSES);
    reportUsage(io, `--status '${status}' is not a run status`, guess ? `did you mean '${guess}'? Use one of ${RUN_STATUSES.join(', ')}` : `use one of ${RUN_STATUSES.join(', ')}`);
    return;
  }
  const maxRuns = parseCount({ io, flag: '--limit', value: limit, fallback: DEFAULT_RUNS_LIMIT, minimum: 1 });
  if (maxRuns === undefined) return;
  const home = resolveTaskrunHome(io.env);
  const records = (await listRecords(home)).filter((record) => status === undefined || record.status === status).slice(0, maxRuns);
  if (json) {
    io.stdout(`${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  if (records.length === 0) {
    io.stdout(status === undefined ? `No runs in ${resolveRunsFolder(home)}.\n` : `No ${status} runs in ${resolveRunsFolder(home)}.\n`);
    return;
  }
  const durations = await Promise.all(records.map((record) => runDurationMs(home, record)));
  const taskNames = shortDistinctPaths(records.map((record) => record.task.file));
  const rows = records.map((record, index) => ({
    id: record.id,
    status: record.status,
    task: taskNames.get(record.task.file) ?? record.task.file,
    started: formatTime(record.startedAt),
    duration: formatDuration(durations[index]!),
    images: outputImages(record),
  }));
  io.stdout(formatRunsTable(rows));
}

async function showRun({ io, id, isJson }: { io: CommandIo; id: string; isJson: boolean }): Promise<void> {
  const home = resolveTaskrunHome(io.env);
  const record = await findRecordOrReport({ io, home, id });
  if (!record) return;
  io.stdout(isJson ? `${JSON.stringify(record, null, 2)}\n` : formatRunPage({ record, durationMs: await runDurationMs(home, record) }));
}

async function pruneRuns({ io, keep }: { io: CommandIo; keep?: string }): Promise<void> {
  const keepCount = parseCount({ io, flag: '--keep', value: keep, fallback: DEFAULT_PRUNE_KEEP, minimum: 0 });
  if (keepCount === undefined) return;
  const home = resolveTaskrunHome(io.env);
  const records = await listRecords(home);
  const removable = records.slice(keepCount).filter((record) => record.status !== 'running');
  try {
    for (const record of removable) await rm(resolveRunFolder(home, record.id), { recursive: true, force: true });
    const abandoned = await removeAbandonedFolders({ home, known: new Set(records.map((record) => record.id)) });
    await removeDeadTempFiles(home, records);
    const kept = records.length - removable.length;
    const extra = abandoned > 0 ? ` and ${abandoned} empty run folder${abandoned === 1 ? '' : 's'}` : '';
    io.stdout(`Removed ${removable.length} run${removable.length === 1 ? '' : 's'}${extra}; kept ${kept}.\n`);
  } catch (cause) {
    if (!isDiskError(cause)) throw cause;
    // A read-only or full home: say so, and still clean the engines below (that needs no write here).
    const folder = resolveRunsFolder(home);
    reportUsage(io, `${diskErrorMessage(cause, folder)}: no run was removed`, diskErrorHint(cause.code, folder));
  }
  const interrupted = records.filter((record) => record.status === 'interrupted');
  if (interrupted.length > 0) {
    const { cleanUpAfterInterruptedRuns } = await import('../interrupted-runs.js');
    await cleanUpAfterInterruptedRuns({ io, homeKey: homeKeyOf(home), records: interrupted });
  }
}

async function removeAbandonedFolders({ home, known }: { home: string; known: ReadonlySet<string> }): Promise<number> {
  let names: string[];
  try {
    names = await readdir(resolveRunsFolder(home));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (name.startsWith('.') || known.has(name)) continue;
    const folder = resolveRunFolder(home, name);
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory() || Date.now() - info.mtimeMs < ABANDONED_FOLDER_AGE_MS) continue;
    const hasRecord = await stat(join(folder, RECORD_FILE)).then(() => true, () => false);
    if (hasRecord) continue;
    await rm(folder, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * Temp files whose writer is gone (killed while writing): `.record.json.PID.tmp` in run folders,
 * `.counter.PID.tmp` in the runs folder. Hidden from `runs`, so only prune can find them.
 */
async function removeDeadTempFiles(home: string, records: readonly RunRecord[]): Promise<void> {
  const folders = [resolveRunsFolder(home), ...records.map((record) => resolveRunFolder(home, record.id))];
  for (const folder of folders) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const pid = /^\..+\.(\d+)\.tmp$/.exec(name)?.[1];
      if (pid === undefined || isProcessAlive(Number(pid))) continue;
      await rm(join(folder, name), { force: true });
    }
  }
}

/** The record of run `id`, or undefined after telling the user there is none (exit 2). */
export async function findRecordOrReport({ io, home, id }: { io: CommandIo; home: string; id: string }): Promise<RunRecord | undefined> {
  const record = await readRecord(home, id).catch((cause: unknown) => {
    reportUsage(io, `the record of run '${id}' cannot be read: ${(cause as Error).message}`, `remove ${resolveRunFolder(home, id)} if it is not needed`);
    return null;
  });
  if (record === null) return undefined;
  if (record) return record;
  const known = (await listRecords(home)).map((run) => run.id);
  const guess = didYouMean(id, known);
  const list = "'taskrun runs' lists the recorded runs";
  reportUsage(io, `no run '${id}' in ${resolveRunsFolder(home)}`, guess ? `did you mean '${guess}'? ${list}` : list);
  return undefined;
}

export function reportUsage(io: CommandIo, message: string, hint?: string): void {
  io.stderr(`${formatDiagnostic(error('usage', message, undefined, hint), () => undefined)}\n`);
  process.exitCode = EXIT_USAGE;
}

function parseCount({ io, flag, value, fallback, minimum }: { io: CommandIo; flag: string; value?: string; fallback: number; minimum: number }): number | undefined {
  if (value === undefined) return fallback;
  const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < minimum) {
    reportUsage(io, `${flag} '${value}' is not a whole number of at least ${minimum}`, `for example ${flag} ${fallback}`);
    return undefined;
  }
  return count;
}

/** What a run produced, the final product first: manifest lists, then pushed images, else the built ones. */
function outputImages(record: RunRecord): string[] {
  const pushed = [...record.manifests, ...record.images.pushed].map((image) => image.reference);
  return pushed.length > 0 ? pushed : record.images.built.map((image) => image.reference);
}
