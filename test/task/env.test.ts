import { describe, it, expect } from 'vitest';
import { mergeEnv } from '../../src/task/env.js';

describe('mergeEnv (task_test.go cases, acb-spec §1.6)', () => {
  it.each([
    { name: 'empty src leaves dest unchecked', dest: ['NOEQUALS'], src: [], env: ['NOEQUALS'], problems: [] },
    { name: 'dest wins per key', dest: ['a=1', 'b=2'], src: ['b=3', 'c=4'], env: ['a=1', 'b=2', 'c=4'], problems: [] },
    { name: 'src split on commas', dest: [], src: ['a=1,b=2', 'c=3'], env: ['a=1', 'b=2', 'c=3'], problems: [] },
    { name: 'keys are case-sensitive', dest: ['A=1'], src: ['a=2'], env: ['A=1', 'a=2'], problems: [] },
    { name: 'dest duplicates are kept', dest: ['a=1', 'a=2'], src: ['a=3'], env: ['a=1', 'a=2'], problems: [] },
    {
      name: 'items without =',
      dest: ['x'],
      src: ['a=1,b'],
      env: ['x', 'a=1'],
      problems: [
        { side: 'step', index: 0, item: 'x' },
        { side: 'task', index: 0, item: 'b' },
      ],
    },
  ])('$name', ({ dest, src, env, problems }) => {
    expect(mergeEnv({ dest, src })).toEqual({ env, problems });
  });
});
