import { describe, it, expect } from 'vitest';
import { splitAliasBlock } from '../../src/load/alias-block.js';
import { fromOriginal } from '../../src/source-text.js';

const split = (text: string) => splitAliasBlock(fromOriginal('acr-task.yaml', text));

describe('splitAliasBlock', () => {
  it('moves the top-level alias block out, drops comments and keeps origins', () => {
    const { aliasBlock, task } = split(
      [
        'version: v1.1.0',
        '# comment',
        'alias:',
        '  values:',
        '    foo: bar',
        '    # comment inside',
        '  directive: "&"',
        '',
        'steps:',
        '  - cmd: &foo',
      ].join('\n'),
    );
    expect(aliasBlock.text).toBe('alias:\n  values:\n    foo: bar\n  directive: "&"\n\n');
    expect(aliasBlock.origins).toEqual([3, 4, 5, 7, 8, 9]);
    expect(task.text).toBe('version: v1.1.0\nsteps:\n  - cmd: &foo\n');
    expect(task.origins).toEqual([1, 9, 10, 10]);
  });

  it('gives an empty alias block when there is none', () => {
    const { aliasBlock, task } = split('version: v1.1.0\nsteps:\n  - cmd: bash\n');
    expect(aliasBlock.text).toBe('');
    expect(aliasBlock.origins).toEqual([4]);
    expect(task.text).toBe('version: v1.1.0\nsteps:\n  - cmd: bash\n');
    expect(task.origins).toEqual([1, 2, 3, 4]);
  });

  it('accepts spaces before the colon and a value on the same line', () => {
    const { aliasBlock, task } = split('alias  : {values: {a: b}}\nsteps: []');
    expect(aliasBlock.text).toBe('alias  : {values: {a: b}}\n');
    expect(task.text).toBe('steps: []\n');
    expect(task.origins).toEqual([2, 2]);
  });

  it('does not recognise a quoted or indented alias key', () => {
    const quoted = split('"alias":\n  values: {}\nsteps: []');
    expect(quoted.aliasBlock.text).toBe('');
    expect(quoted.task.text).toBe('"alias":\n  values: {}\nsteps: []\n');
    const indented = split('task:\n  alias:\n    values: {}\n');
    expect(indented.aliasBlock.text).toBe('');
  });

  it('ends the block at the first column-0 line with a colon, not at one without', () => {
    const { aliasBlock, task } = split('alias:\n  values:\n    a: b\nstray\n- item: x\nsteps: []');
    expect(aliasBlock.text).toBe('alias:\n  values:\n    a: b\nstray\n');
    expect(aliasBlock.origins).toEqual([1, 2, 3, 4, 5]);
    expect(task.text).toBe('- item: x\nsteps: []\n');
    expect(task.origins).toEqual([5, 6, 6]);
  });

  it('collects a second alias block later in the file', () => {
    const { aliasBlock, task } = split('alias:\n  values: {a: b}\nsteps: []\nalias:\n  directive: "&"\n');
    expect(aliasBlock.text).toBe('alias:\n  values: {a: b}\nalias:\n  directive: "&"\n');
    expect(aliasBlock.origins).toEqual([1, 2, 4, 5, 6]);
    expect(task.text).toBe('steps: []\n');
    expect(task.origins).toEqual([3, 4]);
  });

  it('drops the CR of CRLF lines and ends every line with LF', () => {
    const { aliasBlock, task } = split('alias:\r\n  values: {a: b}\r\nsteps: []\r\n');
    expect(aliasBlock.text).toBe('alias:\n  values: {a: b}\n');
    expect(task.text).toBe('steps: []\n');
  });
});
