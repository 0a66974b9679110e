// Load stage: reads the task file from disk into a SourceText, every byte as ACR keeps it.

import { readFile } from '../sync-fs.js';
import { InputError, error } from '../diagnostics.js';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { fromOriginal } from '../source-text.js';
import { checkTaskFileSize } from './file-size.js';
import type { SourceText } from '../source-text.js';
import { decodeGoBytes } from './go-bytes.js';

// As acb: a byte-order mark stays (so `\uFEFF# x` is no comment line and a first-line
// `version:` is not seen), CRLF stays (YAML reads it as a line break; the render shows it), and
// an invalid UTF-8 byte stays that byte (see go-bytes.ts).
export async function readTaskFile(path: string): Promise<SourceText> {
  await checkTaskFileSize(path);
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (cause) {
    throw new InputError([describeReadError({ what: 'task file', code: 'file-unreadable', path, cause })]);
  }
  return fromOriginal(path, decodeGoBytes(content));
}

const readProblems: Readonly<Record<string, { reason: string; hint: string }>> = {
  ENOENT: { reason: 'no such file', hint: 'check the path; taskrun looks relative to the current folder' },
  ENOTDIR: { reason: 'a folder in the path is a file', hint: 'check the path; taskrun looks relative to the current folder' },
  EACCES: { reason: 'permission denied', hint: 'make the file readable for the current user (chmod +r)' },
  EPERM: { reason: 'permission denied', hint: 'make the file readable for the current user (chmod +r)' },
  EISDIR: { reason: 'it is a folder, not a file', hint: 'name the file itself, not the folder that holds it' },
};

/** One clear sentence for a failed read, never a raw errno dump. */
export function describeReadError(input: {
  what: string;
  code: string;
  path: string;
  cause: unknown;
  location?: SourceLocation;
  /** Replaces the hint for a missing file (where relative paths start from differs per caller). */
  missingHint?: string;
}): Diagnostic {
  const errno = (input.cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  const known = readProblems[errno];
  const reason = known?.reason ?? (input.cause instanceof Error ? input.cause.message : String(input.cause));
  const hint = (errno === 'ENOENT' || errno === 'ENOTDIR') && input.missingHint !== undefined ? input.missingHint : known?.hint;
  return error(input.code, `cannot read ${input.what} '${input.path}': ${reason}`, input.location, hint);
}
