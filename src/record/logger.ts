// Record stage: the run's structured log. Every RunEvent becomes one NDJSON line (step
// output one line per output line) in `runs/<id>/log.ndjson`, and on stdout too for
// `--log-format json`. Secrets are masked in pino's logMethod hook, before any stream sees a byte.

import { join } from 'node:path';
import { pino } from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';
import type { RunEvent } from '../run/events.js';
import { formatDuration } from './duration.js';
import { LOG_FILE, resolveRunFolder } from './home.js';
import { openLogFile } from './log-file.js';
import type { Masker } from './masker.js';
import { createMasker } from './masker.js';
import type { OutputLine } from './output-lines.js';
import { createOutputLineSplitter } from './output-lines.js';

/** The `event` value of a log line: a RunEvent type. */
export type LogEventType = RunEvent['type'];

/** One line of `log.ndjson` as `taskrun logs` reads it back. */
export interface LogLine {
  readonly level: Level;
  readonly time: string;
  readonly runId: string;
  readonly event: LogEventType;
  readonly stepId?: string;
  /** For `step-output`, the output line itself. */
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface RunLoggerOptions {
  readonly home: string;
  readonly runId: string;
  readonly masker?: Masker;
  /** A second destination for the same lines (stdout for `--log-format json`); the caller closes it. */
  readonly jsonStream?: DestinationStream;
  /**
   * Told once when `log.ndjson` cannot be written (full disk, read-only): the file ends there,
   * later lines still reach `jsonStream`, and the run is not disturbed.
   */
  readonly onWriteError?: (cause: Error) => void;
}

export interface RunLogger {
  readonly handle: (event: RunEvent) => void;
  /** Writes out what is buffered and closes the log file. */
  readonly close: () => Promise<void>;
}

export function createRunLogger(options: RunLoggerOptions): RunLogger {
  const masker = options.masker ?? createMasker([]);
  const splitter = createOutputLineSplitter(masker);
  // Opened here, synchronously, so the exit handler can always flush to it.
  const file = openLogFile({ path: join(resolveRunFolder(options.home, options.runId), LOG_FILE), ...(options.onWriteError && { onError: options.onWriteError }) });
  const streams: pino.StreamEntry[] = [{ stream: file, level: 'trace' }];
  if (options.jsonStream) streams.push({ stream: options.jsonStream, level: 'trace' });

  const logger: Logger = pino(
    {
      level: 'trace',
      base: { runId: options.runId },
      timestamp: false,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // The one place log lines are masked: every argument, before pino serialises it.
        logMethod(args, method) {
          return method.apply(this, masker.maskValue(args) as typeof args);
        },
      },
    },
    pino.multistream(streams),
  );

  // One synchronous attempt; a disk that refuses it is given up on, never retried.
  const flushOnExit = (): void => file.flushSync();
  process.on('exit', flushOnExit);

  const logOutputLines = (lines: readonly OutputLine[], time: number): void => {
    for (const line of lines) {
      logger.info({ time: toIso(time), event: 'step-output', stepId: line.stepId, stream: line.stream }, line.text);
    }
  };

  let isClosed = false;

  return {
    handle(event) {
      if (isClosed) return;
      if (event.type === 'step-output') {
        logOutputLines(splitter.push(event), event.time);
        return;
      }
      if (event.type === 'step-end') logOutputLines(splitter.flush(event.stepId), event.time);
      if (event.type === 'run-end') logOutputLines(splitter.flushAll(), event.time);
      const { level, fields, msg } = describeEvent(event);
      logger[level]({ time: toIso(event.time), event: event.type, ...fields }, msg);
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      logOutputLines(splitter.flushAll(), Date.now());
      process.off('exit', flushOnExit);
      await file.close();
    },
  };
}

interface EventLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

function describeEvent(event: Exclude<RunEvent, { type: 'step-output' }>): EventLine {
  switch (event.type) {
    case 'run-start':
      return { level: 'info', fields: { stepIds: event.stepIds }, msg: `run ${event.runId} started` };
    case 'step-queued':
      return { level: 'info', fields: { stepId: event.stepId }, msg: `step ${event.stepId} queued` };
    case 'step-start':
      return {
        level: 'info',
        fields: { stepId: event.stepId, kind: event.kind, attempt: event.attempt, ...(event.command && { command: event.command }) },
        msg: `step ${event.stepId} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`,
      };
    case 'step-retry':
      return {
        level: 'warn',
        fields: { stepId: event.stepId, attempt: event.attempt, delayMs: event.delayMs, reason: event.reason },
        msg: `step ${event.stepId} will retry (attempt ${event.attempt}) in ${formatDuration(event.delayMs)}: ${event.reason}`,
      };
    case 'step-end': {
      const isFailure = event.status === 'failed' && !event.ignoredError;
      const reason = event.error ? `: ${event.error}` : '';
      return {
        level: isFailure ? 'error' : 'info',
        fields: {
          stepId: event.stepId,
          status: event.status,
          durationMs: event.durationMs,
          attempts: event.attempts,
          ...(event.exitCode !== undefined && { exitCode: event.exitCode }),
          ...(event.error !== undefined && { error: event.error }),
          ...(event.ignoredError && { ignoredError: true }),
        },
        msg: `step ${event.stepId} ${event.status} in ${formatDuration(event.durationMs)}${reason}${event.ignoredError ? ' (ignoreErrors)' : ''}`,
      };
    }
    case 'image-built':
    case 'image-pushed': {
      const verb = event.type === 'image-built' ? 'built' : 'pushed';
      return {
        level: 'info',
        fields: { stepId: event.stepId, image: event.image.reference, ...(event.image.digest && { digest: event.image.digest }) },
        msg: `${verb} ${event.image.reference}${event.image.digest ? `@${event.image.digest}` : ''}`,
      };
    }
    case 'manifest-pushed':
      return {
        level: 'info',
        fields: {
          stepId: event.stepId,
          image: event.image.reference,
          mediaType: event.mediaType,
          ...(event.image.digest && { digest: event.image.digest }),
        },
        msg: `pushed manifest list ${event.image.reference}${event.image.digest ? `@${event.image.digest}` : ''}`,
      };
    case 'warning':
      return {
        level: 'warn',
        fields: { ...(event.stepId && { stepId: event.stepId }), message: event.message },
        msg: event.message,
      };
    case 'leftovers-removed':
      return { level: 'info', fields: { runIds: event.runIds }, msg: event.message };
    case 'run-end':
      return {
        level: event.status === 'failed' ? 'error' : 'info',
        fields: { status: event.status, durationMs: event.durationMs, ...(event.error !== undefined && { error: event.error }) },
        msg: `run ${event.runId} ${event.status} in ${formatDuration(event.durationMs)}${event.error ? `: ${event.error}` : ''}`,
      };
  }
}

function toIso(timeMs: number): string {
  return new Date(timeMs).toISOString();
}
