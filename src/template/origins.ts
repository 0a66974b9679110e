// Template stage: tracks which template line produced each rendered line. Literal template
// text carries invisible markers `\0<line>\1`: one where the text starts and one after each
// of its newlines, naming the template line that follows. After rendering, a line's origin
// is its first marker; a line without one (it came from inside a multi-line value) continues
// the line before it. Inserted values cannot forge a marker: their `\0` is escaped as `\0\2`.

const ESCAPED_NUL = '\u0000\u0002';
const MARKER = /\u0000(\d+)\u0001/g;

function markerFor(line: number): string {
  return `\u0000${line}\u0001`;
}

/** Makes text safe to place between markers (template text and values alike). */
export function escapeMarkers(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, ESCAPED_NUL) : text;
}

/** Literal template text with its markers; `firstLine` is the template line `text` starts on. */
export function markText(text: string, firstLine: number): string {
  let line = firstLine;
  return markerFor(line) + escapeMarkers(text).replace(/\n/g, () => `\n${markerFor(++line)}`);
}

/** Removes the markers and says, for each rendered line, which template line produced it. */
export function readOrigins(marked: string): { text: string; fromLines: number[] } {
  const lines = marked.split('\n');
  const firstMarkers = lines.map((line) => {
    MARKER.lastIndex = 0;
    const match = MARKER.exec(line);
    return match ? Number(match[1]) : undefined;
  });
  const firstKnown = firstMarkers.find((line) => line !== undefined) ?? 1;
  const fromLines: number[] = [];
  let previous = firstKnown;
  for (const marker of firstMarkers) {
    previous = marker ?? previous;
    fromLines.push(previous);
  }
  const text = lines.map((line) => line.replace(MARKER, '').replace(/\u0000\u0002/g, '\u0000')).join('\n');
  return { text, fromLines };
}
