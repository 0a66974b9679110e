// Record stage: the run record (`runs/<id>/record.json`), kept current from RunEvents
// as the run goes. Every write is a temp file + rename, so a crash or `kill -9` leaves
// the previous complete record, never half a file.

import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { ImageRef, RunEvent, RunStatus, StepStatus } from '../run/events.js';
import type { RunSettingRecord } from '../run/run-setting.js';
import type { StepKind } from '../task/types.js';
import { RECORD_FILE, resolveRunFolder, resolveRunsFolder } from './home.js';
import type { Masker } from './masker.js';
import { createMasker } from './masker.js';
import { validateRunId } from './run-id.js';

export const RECORD_FORMAT_VERSION = 1;
/** Bursts of events are written at most this often; status changes are written at once. */
export const RECORD_WRITE_INTERVAL_MS = 100;
/**
 * A live writer rewrites the record at least this often, so other hosts can tell it is alive and
 * a run killed during a silent step still tells, within this much, how long it went on.
 */
export const RECORD_HEARTBEAT_MS = 2_000;
/** A `running` record from another host that has not changed for this long reads as interrupted. */
export const STALE_AFTER_MS = 10 * 60_000;

export interface StepRecord {
  readonly id: string;
  readonly kind?: StepKind;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly exitCode?: number;
  readonly error?: string;
  /** Failed, but `ignoreErrors: true` let the run go on. */
  readonly ignoredError?: boolean;
  /** The engine command of the last attempt, masked. */
  readonly command?: readonly string[];
}

export interface ImageRecord {
  readonly stepId: string;
  readonly reference: string;
  readonly digest?: string;
}

export interface ManifestRecord extends ImageRecord {
  readonly mediaType: string;
}

export interface RunRecord {
  readonly formatVersion: number;
  readonly id: string;
  readonly status: RunStatus;
  readonly task: {
    /** Absolute (records written before that hold the path as given, relative to where taskrun ran). */
    readonly file: string;
    /** As given on the command line; absent in older records. */
    readonly argument?: string;
    /** sha256 of the task file as read, hex. */
    readonly sha256: string;
    /** The task after templating, masked. */
    readonly rendered: string;
  };
  /** The `taskrun` arguments with secret values removed. */
  readonly arguments: readonly string[];
  /** `docker` or `podman`. */
  readonly engine: string;
  /** What /workspace was (copy or bind) and the engine endpoint; absent in records older than --bind. */
  readonly setting?: RunSettingRecord;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  /** Last time the writer wrote this record. */
  readonly updatedAt: string;
  readonly process: { readonly pid: number; readonly hostname: string };
  readonly steps: readonly StepRecord[];
  readonly images: {
    readonly built: readonly ImageRecord[];
    readonly pushed: readonly ImageRecord[];
  };
  readonly manifests: readonly ManifestRecord[];
  readonly warnings: readonly string[];
  readonly error?: string;
  /**
   * Why this record or the run's log is not whole (a full or read-only disk during the run),
   * one sentence each; absent when both are.
   */
  readonly incomplete?: readonly string[];
}

export interface RecordWriterOptions {
  readonly home: string;
  /** Already claimed with `allocateRunId` or `claimRunId`. */
  readonly runId: string;
  /** As given on the command line; the record holds it absolute too. */
  readonly taskFile: string;
  /** The task file's text as read (hashed, never stored). */
  readonly taskText: string;
  readonly renderedTask: string;
  /** The CLI arguments; `--secret` values are removed here and every secret is masked. */
  readonly arguments: readonly string[];
  readonly engine: string;
  readonly setting?: RunSettingRecord;
  readonly masker?: Masker;
  /** Where a failed write is reported; without it, the first failure is thrown by `close()`. */
  readonly onWriteError?: (cause: Error) => void;
  readonly now?: () => number;
}

