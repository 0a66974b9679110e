// Load stage: the size limit on a task file, checked before it is read so a huge file costs
// nothing. Far above any real task file (they are a few KB); the later stages' limits assume it.

import { stat } from 'node:fs/promises';
import { InputError, error } from '../diagnostics.js';

export const MAX_TASK_FILE_BYTES = 1024 * 1024;

/** Throws an InputError (at FILE:1:1) when the file at `path` is larger than the limit; a file it cannot stat is left to the read. */
export async function checkTaskFileSize(path: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return;
  }
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
