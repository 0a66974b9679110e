// Template stage: tracks which template line produced each rendered line, and which rendered
// characters are values. Literal template text carries invisible markers `\0<line>,<offset>\1`:
// one where the text starts and one after each of its newlines, naming the template line and
// the offset in the template of the character that follows. After rendering, a line's origin
// is its first marker; a line without one (it came from inside a multi-line value) continues
// the line before it. Each printed value is wrapped in `\0\3` … `\0\4`. Inserted values cannot
// forge a marker or end their wrapping early: their `\0` is escaped as `\0\2`.

import { isWrittenRange, type SourceText, type TextSpan } from '../source-text.js';

const ESCAPED_NUL = '\u0000\u0002';
const VALUE_START = '\u0000\u0003';
const VALUE_END = '\u0000\u0004';
const MARKER = /^\u0000(\d+),(\d+)\u0001/;

function markerFor(line: number, offset: number): string {
  return `\u0000${line},${offset}\u0001`;
}

/** Makes text safe to place between markers (template text and values alike). */
export function escapeMarkers(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, ESCAPED_NUL) : text;
}

/** A printed value: escaped, and marked as not written in the file. */
export function markValue(text: string): string {
  return text === '' ? '' : `${VALUE_START}${escapeMarkers(text)}${VALUE_END}`;
}

/**
 * Literal template text with its markers; `firstLine` is the template line `text` starts on,
 * `offset` the offset in the template of its first character.
 */
export function markText(text: string, firstLine: number, offset: number): string {
  let line = firstLine;
  let out = markerFor(line, offset);
  let from = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    out += `${escapeMarkers(text.slice(from, at))}\n${markerFor(++line, offset + at + 1)}`;
    from = at + 1;
  }
  return out + escapeMarkers(text.slice(from));
}

export interface ReadOrigins {
  readonly text: string;
  /** For each rendered line, the template line that produced it. */
  readonly fromLines: number[];
  /** Rendered characters that are values: printed by an action, or literal text that was a value in the template. */
  readonly valueSpans: TextSpan[];
}

/**
 * Removes the markers and says, for each rendered line, which template line produced it, and
 * which characters are values: printed ones, and literal ones that are values in `template`
 * (an alias value).
 */
export function readOrigins(marked: string, template: Pick<SourceText, 'valueSpans'> = {}): ReadOrigins {
  const pieces: string[] = [];
  const valueSpans: TextSpan[] = [];
  const firstMarkers: (number | undefined)[] = [undefined];
  let length = 0;
  let isInValue = false;
  /** The template offset of the next literal character; undefined when unknown (then it counts as a value). */
  let literalAt: number | undefined;
  const addValueSpan = (start: number, end: number) => {
    const last = valueSpans[valueSpans.length - 1];
    if (last && last.end === start) valueSpans[valueSpans.length - 1] = { start: last.start, end };
    else valueSpans.push({ start, end });
  };
  const emit = (chunk: string) => {
    if (chunk === '') return;
    for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', at + 1)) firstMarkers.push(undefined);
    if (isInValue || literalAt === undefined) addValueSpan(length, length + chunk.length);
    else {
      if (!isWrittenRange(template, literalAt, literalAt + chunk.length)) {
        for (let i = 0; i < chunk.length; i++) if (!isWrittenRange(template, literalAt + i, literalAt + i + 1)) addValueSpan(length + i, length + i + 1);
      }
      literalAt += chunk.length;
    }
    pieces.push(chunk);
    length += chunk.length;
  };
  let pos = 0;
  while (pos < marked.length) {
    const nul = marked.indexOf('\u0000', pos);
    if (nul < 0) {
      emit(marked.slice(pos));
      break;
    }
    emit(marked.slice(pos, nul));
    const kind = marked[nul + 1];
    if (kind === '\u0002') {
      emit('\u0000');
      pos = nul + 2;
    } else if (kind === '\u0003') {
      isInValue = true;
      pos = nul + 2;
    } else if (kind === '\u0004') {
      isInValue = false;
      literalAt = undefined;
      pos = nul + 2;
    } else {
      const match = MARKER.exec(marked.slice(nul, nul + 40));
      if (!match) {
        // Not produced by markText: keep the character, as a value.
        const saved: boolean = isInValue;
        isInValue = true;
        emit('\u0000');
        isInValue = saved;
        pos = nul + 1;
        continue;
      }
      const lineIndex = firstMarkers.length - 1;
      firstMarkers[lineIndex] ??= Number(match[1]);
      literalAt = Number(match[2]);
      pos = nul + match[0].length;
    }
  }
  const firstKnown = firstMarkers.find((line) => line !== undefined) ?? 1;
  const fromLines: number[] = [];
  let previous = firstKnown;
  for (const marker of firstMarkers) {
    previous = marker ?? previous;
    fromLines.push(previous);
  }
  return { text: pieces.join(''), fromLines, valueSpans };
}
