import { describe, it, expect } from 'vitest';
import { stripCommentLines } from '../../src/load/comment-lines.js';
import { fromOriginal } from '../../src/source-text.js';

const strip = (text: string) => stripCommentLines(fromOriginal('acr-task.yaml', text));

describe('stripCommentLines', () => {
  it('keeps an empty file empty', () => {
    expect(strip('')).toMatchObject({ text: '', origins: [1] });
  });

  it('removes a file that is one comment', () => {
    expect(strip('# Something with a comment')).toMatchObject({ text: '', origins: [1] });
  });

  it('removes indented comment lines and keeps trailing comments (acb template_test)', () => {
    const input = [
      '# comments',
      'steps:',
      ' # should be skipped',
      '  - build: -f Dockerfile -t . # this should be preserved',
      '           #everywhere',
      '  #even at the end of the file',
    ].join('\n');
    const result = strip(input);
    expect(result.text).toBe('steps:\n  - build: -f Dockerfile -t . # this should be preserved');
    expect(result.origins).toEqual([2, 4]);
    expect(result.original).toBe(input);
    expect(result.file).toBe('acr-task.yaml');
  });

  it('removes comment lines inside block scalars too', () => {
    const result = strip('steps:\n  - cmd: |\n      echo a\n      # not a comment to bash\n      echo b\n');
    expect(result.text).toBe('steps:\n  - cmd: |\n      echo a\n      echo b\n');
    expect(result.origins).toEqual([1, 2, 3, 5, 6]);
  });

  it('treats tabs, CR and Unicode spaces before # as blank, like Go TrimSpace', () => {
    const result = strip('a: 1\r\n\t# tab\r\n\u00a0# nbsp\n\u0085# nel\nb: 2');
    expect(result.text).toBe('a: 1\r\nb: 2');
    expect(result.origins).toEqual([1, 5]);
  });

  it('composes origins with an earlier stage', () => {
    const first = strip('# a\nx: 1\n# b\ny: 2\n#c\nz: 3');
    const second = stripCommentLines({ ...first, text: 'x: 1\n  # gone\nz: 3', origins: [2, 4, 6] });
    expect(second.origins).toEqual([2, 6]);
  });
});
