// Load stage: turns positions reported by the `yaml` package (offsets into a SourceText's
// current text) into locations in the file the user wrote.

import type { YAMLError } from 'yaml';
import type { SourceLocation } from '../diagnostics.js';
import { locate } from '../source-text.js';
import type { SourceText } from '../source-text.js';

export function locateOffset(source: SourceText, offset: number): SourceLocation {
  const before = source.text.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return locate(source, line, offset - lineStart + 1);
}

/** The first line of a `yaml` error message, without its ` at line X, column Y` suffix. */
export function describeYamlError(err: YAMLError): string {
  const firstLine = err.message.split('\n')[0] ?? err.message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '');
}

export function locateYamlError(source: SourceText, err: YAMLError): SourceLocation {
  return locateOffset(source, err.pos[0]);
}
