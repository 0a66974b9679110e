// Record stage: when a run last showed a sign of life. A run whose process died (`kill -9`, a
// crash) never wrote its end; its duration is taken up to its last event in log.ndjson or its
// record's last write (the writer's heartbeat), whichever is later.

import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { LOG_FILE, resolveRunFolder } from './home.js';
import type { RunRecord } from './record.js';

/** Enough of the log's end to hold its last line (a step-output line is one line of output). */
const TAIL_BYTES = 64 * 1024;

/** The `time` of the last complete line of the run's log.ndjson, in ms; undefined when there is none. */
export async function readLastLogTime(home: string, runId: string): Promise<number | undefined> {
  let handle;
  try {
    handle = await open(join(resolveRunFolder(home, runId), LOG_FILE), 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    // The last line may be torn by the crash: read back to the last one that parses.
    const lines = buffer.toString('utf8').split('\n').reverse();
    for (const line of lines) {
      const time = timeOf(line);
      if (time !== undefined) return time;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

function timeOf(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const time = Date.parse((JSON.parse(line) as { time?: unknown }).time as string);
    return Number.isFinite(time) ? time : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long the run took: its own duration once ended; up to now while it runs; for a run
 * that died, up to its last sign of life.
 */
export async function runDurationMs(home: string, record: RunRecord, nowMs = Date.now()): Promise<number> {
  if (record.durationMs !== undefined) return record.durationMs;
  const startMs = Date.parse(record.startedAt);
  if (record.status === 'running') return Math.max(0, nowMs - startMs);
  const lastLog = await readLastLogTime(home, record.id);
  const lastSign = Math.max(Date.parse(record.updatedAt), lastLog ?? 0);
  return Math.max(0, lastSign - startMs);
}
