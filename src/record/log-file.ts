// Record stage: the append-only sink behind `log.ndjson`. Lines are buffered and written with one
// asynchronous write in flight. The first failed write (full disk, read-only remount, quota) ends
// the file for good: later lines are dropped and the failure is reported once, so a broken disk
// never blocks the event loop, never throws into the run, and never loops on exit.
// (pino's own destination, sonic-boom, retries a failed flushSync forever on ENOSPC: a run hung
// there ignoring SIGTERM.)

import { closeSync, openSync, write, writeSync } from 'node:fs';

export interface LogFileSink {
  /** Appends one chunk (pino hands over whole lines). */
  readonly write: (chunk: string) => void;
  /** Writes what is buffered, synchronously and at most once more per chunk (for `process.on('exit')`). */
  readonly flushSync: () => void;
  /** Writes what is buffered and closes the file; never rejects. */
  readonly close: () => Promise<void>;
  /** The write that failed, once one has. */
  readonly failure: () => Error | undefined;
}

export function openLogFile(input: { path: string; onError?: (cause: Error) => void }): LogFileSink {
  // Opened synchronously so a folder that refuses the file is known before the run starts.
  const fd = openSync(input.path, 'a');
  let buffered: string[] = [];
  let isWriting = false;
  let isClosed = false;
  let failure: Error | undefined;
  let whenIdle: (() => void)[] = [];

  const fail = (cause: unknown): void => {
    buffered = [];
    if (failure) return;
    failure = cause instanceof Error ? cause : new Error(String(cause));
    input.onError?.(failure);
  };

  const settleIdle = (): void => {
    const waiting = whenIdle;
    whenIdle = [];
    for (const resolve of waiting) resolve();
  };

  const writeNext = (): void => {
    if (isWriting) return;
    if (failure || buffered.length === 0) return settleIdle();
    const data = Buffer.from(buffered.join(''));
    buffered = [];
    isWriting = true;
    writeAll(fd, data, (cause) => {
      isWriting = false;
      if (cause) fail(cause);
      writeNext();
    });
  };

  return {
    write(chunk) {
      if (isClosed || failure) return;
      buffered.push(chunk);
      if (!isWriting) setImmediate(writeNext);
    },
    flushSync() {
      if (failure || buffered.length === 0 || isWriting) return;
      const data = Buffer.from(buffered.join(''));
      buffered = [];
      try {
        let offset = 0;
        while (offset < data.length) offset += writeSync(fd, data, offset);
      } catch (cause) {
        fail(cause);
      }
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      await new Promise<void>((resolve) => {
        whenIdle.push(resolve);
        writeNext();
      });
      try {
        closeSync(fd);
      } catch {
        // Closing cannot lose more than the failed write already did.
      }
    },
    failure: () => failure,
  };
}

function writeAll(fd: number, data: Buffer, done: (cause: NodeJS.ErrnoException | null) => void, offset = 0): void {
  if (offset >= data.length) return done(null);
  write(fd, data, offset, data.length - offset, null, (cause, written) => {
    if (cause) return done(cause);
    writeAll(fd, data, done, offset + written);
  });
}
