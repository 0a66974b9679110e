// Load stage: the size limit on a task file, checked before it is read so a huge file costs
// nothing. Far above any real task file (they are a few KB); the later stages' limits assume it.

import { stat } from '../sync-fs.js';
import { InputError, error } from '../diagnostics.js';

export const MAX_TASK_FILE_BYTES = 1024 * 1024;

/**
 * Throws an InputError (at FILE:1:1) when the file at `path` is larger than the limit, or is no
 * regular file (a device such as /dev/zero or a FIFO never ends); a file it cannot stat is left to the read.
 */
export async function checkTaskFileSize(path: string): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return;
  }
  if (!info.isFile() && !info.isDirectory()) {
    throw new InputError([error('file-unreadable', `cannot read task file '${path}': it is no regular file`, undefined, 'name a task file; to give the task on stdin, use `taskrun run -f -`')]);
  }
  const size = Number(info.size);
  if (size <= MAX_TASK_FILE_BYTES) return;
  throw new InputError([
    error(
      'task-limit',
      `the task file is ${size.toLocaleString('en-US')} bytes, over taskrun's limit of ${MAX_TASK_FILE_BYTES.toLocaleString('en-US')} bytes (1 MiB)`,
      { file: path, line: 1, col: 1 },
      'a task file needs far less; move large content into files in the build context',
    ),
  ]);
}

/** Standard input as text, refused past the same limit as a task file (`taskrun run -f -`). */
export function readStdinWithinLimit(read: (buffer: Buffer) => number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let count: number;
    try {
      count = read(buffer);
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((caught as NodeJS.ErrnoException).code === 'EOF') break;
      throw caught;
    }
    if (count === 0) break;
    total += count;
    if (total > MAX_TASK_FILE_BYTES) {
      throw new InputError([error('task-limit', `the task on stdin is over taskrun's limit of ${MAX_TASK_FILE_BYTES.toLocaleString('en-US')} bytes (1 MiB)`, undefined, 'a task file needs far less')]);
    }
    chunks.push(Buffer.from(buffer.subarray(0, count)));
  }
  return Buffer.concat(chunks).toString('utf8');
}
