// CLI: prints diagnostics the way compilers do — `file:line:col: severity: message`, the
// source line, a caret, a hint — to stderr.

import { readFileSync } from 'node:fs';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { splitLines } from '../source-text.js';

export function printDiagnostics(diagnostics: readonly Diagnostic[], write: (text: string) => void): void {
  if (diagnostics.length === 0) return;
  const cache = new Map<string, readonly string[] | undefined>();
  const readLines = (file: string) => {
    if (!cache.has(file)) cache.set(file, readLinesOrUndefined(file));
    return cache.get(file);
  };
  const sorted = sortDiagnostics(diagnostics);
  write(sorted.map((d) => formatDiagnostic(d, readLines)).join('\n') + '\n');
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.length - errors;
  write(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
}

function readLinesOrUndefined(file: string): readonly string[] | undefined {
  try {
    return splitLines(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
