// Test helpers for the task stage: parse inline YAML and flatten diagnostics to comparable rows.

import type { Diagnostic } from '../../src/diagnostics.js';
import { fromOriginal } from '../../src/source-text.js';
import { parseTask } from '../../src/task/parse-task.js';
import type { ParseTaskResult } from '../../src/task/parse-task.js';

export interface Row {
  readonly at: string;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

export function toRow(d: Diagnostic): Row {
  const at = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}` : '';
  return { at, severity: d.severity, code: d.code, message: d.message, ...(d.hint !== undefined && { hint: d.hint }) };
}

export function parse(text: string, aliases?: ReadonlyMap<string, string>): ParseTaskResult {
  return parseTask({ source: fromOriginal('t.yaml', text), ...(aliases && { aliases }) });
}

export function rows(text: string): Row[] {
  return parse(text).diagnostics.map(toRow);
}

/** Joins lines with `\n` so fixtures read like the file. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
