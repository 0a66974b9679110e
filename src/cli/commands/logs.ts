// CLI: `taskrun logs ID [--step S] [--follow]` prints a run's log (runs/<id>/log.ndjson)
// in a readable form; `--follow` keeps reading until the record says the run ended.

import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { didYouMean } from '../../diagnostics.js';
import { LOG_FILE, resolveRunFolder, resolveTaskrunHome } from '../../record/home.js';
import type { LogLine } from '../../record/logger.js';
import { readRecordSync } from '../../record/record.js';
import { formatCommand } from '../format-command.js';
import { defaultCommandIo, type CommandIo } from '../command-io.js';
import { findRecordOrReport, reportUsage } from './runs.js';

export const FOLLOW_POLL_MS = 200;
/** After the record says the run ended, how long to wait for the log's last line to be flushed. */
const FOLLOW_GRACE_MS = 2_000;

export function registerLogsCommand(program: Command, io: CommandIo = defaultCommandIo): void {
  program
    .command('logs')
    .description("print a run's log: step output and what happened to each step")
    .argument('<id>', 'run ID (see taskrun runs)')
    .option('--step <id>', 'only this step')
    .option('--follow', 'keep printing while the run goes on, until it ends')
    .action(async (id: string, options: { step?: string; follow?: boolean }) => {
      await printLogs({ io, id, stepId: options.step, isFollowing: options.follow === true });
    });
}

async function printLogs({ io, id, stepId, isFollowing }: { io: CommandIo; id: string; stepId?: string; isFollowing: boolean }): Promise<void> {
  const home = resolveTaskrunHome(io.env);
  const record = await findRecordOrReport({ io, home, id });
  if (!record) return;
  if (stepId !== undefined && !record.steps.some((step) => step.id === stepId)) {
    const stepIds = record.steps.map((step) => step.id);
    const guess = didYouMean(stepId, stepIds);
    const known = stepIds.length > 0 ? `the steps of run '${id}' are ${stepIds.join(', ')}` : `run '${id}' has no steps`;
    reportUsage(io, `--step '${stepId}' is not a step of run '${id}'`, guess ? `did you mean '${guess}'? ${known}` : known);
    return;
  }
  const reader = createLogReader(join(resolveRunFolder(home, id), LOG_FILE));
  const print = (lines: readonly LogLine[]): void => {
    for (const line of lines) {
      if (stepId !== undefined && line.stepId !== stepId) continue;
      const text = formatLogLine(line);
      if (text !== undefined) io.stdout(`${text}\n`);
    }
  };
  if (!isFollowing) {
    print(await reader.readNew());
    return;
  }
  let endedAtMs: number | undefined;
  for (;;) {
    // Look at the record first, so the read after it has seen the end holds every line.
    const isEnded = readRecordSync(home, id)?.status !== 'running';
    const lines = await reader.readNew();
    print(lines);
    if (isEnded) {
      endedAtMs ??= Date.now();
      const hasRunEnd = reader.hasSeenRunEnd();
      // An interrupted run never writes `run-end`; wait only a moment for it.
      if (hasRunEnd || Date.now() - endedAtMs >= FOLLOW_GRACE_MS) return;
    }
    await sleep(FOLLOW_POLL_MS);
  }
}

interface LogReader {
  /** The complete lines added since the last call. */
  readonly readNew: () => Promise<LogLine[]>;
  readonly hasSeenRunEnd: () => boolean;
}

function createLogReader(path: string): LogReader {
  let offset = 0;
  let remainder = Buffer.alloc(0);
  let hasRunEnd = false;
  return {
    async readNew() {
      const handle = await open(path, 'r').catch(() => undefined);
      if (!handle) return [];
      const chunks: Buffer[] = [remainder];
      try {
        for (;;) {
          const buffer = Buffer.alloc(64 * 1024);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          chunks.push(buffer.subarray(0, bytesRead));
        }
      } finally {
        await handle.close();
      }
      const data = Buffer.concat(chunks);
      // Only whole lines: a line still being written stays for the next read.
      const end = data.lastIndexOf(0x0a) + 1;
      remainder = data.subarray(end);
      const lines = parseLogLines(data.subarray(0, end).toString('utf8'));
      if (lines.some((line) => line.event === 'run-end')) hasRunEnd = true;
      return lines;
    },
    hasSeenRunEnd: () => hasRunEnd,
  };
}

export function parseLogLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      lines.push(JSON.parse(raw) as LogLine);
    } catch {
      // Not a log line (a hand edit or a torn write at a crash): skip it.
    }
  }
  return lines;
}

/** Step output as `[step] text`, other events as `--- message` (a step's start with its full command); queued steps are left out. */
export function formatLogLine(line: LogLine): string | undefined {
  if (line.event === 'step-output') return `[${line.stepId ?? ''}] ${line.msg}`;
  if (line.event === 'step-queued') return undefined;
  if (line.event === 'step-start' && isWords(line.command)) return `--- ${line.msg}: ${formatCommand(line.command)}`;
  return `--- ${line.msg}`;
}

function isWords(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((word) => typeof word === 'string');
}
