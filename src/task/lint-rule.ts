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
