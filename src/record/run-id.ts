// Record stage: run IDs. Allocated ones are `tr` + a base-36 counter, claimed with an
// atomic `mkdir` of the run's folder, so concurrent runs in one TASKRUN_HOME never share one.

import { mkdir, readdir, rename, rm, rmdir, writeFile, readFile } from '../sync-fs.js';
import { join } from 'node:path';
import { error, InputError } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { asHomeInputError } from './disk-errors.js';
import { resolveRunFolder, resolveRunsFolder } from './home.js';

export const RUN_ID_PREFIX = 'tr';
export const MAX_RUN_ID_LENGTH = 64;
/** Last counter handed out; only a hint for where to start, the folder is the claim. */
const COUNTER_FILE = '.counter';
/** After this many taken IDs in a row the hint is stale: look at the folders instead. */
const COLLISIONS_BEFORE_RESCAN = 8;

const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A disk error (full, read-only, no permission) is an InputError naming the runs folder: nothing ran yet. */
export async function allocateRunId(home: string): Promise<string> {
  const runsFolder = resolveRunsFolder(home);
  try {
    return await allocateIn(home, runsFolder);
  } catch (cause) {
    throw asHomeInputError(cause, runsFolder);
  }
}

async function allocateIn(home: string, runsFolder: string): Promise<string> {
  await mkdir(runsFolder, { recursive: true });
  let counter = (await readCounterHint(runsFolder)) + 1;
  for (let collisions = 0; ; collisions++) {
    if (collisions > 0 && collisions % COLLISIONS_BEFORE_RESCAN === 0) {
      counter = Math.max(counter, (await findHighestCounter(runsFolder)) + 1);
    }
    const runId = `${RUN_ID_PREFIX}${counter.toString(36)}`;
    const folder = resolveRunFolder(home, runId);
    if (await tryClaimFolder(folder)) {
      try {
        await writeCounterHint(runsFolder, counter);
      } catch (cause) {
        // A home that cannot take four bytes cannot take the run either: give the ID back.
        await rmdir(folder).catch(() => undefined);
        throw cause;
      }
      return runId;
    }
    counter++;
  }
}

/** Why `id` cannot be a run ID (as a diagnostic for `--run-id`), or undefined when it can. */
export function validateRunId(id: string): Diagnostic | undefined {
  const hint = `use letters, digits, '-', '_' and '.', starting with a letter or digit, at most ${MAX_RUN_ID_LENGTH} characters`;
  if (id.length === 0) return error('invalid-run-id', '--run-id is empty', undefined, hint);
  if (id.length > MAX_RUN_ID_LENGTH) {
    return error('invalid-run-id', `--run-id '${id}' is ${id.length} characters long (at most ${MAX_RUN_ID_LENGTH})`, undefined, hint);
  }
  if (!RUN_ID_PATTERN.test(id)) {
    const first = id[0] ?? '';
    const problem = /[A-Za-z0-9]/.test(first)
      ? `contains ${describeChar([...id].find((char) => !/[A-Za-z0-9._-]/.test(char)) ?? '')}`
      : `starts with ${describeChar(first)}`;
    return error('invalid-run-id', `--run-id '${id}' ${problem}`, undefined, hint);
  }
  return undefined;
}

// For `--run-id`: the ID must be valid and not already in the store. Throws InputError (exit 2).
export async function claimRunId(home: string, id: string): Promise<void> {
  const invalid = validateRunId(id);
  if (invalid) throw new InputError([invalid]);
  let isClaimed: boolean;
  try {
    await mkdir(resolveRunsFolder(home), { recursive: true });
    isClaimed = await tryClaimFolder(resolveRunFolder(home, id));
  } catch (cause) {
    throw asHomeInputError(cause, resolveRunsFolder(home));
  }
  if (!isClaimed) {
    throw new InputError([
      error(
        'run-id-taken',
        `--run-id '${id}' is already used by a run in ${resolveRunsFolder(home)}`,
        undefined,
        `choose another ID, or see that run with 'taskrun runs show ${id}'`,
      ),
    ]);
  }
}

async function tryClaimFolder(folder: string): Promise<boolean> {
  try {
    await mkdir(folder);
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw cause;
  }
}

async function readCounterHint(runsFolder: string): Promise<number> {
  try {
    const value = Number.parseInt(await readFile(join(runsFolder, COUNTER_FILE), 'utf8'), 10);
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

async function writeCounterHint(runsFolder: string, counter: number): Promise<void> {
  const temporary = join(runsFolder, `${COUNTER_FILE}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, `${counter}\n`);
    await rename(temporary, join(runsFolder, COUNTER_FILE));
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw cause;
  }
}

async function findHighestCounter(runsFolder: string): Promise<number> {
  let highest = 0;
  for (const name of await readdir(runsFolder)) {
    const match = /^tr([0-9a-z]+)$/.exec(name);
    if (!match?.[1]) continue;
    const value = Number.parseInt(match[1], 36);
    if (Number.isSafeInteger(value)) highest = Math.max(highest, value);
  }
  return highest;
}

function describeChar(char: string): string {
  return char === ' ' ? 'a space' : `'${char}'`;
}
