// Load stage: Go string primitives (strings.TrimSpace, bufio.ScanLines) that acb's
// text pre-processing relies on, so line decisions match acb exactly.

import { encodeGoBytes } from './go-bytes.js';

/** Go's unicode.IsSpace (differs from JS `\s`: includes U+0085, excludes U+FEFF). */
export function isGoSpace(char: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/u.test(char);
}

/** Go's strings.TrimSpace. */
export function trimGoSpace(text: string): string {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && isGoSpace(chars[start]!)) start++;
  while (end > start && isGoSpace(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/**
 * The lines bufio.ScanLines yields: split at `\n`, one trailing `\r` dropped per line, and no
 * final empty line when the text ends with `\n` (so `''` has no lines at all).
 */
export function scanGoLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** bufio.Scanner's default limit: a line (without its `\n`) of this many bytes stops the scan. */
export const GO_SCANNER_MAX_LINE_BYTES = 64 * 1024;

// A UTF-16 code unit is at most 3 UTF-8 bytes, so shorter lines need no byte count.
const SHORTEST_OVERLONG_UNITS = Math.ceil(GO_SCANNER_MAX_LINE_BYTES / 3);

/**
 * The 1-based number of the first line bufio.Scanner cannot read (at least 64 KiB before its
 * `\n`, a `\r` included), where acb's line scanning silently stops; undefined when there is none.
 */
export function findOverlongLine(text: string): { line: number; bytes: number } | undefined {
  if (text.length < SHORTEST_OVERLONG_UNITS) return undefined;
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (end - start >= SHORTEST_OVERLONG_UNITS) {
      const bytes = encodeGoBytes(text.slice(start, end)).length;
      if (bytes >= GO_SCANNER_MAX_LINE_BYTES) return { line, bytes };
    }
    if (newline < 0) return undefined;
    start = newline + 1;
    line++;
  }
  return undefined;
}
