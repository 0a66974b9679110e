// Stage 3, normalise: where a character of a step's string value (`cmd`, `build`) is written in
// the user's file, and the unclosed-quote error that points at it.

import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { trimGoSpace } from '../load/go-text.js';
import { locate, type SourceText } from '../source-text.js';
import type { WrittenDocument } from './parse-yaml.js';
import { findScalarCharOffset } from './scalar-source.js';
import type { UnclosedQuote } from './words.js';

export function checkQuotes(input: {
  key: string;
  /** Its index is in `written`; undefined when the quote is not written there (it came from an alias). */
  unclosedQuote: { readonly quote: UnclosedQuote['quote']; readonly index: number | undefined } | undefined;
  /** The value as the YAML parser read it. */
  written: string;
  document: WrittenDocument;
  source: SourceText | undefined;
  pointer: string;
}): Diagnostic[] {
  if (!input.unclosedQuote) return [];
  const { quote, index } = input.unclosedQuote;
  return [
    error(
      'unclosed-quote',
      `\`${input.key}\` has a ${quote} quote that is never closed`,
      locateValueChar({ ...input, index }),
      `close it with another ${quote}, or escape it as \\${quote}`,
    ),
  ];
}

// `expandCommandWord` swaps the first word of the trimmed text for the alias value and keeps
// the rest as it is, so an index past the alias value maps back by the difference in length.
export function indexInWrittenCmd(input: { written: string; expanded: string; index: number }): number | undefined {
  const trimmed = trimGoSpace(input.written);
  const firstWord = trimmed.split(' ')[0] ?? '';
  const rest = trimmed.slice(firstWord.length);
  const aliasEnd = input.expanded.length - rest.length;
  if (input.index < aliasEnd || input.expanded.slice(aliasEnd) !== rest) return undefined;
  return input.written.indexOf(trimmed) + firstWord.length + (input.index - aliasEnd);
}

// Where the character `written[index]` of the scalar at `pointer` is in the user's file; the
// value's start when that cannot be told exactly (an alias `*x`, an indentation digit, no source).
export function locateValueChar(input: {
  document: WrittenDocument;
  source: SourceText | undefined;
  pointer: string;
  written: string;
  index: number | undefined;
}): SourceLocation {
  const { document, source, pointer, index } = input;
  const span = document.spans.get(pointer);
  if (!source || index === undefined || span?.shape !== 'scalar') return document.at(pointer);
  const offset = findScalarCharOffset({ text: source.text, scalarOffset: span.valueOffset, value: input.written, index });
  if (offset === undefined) return document.at(pointer);
  const lineStart = source.text.lastIndexOf('\n', offset - 1) + 1;
  return locate(source, lineNumberAt(source, offset), offset - lineStart + 1);
}

// Line start offsets of a text, made once: every item of a command list is located.
const LINE_STARTS = new WeakMap<SourceText, readonly number[]>();

/** The 1-based line of `source.text` that holds `offset`. */
function lineNumberAt(source: SourceText, offset: number): number {
  let starts = LINE_STARTS.get(source);
  if (!starts) {
    const found = [0];
    for (let at = source.text.indexOf('\n'); at >= 0; at = source.text.indexOf('\n', at + 1)) found.push(at + 1);
    starts = found;
    LINE_STARTS.set(source, starts);
  }
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}
