// Load stage: Go string primitives (strings.TrimSpace, bufio.ScanLines) that acb's
// text pre-processing relies on, so line decisions match acb exactly.

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
