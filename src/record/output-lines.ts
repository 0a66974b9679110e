// Record stage: turns chunks of step output into masked lines. A secret split across two
// chunks is caught by a stream masker per step and stream before the text is cut into lines.

import type { Masker, StreamMasker } from './masker.js';

/** A line longer than this is passed on in pieces rather than held back. */
export const MAX_LINE_LENGTH = 16 * 1024;

export type OutputStream = 'stdout' | 'stderr';

export interface OutputLine {
  readonly stepId: string;
  readonly stream: OutputStream;
  /** Without its line end. */
  readonly text: string;
}

export interface OutputLineSplitter {
  /** The complete lines this chunk finishes, masked. */
  readonly push: (chunk: { readonly stepId: string; readonly stream: OutputStream; readonly text: string }) => OutputLine[];
  /** What is left of a step's unfinished lines (at its end), masked. */
  readonly flush: (stepId: string) => OutputLine[];
  /** What is left of every step (at the end of the run). */
  readonly flushAll: () => OutputLine[];
}

interface Pending {
  readonly stepId: string;
  readonly stream: OutputStream;
  readonly masker: StreamMasker;
  partial: string;
}

export function createOutputLineSplitter(masker: Masker): OutputLineSplitter {
  const pending = new Map<string, Pending>();

  const finish = (entry: Pending): OutputLine[] => {
    pending.delete(keyOf(entry.stepId, entry.stream));
    const rest = entry.partial + entry.masker.end();
    const lines = splitLines(rest);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map((text) => ({ stepId: entry.stepId, stream: entry.stream, text }));
  };

  return {
    push({ stepId, stream, text }) {
      const key = keyOf(stepId, stream);
      let entry = pending.get(key);
      if (!entry) {
        entry = { stepId, stream, masker: masker.createStreamMasker(), partial: '' };
        pending.set(key, entry);
      }
      const lines = splitLines(entry.partial + entry.masker.write(text));
      entry.partial = lines.pop() ?? '';
      while (entry.partial.length > MAX_LINE_LENGTH) {
        lines.push(entry.partial.slice(0, MAX_LINE_LENGTH));
        entry.partial = entry.partial.slice(MAX_LINE_LENGTH);
      }
      return lines.map((line) => ({ stepId, stream, text: line }));
    },
    flush(stepId) {
      return [...pending.values()].filter((entry) => entry.stepId === stepId).flatMap(finish);
    },
    flushAll() {
      return [...pending.values()].flatMap(finish);
    },
  };
}

function keyOf(stepId: string, stream: OutputStream): string {
  return `${stream}\u0000${stepId}`;
}

// `a\nb\r\nc` → [a, b, c]; the last item is the unfinished line ('' after a line end).
function splitLines(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
