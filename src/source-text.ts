// Text on its way from the file as written to the YAML parser. Every stage
// (comment stripping, alias substitution, template rendering) returns a new
// SourceText whose `origins` say, for each of its lines, which line of the
// original file produced it, so any later error can name the user's line, and `valueSpans`
// say which of its characters came from a value (an alias, a template action's output) rather
// than from the file as written: only written text may act as syntax (a `cmd`'s `&&`).

import type { SourceLocation } from './diagnostics.js';

export interface SourceText {
  /** Path as the user named it (used in messages). */
  readonly file: string;
  /** The file's text exactly as read. */
  readonly original: string;
  /** The current text. */
  readonly text: string;
  /** origins[i] = 1-based line of `original` that produced line i+1 of `text`. */
  readonly origins: readonly number[];
  /**
   * Where `text` holds characters that are not in the file as written (alias values, template
   * outputs): sorted, disjoint, non-empty [start, end) offsets. Absent: every character is written.
   */
  readonly valueSpans?: readonly TextSpan[];
}

/** A [start, end) range of offsets in a text. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** The untouched file: line i comes from line i. */
export function fromOriginal(file: string, original: string): SourceText {
  const lineCount = splitLines(original).length;
  return { file, original, text: original, origins: Array.from({ length: lineCount }, (_, i) => i + 1) };
}

/**
 * A new stage's text whose line j came from line `fromLines[j]` (1-based) of `previous.text`;
 * composes the mapping back to the original file. `valueSpans` are the new text's; a stage
 * that does not give them from a text that has some gets all of its text marked as a value,
 * so nothing a value wrote can pass for written text by being forgotten.
 */
export function deriveText(previous: SourceText, text: string, fromLines: readonly number[], valueSpans?: readonly TextSpan[]): SourceText {
  const last = previous.origins[previous.origins.length - 1] ?? 1;
  const origins = fromLines.map((line) => previous.origins[line - 1] ?? last);
  const spans = valueSpans ?? (previous.valueSpans?.length ? [{ start: 0, end: text.length }] : undefined);
  const kept = spans?.filter((span) => span.end > span.start);
  return { file: previous.file, original: previous.original, text, origins, ...(kept?.length && { valueSpans: kept }) };
}

/** Whether every character of text[start, end) is in the file as written (no value span touches it). */
export function isWrittenRange(source: Pick<SourceText, 'valueSpans'>, start: number, end: number): boolean {
  const spans = source.valueSpans;
  if (!spans || end <= start) return true;
  // The first span that ends after `start`.
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((spans[mid]?.end ?? 0) <= start) low = mid + 1;
    else high = mid;
  }
  const span = spans[low];
  return span === undefined || span.start >= end;
}

/** Builds a text piece by piece, keeping the spans of its pieces that are values. */
export class MarkedTextBuilder {
  text = '';
  readonly spans: TextSpan[] = [];

  /** Appends `piece`, written in the file or a value. */
  append(piece: string, isValue: boolean): void {
    if (piece === '') return;
    if (isValue) this.addSpan(this.text.length, this.text.length + piece.length);
    this.text += piece;
  }

  /** Appends `from.text[start, end)` with the value spans it has there. */
  appendSlice(from: Pick<SourceText, 'text' | 'valueSpans'>, start: number, end: number): void {
    const base = this.text.length - start;
    for (const span of from.valueSpans ?? []) {
      if (span.end <= start) continue;
      if (span.start >= end) break;
      this.addSpan(Math.max(span.start, start) + base, Math.min(span.end, end) + base);
    }
    this.text += from.text.slice(start, end);
  }

  private addSpan(start: number, end: number): void {
    const last = this.spans[this.spans.length - 1];
    if (last && last.end === start) this.spans[this.spans.length - 1] = { start: last.start, end };
    else this.spans.push({ start, end });
  }
}

// Split lines of a SourceText's text and original, made on first use: `locate` runs once per
// located YAML node, so splitting on every call made large files quadratic.
const LINES = new WeakMap<SourceText, { readonly text: readonly string[]; readonly original: readonly string[] }>();

function linesOf(source: SourceText): { readonly text: readonly string[]; readonly original: readonly string[] } {
  let lines = LINES.get(source);
  if (!lines) {
    const text = splitLines(source.text);
    lines = { text, original: source.original === source.text ? text : splitLines(source.original) };
    LINES.set(source, lines);
  }
  return lines;
}

/**
 * Maps a 1-based (line, col) in `source.text` back to the original file. The column is exact
 * when the original line reads the same up to it, or reads the same from it to the end of the
 * line; otherwise it points where the two first differ (usually the `{{ … }}` action or
 * `$alias` that produced the text).
 */
export function locate(source: SourceText, line: number, col: number): SourceLocation {
  const originLine = source.origins[line - 1] ?? source.origins[source.origins.length - 1] ?? 1;
  const lines = linesOf(source);
  const current = lines.text[line - 1] ?? '';
  const original = lines.original[originLine - 1] ?? '';
  if (current === original) return { file: source.file, line: originLine, col };
  const wanted = current.slice(0, col - 1);
  let same = 0;
  while (same < wanted.length && same < original.length && wanted[same] === original[same]) same++;
  if (same === wanted.length) return { file: source.file, line: originLine, col };
  const rest = current.slice(col - 1);
  const restStart = original.length - rest.length;
  if (rest !== '' && restStart >= same && original.endsWith(rest)) return { file: source.file, line: originLine, col: restStart + 1 };
  return { file: source.file, line: originLine, col: same + 1 };
}
