import { describe, it, expect } from 'vitest';
import { deriveText, fromOriginal, locate } from '../src/source-text.js';

describe('locate', () => {
  const original = fromOriginal('task.yaml', 'a: 1\nb: {{ .Run.ID }}-x\nc: 3');
  const rendered = deriveText(original, 'a: 1\nb: abc-x\nc: 3', [1, 2, 3]);

  it('maps positions of a derived text back to the original, call after call', () => {
    expect(locate(rendered, 3, 4)).toEqual({ file: 'task.yaml', line: 3, col: 4 });
    expect(locate(rendered, 2, 4)).toEqual({ file: 'task.yaml', line: 2, col: 4 });
    // Inside the action's output: the action.
    expect(locate(rendered, 2, 5)).toEqual({ file: 'task.yaml', line: 2, col: 4 });
    // After it, where the rest of the line is untouched: exact.
    expect(locate(rendered, 2, 7)).toEqual({ file: 'task.yaml', line: 2, col: 17 });
    expect(locate(rendered, 3, 1)).toEqual({ file: 'task.yaml', line: 3, col: 1 });
  });

  it('is exact after an alias that changed the line\'s length, and points at an alias in its output', () => {
    const written = fromOriginal('task.yaml', "  - cmd: $img sh -c 'echo hi");
    const substituted = deriveText(written, "  - cmd: mcr.microsoft.com/alpine sh -c 'echo hi", [1]);
    expect(locate(substituted, 1, 41)).toEqual({ file: 'task.yaml', line: 1, col: 21 });
    expect(locate(substituted, 1, 20)).toEqual({ file: 'task.yaml', line: 1, col: 10 });
  });

  it('points at the first alias for text between two of them, the same on neither side', () => {
    const written = fromOriginal('task.yaml', "  - cmd: $img sh -c 'echo $ID'");
    const substituted = deriveText(written, "  - cmd: mcr.microsoft.com/alpine sh -c 'echo run-id'", [1]);
    expect(locate(substituted, 1, 41)).toEqual({ file: 'task.yaml', line: 1, col: 10 });
  });

  it('keeps each text\'s own lines apart', () => {
    const other = deriveText(original, 'z: 9', [3]);
    expect(locate(other, 1, 4)).toEqual({ file: 'task.yaml', line: 3, col: 1 });
    expect(locate(rendered, 1, 4)).toEqual({ file: 'task.yaml', line: 1, col: 4 });
  });
});
