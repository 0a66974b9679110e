// Problems found in the user's input (task file, values, flags), each tied to a
// place in a file where one is known. Every stage returns these instead of
// throwing, so one run reports all problems of a file at once.


export type Severity = 'error' | 'warning';

export interface SourceLocation {
  readonly file: string;
  /** 1-based line in the file as the user wrote it. */
  readonly line: number;
  /** 1-based column (in UTF-16 code units) in that line. */
  readonly col: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable kebab-case identifier, e.g. `unknown-key`, `yaml-syntax`, `push-unknown-image`. */
  readonly code: string;
  readonly message: string;
  readonly location?: SourceLocation;
  /** One line telling the user how to fix it. */
  readonly hint?: string;
}

export function error(code: string, message: string, location?: SourceLocation, hint?: string): Diagnostic {
  return { severity: 'error', code, message, ...(location && { location }), ...(hint && { hint }) };
}

export function warning(code: string, message: string, location?: SourceLocation, hint?: string): Diagnostic {
  return { severity: 'warning', code, message, ...(location && { location }), ...(hint && { hint }) };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Under `--strict` every warning counts as an error. */
export function applyStrict(diagnostics: readonly Diagnostic[], isStrict: boolean): Diagnostic[] {
  return isStrict ? diagnostics.map((d) => ({ ...d, severity: 'error' as const })) : [...diagnostics];
}

/** By file, line and column, errors first, so output is stable; exact repeats (a `range` repeating a line) once. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.severity === 'error' ? 0 : 1);
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = JSON.stringify([d.severity, d.code, d.message, d.location, d.hint]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.col ?? 0) - (b.location?.col ?? 0) ||
      rank(a) - rank(b),
  );
}

const MAX_EXCERPT = 200;

/**
 * `FILE:LINE:COL: error: message`, then the source line and a caret under the column,
 * then the hint. `readLines` gives the original lines of a file (undefined when unknown).
 */
export function formatDiagnostic(d: Diagnostic, readLines: (file: string) => readonly string[] | undefined): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : '';
  const out = [`${where}${d.severity}: ${d.message}`];
  if (d.location) {
    const source = readLines(d.location.file)?.[d.location.line - 1];
    if (source !== undefined) {
      const gutter = `${String(d.location.line).padStart(4)} | `;
      // A long line (a generated file, a huge value) is shown as a window around the column.
      const start = source.length > MAX_EXCERPT ? Math.max(0, Math.min(d.location.col - 1 - MAX_EXCERPT / 2, source.length - MAX_EXCERPT)) : 0;
      const shown = source.slice(start, start + MAX_EXCERPT);
      const before = start > 0 ? '…' : '';
      const after = start + MAX_EXCERPT < source.length ? '…' : '';
      out.push(`${gutter}${before}${shown.replace(/\t/g, ' ')}${after}`);
      out.push(`${' '.repeat(gutter.length - 2)}| ${' '.repeat(Math.max(0, d.location.col - 1 - start + before.length))}^`);
    }
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

/** Thrown at a stage boundary when input is unusable; the CLI prints the diagnostics and exits 2. */
export class InputError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
    this.name = 'InputError';
    this.diagnostics = diagnostics;
  }
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance (scaled to the word's length), if any. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    // A long shared prefix (`retry` → `retries`) counts as one edit less.
    const distance = editDistance(lower, other) - (commonPrefixLength(lower, other) >= 4 ? 1 : 0);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
