// Stage 3, lint: what every lint rule reads and returns.

import type { Diagnostic } from '../diagnostics.js';
import type { SourceText } from '../source-text.js';
import type { WrittenDocument } from './parse-yaml.js';
import type { Task } from './types.js';

export interface LintContext {
  readonly task: Task;
  readonly document: WrittenDocument;
  /** The text the task was parsed from; its `original` is the file as written. */
  readonly source?: SourceText;
}

export type LintRule = (context: LintContext) => Diagnostic[];

/**
 * How the task file writes a reference that renders to `rendered` on a line: the word of the
 * original line whose template actions and aliases (`{{…}}`, `$name`) can stand for the parts
 * that differ, e.g. `{{.Run.Registry}}/app:{{.Run.ID}}` for `localhost:5000/app:tr1`. Hints
 * then show the user's own text; the rendered text when no word fits.
 */
export function writtenFormOf(context: LintContext, line: number, rendered: string): string {
  const original = context.source?.original.split(/\r?\n/)[line - 1];
  if (original === undefined || !/\{\{|\$/.test(original)) return rendered;
  for (const word of original.split(/[\s,[\]"']+/)) {
    if (!/\{\{|\$/.test(word)) continue;
    const pattern = word
      .split(/(\{\{.*?\}\}|\$[A-Za-z_][A-Za-z0-9_]*)/)
      .map((part, index) => (index % 2 === 1 ? '.*?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    if (new RegExp(`^${pattern}$`).test(rendered)) return word;
  }
  return rendered;
}