export interface RecordWriter {
  readonly handle: (event: RunEvent) => void;
  /** The record as it stands (what the last or next write holds). */
  readonly current: () => RunRecord;
  /** Writes what is pending and stops the timers. Safe to call more than once. */
  readonly close: () => void;
  /** The failure of the latest write, undefined once a write succeeded. */
  readonly writeError: () => Error | undefined;
  /** Notes that part of the run's files is missing (see RunRecord.incomplete); written with the next write. */
  readonly markIncomplete: (note: string) => void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** Runs this process is writing right now, so `readRecord` never calls our own run interrupted. */
const liveRunIds = new Set<string>();

export function createRecordWriter(options: RecordWriterOptions): RecordWriter {
  const masker = options.masker ?? createMasker([]);
  const now = options.now ?? Date.now;
  const folder = resolveRunFolder(options.home, options.runId);
  const startTime = now();
  const steps = new Map<string, Mutable<StepRecord>>();
  const built: ImageRecord[] = [];
  const pushed: ImageRecord[] = [];
  const manifests: ManifestRecord[] = [];
  const warnings: string[] = [];
  const incomplete: string[] = [];
  const run: {
    status: RunStatus;
    startedAt: string;
    endedAt?: string;
    durationMs?: number;
    error?: string;
  } = { status: 'running', startedAt: toIso(startTime) };
  let writeTimer: NodeJS.Timeout | undefined;
  let isClosed = false;
  let firstWriteError: Error | undefined;
  let lastWriteError: Error | undefined;
  let lastWritten: { bytes: number; at: string } | undefined;

  const base = {
    formatVersion: RECORD_FORMAT_VERSION,
    id: options.runId,
    task: {
      file: resolve(options.taskFile),
      argument: options.taskFile,
      sha256: createHash('sha256').update(options.taskText).digest('hex'),
      rendered: options.renderedTask,
    },
    arguments: redactArguments(options.arguments),
    engine: options.engine,
    ...(options.setting && { setting: options.setting }),
    process: { pid: process.pid, hostname: osHostname() },
  };

  const current = (): RunRecord => ({
    ...base,
    status: run.status,
    startedAt: run.startedAt,
    ...(run.endedAt !== undefined && { endedAt: run.endedAt, durationMs: run.durationMs }),
    updatedAt: toIso(now()),
    steps: [...steps.values()].map((step) => ({ ...step })),
    images: { built: [...built], pushed: [...pushed] },
    manifests: [...manifests],
    warnings: [...warnings],
    ...(run.error !== undefined && { error: run.error }),
    ...(incomplete.length > 0 && { incomplete: [...incomplete] }),
  });

  const writeNow = (): boolean => {
    if (writeTimer) clearTimeout(writeTimer);
    writeTimer = undefined;
    try {
      // The one place the record is masked: everything in it, just before it is written.
      const record = masker.maskValue(current());
      lastWritten = { bytes: writeRecordFile(folder, record), at: record.updatedAt };
      lastWriteError = undefined;
      return true;
    } catch (cause) {
      const failure = cause instanceof Error ? cause : new Error(String(cause));
      lastWriteError = failure;
      if (options.onWriteError) options.onWriteError(failure);
      else firstWriteError ??= failure;
      return false;
    }
  };

  // A full disk has no room for a new file, but the last record's own blocks can take a
  // shorter text: the final state, compact, marked incomplete. Too long for them: the last
  // complete record stays (and reads as interrupted once this process is gone).
  const writeFinalInPlace = (failure: Error): void => {
    if (!lastWritten) return;
    incomplete.push(`record.json could not be rewritten after ${lastWritten.at} (${describeWriteError(failure)}); this shorter copy was written over the last one at the end of the run`);
    const text = `${JSON.stringify(masker.maskValue(current()))}\n`;
    if (Buffer.byteLength(text) > Math.max(lastWritten.bytes, allocatedBytes(join(folder, RECORD_FILE)))) return;
    try {
      overwriteFile(join(folder, RECORD_FILE), text);
    } catch {
      // The last complete record stays as it was.
    }
  };

  const writeSoon = (): void => {
    writeTimer ??= setTimeout(writeNow, RECORD_WRITE_INTERVAL_MS).unref();
  };

  mkdirSync(folder, { recursive: true });
  const heartbeat = setInterval(writeNow, RECORD_HEARTBEAT_MS).unref();
  liveRunIds.add(options.runId);

  const stepOf = (stepId: string): Mutable<StepRecord> => {
    let step = steps.get(stepId);
    if (!step) {
      step = { id: stepId, status: 'queued', attempts: 0 };
      steps.set(stepId, step);
    }
    return step;
  };

  const handle = (event: RunEvent): void => {
    if (isClosed) return;
    const isStatusChange = applyEvent(event);
    if (isStatusChange) writeNow();
    else writeSoon();
  };

  // Folds one event into the state; true when a run or step status changed.
  const applyEvent = (event: RunEvent): boolean => {
    switch (event.type) {
      case 'run-start':
        run.startedAt = toIso(event.time);
        for (const id of event.stepIds) stepOf(id);
        return true;
      case 'step-queued': {
        const step = stepOf(event.stepId);
        return step.status !== 'queued' ? ((step.status = 'queued'), true) : false;
      }
      case 'step-start': {
        const step = stepOf(event.stepId);
        step.kind = event.kind;
        step.status = 'running';
        step.attempts = Math.max(step.attempts, event.attempt);
        step.startedAt ??= toIso(event.time);
        if (event.command) step.command = [...event.command];
        return true;
      }
      case 'step-retry':
        return false;
      case 'step-end': {
        const step = stepOf(event.stepId);
        step.status = event.status;
        step.endedAt = toIso(event.time);
        step.durationMs = event.durationMs;
        step.attempts = event.attempts;
        if (event.exitCode !== undefined) step.exitCode = event.exitCode;
        if (event.error !== undefined) step.error = event.error;
        if (event.ignoredError) step.ignoredError = true;
        return true;
      }
      case 'image-built':
        upsertImage(built, event.stepId, event.image);
        return false;
      case 'image-pushed':
        upsertImage(pushed, event.stepId, event.image);
        return true;
      case 'manifest-pushed':
        manifests.push({ stepId: event.stepId, ...event.image, mediaType: event.mediaType });
        return true;
      case 'warning':
        warnings.push(event.stepId ? `${event.stepId}: ${event.message}` : event.message);
        return false;
      case 'step-output':
      case 'leftovers-removed':
        return false;
      case 'run-end':
        run.status = event.status;
        run.endedAt = toIso(event.time);
        run.durationMs = event.durationMs;
        if (event.error !== undefined) run.error = event.error;
        // Steps the executor never finished did not run to the end: running ones were
        // stopped, queued ones never started.
        for (const step of steps.values()) {
          if (step.status === 'running') step.status = 'cancelled';
          else if (step.status === 'queued') step.status = 'skipped';
        }
        return true;
    }
  };

  writeNow();

  return {
    handle,
    current: () => masker.maskValue(current()),
    writeError: () => lastWriteError,
    markIncomplete(note) {
      if (isClosed) return;
      incomplete.push(note);
      writeSoon();
    },
    close() {
      if (isClosed) return;
      if (!writeNow() && lastWriteError) writeFinalInPlace(lastWriteError);
      isClosed = true;
      clearInterval(heartbeat);
      liveRunIds.delete(options.runId);
      if (firstWriteError) throw firstWriteError;
    },
  };
}

// `--secret NAME=VALUE` keeps the name only; the value never reaches the record.
const SECRET_FLAGS = ['--secret', '--set-secret'];

// Secret values (`--secret ID=VALUE`, `--set-secret`) and the user and password of a URL (a git
// CONTEXT) never reach the record.
export function redactArguments(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const inline = SECRET_FLAGS.find((flag) => arg.startsWith(`${flag}=`));
    if (SECRET_FLAGS.includes(arg) && i + 1 < argv.length) {
      out.push(arg, redactSecretPair(argv[++i]!));
    } else if (inline !== undefined) {
      out.push(`${inline}=${redactSecretPair(arg.slice(inline.length + 1))}`);
    } else {
      out.push(arg.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@'));
    }
  }
  return out;
}

function redactSecretPair(pair: string): string {
  const equals = pair.indexOf('=');
  return equals === -1 ? '***' : `${pair.slice(0, equals)}=***`;
}

function upsertImage(list: ImageRecord[], stepId: string, image: ImageRef): void {
  const index = list.findIndex((known) => known.reference === image.reference);
  const entry: ImageRecord = { stepId, reference: image.reference, ...(image.digest !== undefined && { digest: image.digest }) };
  if (index === -1) list.push(entry);
  else list[index] = { ...list[index]!, ...entry };
}

/** Writes the record (temp file + rename); returns its size. A failed write leaves no temp file behind. */
function writeRecordFile(folder: string, record: RunRecord): number {
  const temporary = join(folder, `.${RECORD_FILE}.${process.pid}.tmp`);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, join(folder, RECORD_FILE));
  } catch (cause) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // A read-only folder holds no temp file of ours.
    }
    throw cause;
  }
  return Buffer.byteLength(text);
}

