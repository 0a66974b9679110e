import { describe, expect, it } from 'vitest';
import { echoText, readBuiltin, splitCommandList, type WrittenCheck } from '../../src/task/command-list.js';

const allWritten: WrittenCheck = () => 'written';

/** The commands' texts, each with the operator before it. */
function listOf(text: string, check: WrittenCheck = allWritten): string[] {
  const { segments } = splitCommandList(text, check);
  return segments.map((segment) => `${segment.operator ?? ''}[${text.slice(segment.start, segment.end).trim()}]`);
}

function problemsOf(text: string): string[] {
  return splitCommandList(text, allWritten).problems.map((problem) => `${problem.index}: ${problem.message}`);
}

describe('splitCommandList', () => {
  it('splits at &&, || and ; with or without blanks around them', () => {
    expect(listOf('img a && b || c ; d')).toEqual(['[img a]', '&&[b]', '||[c]', ';[d]']);
    expect(listOf('img a&&b||c;d')).toEqual(['[img a]', '&&[b]', '||[c]', ';[d]']);
    expect(listOf('docker pull x || true')).toEqual(['[docker pull x]', '||[true]']);
  });

  it('reads a line break as `;`, and blank lines and line breaks after && or || as nothing', () => {
    expect(listOf('img a\nimg b\n')).toEqual(['[img a]', ';[img b]']);
    expect(listOf('\n\nimg a\n\n\nimg b')).toEqual(['[img a]', ';[img b]']);
    expect(listOf('img a &&\n  img b ||\n\n  img c')).toEqual(['[img a]', '&&[img b]', '||[img c]']);
    expect(listOf('img a;\nimg b')).toEqual(['[img a]', ';[img b]']);
  });

  it('leaves operators that are quoted, escaped, in $(…), (…) or backticks, and single & and | alone', () => {
    expect(listOf(`img sh -c 'a && b; c' "x || y"`)).toEqual([`[img sh -c 'a && b; c' "x || y"]`]);
    expect(listOf('img a \\&\\& b \\; c')).toEqual(['[img a \\&\\& b \\; c]']);
    expect(listOf('img echo $(a; b && c) `d; e` (f || g)')).toEqual(['[img echo $(a; b && c) `d; e` (f || g)]']);
    expect(listOf('img a | b & c 2>&1')).toEqual(['[img a | b & c 2>&1]']);
    expect(listOf('img a \\\nb')).toEqual(['[img a \\\nb]']);
    expect(listOf('img "a\nb"')).toEqual(['[img "a\nb"]']);
  });

  it('reads &&& as && then &, and ||| as || then |', () => {
    expect(listOf('img a &&& b')).toEqual(['[img a]', '&&[& b]']);
    expect(listOf('img a ||| b')).toEqual(['[img a]', '||[| b]']);
  });

  it('counts only operators the check says are written, and says why the others are not', () => {
    const text = 'img a && b ; c || d\ne';
    const valueAt = text.indexOf('&&');
    const unsureAt = text.indexOf('||');
    const check: WrittenCheck = (start) => (start === valueAt ? 'value' : start === unsureAt ? 'unsure' : 'written');
    const split = splitCommandList(text, check);
    expect(listOf(text, check)).toEqual(['[img a && b]', ';[c || d]', ';[e]']);
    expect(split.uncounted).toEqual([
      { operator: '&&', index: valueAt, reason: 'value' },
      { operator: '||', index: unsureAt, reason: 'unsure' },
    ]);
    const newlines = splitCommandList('img a\nb', () => 'value');
    expect(newlines.segments).toHaveLength(1);
    expect(newlines.uncounted).toEqual([{ operator: 'a line break', index: 5, reason: 'value' }]);
  });

  it('reports empty commands: at the start, between two separators, after && or || at the end', () => {
    expect(problemsOf('&& img a')).toEqual(['0: `cmd` has `&&` with no command before it (at the start)']);
    expect(problemsOf('img a ;; b')).toEqual(['7: `cmd` has `;` with no command before it (after `;`)']);
    expect(problemsOf('img a || && b')).toEqual(['9: `cmd` has `&&` with no command before it (after `||`)']);
    expect(problemsOf('img a\n; b')).toEqual(['6: `cmd` has `;` with no command before it (after a line break)']);
    expect(problemsOf('img a &&')).toEqual(['6: `cmd` ends with `&&` and no command after it']);
    expect(problemsOf('img a ||\n\n')).toEqual(['6: `cmd` ends with `||` and no command after it']);
    expect(problemsOf('img a ;')).toEqual([]);
    expect(problemsOf('img a\n')).toEqual([]);
  });
});

describe('builtins', () => {
  it('reads true, false, :, echo and exit; anything else is no builtin', () => {
    expect(readBuiltin(['true', 'x'])).toEqual({ builtin: { name: 'true' } });
    expect(readBuiltin([':'])).toEqual({ builtin: { name: ':' } });
    expect(readBuiltin(['false'])).toEqual({ builtin: { name: 'false' } });
    expect(readBuiltin(['echo', 'a', 'b'])).toEqual({ builtin: { name: 'echo', args: ['a', 'b'] } });
    expect(readBuiltin(['exit'])).toEqual({ builtin: { name: 'exit' } });
    expect(readBuiltin(['exit', '3'])).toEqual({ builtin: { name: 'exit', status: 3 } });
    expect(readBuiltin(['exit', '257'])).toEqual({ builtin: { name: 'exit', status: 1 } });
    expect(readBuiltin(['busybox', 'true'])).toBeUndefined();
    expect(readBuiltin(['docker', 'push', 'x'])).toBeUndefined();
  });

  it('refuses an exit status that is not a number', () => {
    expect(readBuiltin(['exit', 'x'])).toEqual({ problem: '`exit x` is not an exit status', hint: 'write `exit` or `exit N` with a number N from 0 to 255' });
    expect(readBuiltin(['exit', '1', '2'])).toMatchObject({ problem: '`exit 1 2` is not an exit status' });
    expect(readBuiltin(['exit', '-1'])).toMatchObject({ problem: '`exit -1` is not an exit status' });
  });

  it('echoes words joined by blanks, with a newline unless -n comes first', () => {
    expect(echoText(['a', 'b c'])).toBe('a b c\n');
    expect(echoText([])).toBe('\n');
    expect(echoText(['-n', 'a'])).toBe('a');
  });
});