/** Rewrites a file's content in place (no new blocks needed when the text is not longer). */
function overwriteFile(path: string, text: string): void {
  const fd = openSync(path, 'r+');
  try {
    const data = Buffer.from(text);
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset, offset);
    ftruncateSync(fd, data.length);
  } finally {
    closeSync(fd);
  }
}

/** Bytes the file system already holds for a file (whole blocks), 0 when unknown. */
function allocatedBytes(path: string): number {
  try {
    return statSync(path).blocks * 512;
  } catch {
    return 0;
  }
}

function describeWriteError(failure: Error): string {
  return (failure as NodeJS.ErrnoException).code ?? failure.message;
}

function toIso(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

/** The record of run `id`, with a dead writer's `running` turned into `interrupted`; undefined when there is none. */
export async function readRecord(home: string, id: string): Promise<RunRecord | undefined> {
  // Not a run ID (`../x`): never look outside the store.
  if (validateRunId(id)) return undefined;
  let text: string;
  try {
    text = await readFile(join(resolveRunFolder(home, id), RECORD_FILE), 'utf8');
  } catch (cause) {
    if (['ENOENT', 'ENOTDIR'].includes((cause as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw cause;
  }
  return settleStatus(JSON.parse(text) as RunRecord);
}

/** Synchronous `readRecord`, for `logs --follow` polling and exit handlers. */
export function readRecordSync(home: string, id: string): RunRecord | undefined {
  if (validateRunId(id)) return undefined;
  try {
    return settleStatus(JSON.parse(readFileSync(join(resolveRunFolder(home, id), RECORD_FILE), 'utf8')) as RunRecord);
  } catch {
    return undefined;
  }
}

/** Every readable record in the store, newest first. Folders without a record yet are left out. */
export async function listRecords(home: string): Promise<RunRecord[]> {
  let names: string[];
  try {
    names = await readdir(resolveRunsFolder(home));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw cause;
  }
  const records: RunRecord[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      const record = await readRecord(home, name);
      if (record) records.push(record);
    } catch {
      // A record someone edited by hand into invalid JSON: not a run we can show.
    }
  }
  return records.sort(compareNewestFirst);
}

export function compareNewestFirst(a: RunRecord, b: RunRecord): number {
  return b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id, 'en', { numeric: true });
}

// A `running` record whose writer is gone is `interrupted`: same host and the pid is dead
// (or is this process, which is not writing it), or another host and it went stale.
export function settleStatus(record: RunRecord, { nowMs = Date.now(), hostname = osHostname() } = {}): RunRecord {
  if (record.status !== 'running') return record;
  const isSameHost = record.process.hostname === hostname;
  const isGone = isSameHost
    ? record.process.pid === process.pid
      ? !liveRunIds.has(record.id)
      : !isProcessAlive(record.process.pid)
    : nowMs - Date.parse(record.updatedAt) > STALE_AFTER_MS;
  return isGone ? { ...record, status: 'interrupted' } : record;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (cause) {
    // EPERM: it exists but belongs to someone else.
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// A process killed with -9 whose parent has not reaped it yet still answers signal 0 (Linux: state Z).
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
