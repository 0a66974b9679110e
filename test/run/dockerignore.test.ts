import { describe, it, expect } from 'vitest';
import { isIgnored, mayReincludeWithin, parseDockerignore } from '../../src/run/dockerignore.js';

const ignored = (text: string, file: string) => isIgnored(parseDockerignore(text), file);

describe('.dockerignore with Docker\'s rules', () => {
  it('reads patterns: comments, blank lines, `!`, leading `/`, cleaning', () => {
    expect(parseDockerignore('# note\n\n  /a/./b/  \n!c\n!\n').map((p) => [p.text, p.exclusion])).toEqual([
      ['a/b', false],
      ['c', true],
    ]);
  });

  it('matches a plain name at the top only, and everything under a matched folder', () => {
    expect(ignored('node_modules', 'node_modules')).toBe(true);
    expect(ignored('node_modules', 'node_modules/a/b.js')).toBe(true);
    expect(ignored('node_modules', 'sub/node_modules')).toBe(false);
  });

  it('keeps `*` and `?` within a segment, lets `**` cross segments', () => {
    expect(ignored('*.log', 'a.log')).toBe(true);
    expect(ignored('*.log', 'sub/a.log')).toBe(false);
    expect(ignored('*/*.log', 'sub/a.log')).toBe(true);
    expect(ignored('**/*.log', 'a/b/c.log')).toBe(true);
    expect(ignored('**/*.log', 'c.log')).toBe(true);
    expect(ignored('a?c', 'abc')).toBe(true);
    expect(ignored('a?c', 'a/c')).toBe(false);
    expect(ignored('docs/**', 'docs/x/y')).toBe(true);
    expect(ignored('[ab].txt', 'b.txt')).toBe(true);
    expect(ignored('file.txt', 'fileXtxt')).toBe(false);
  });

  it('lets the last matching line win, `!` re-including', () => {
    expect(ignored('*.md\n!README.md', 'README.md')).toBe(false);
    expect(ignored('*.md\n!README.md', 'CHANGES.md')).toBe(true);
    expect(ignored('*.md\n!README.md\nREADME*', 'README.md')).toBe(true);
    expect(ignored('kept\n!kept/again.txt', 'kept/again.txt')).toBe(false);
    expect(ignored('kept\n!kept/again.txt', 'kept/other.txt')).toBe(true);
  });

  it('walks a left-out folder only when a `!` pattern starts inside it', () => {
    const patterns = parseDockerignore('kept\n!kept/again.txt\nother');
    expect(mayReincludeWithin(patterns, 'kept')).toBe(true);
    expect(mayReincludeWithin(patterns, 'other')).toBe(false);
  });

  it('escapes with a backslash', () => {
    expect(ignored('\\*.txt', '*.txt')).toBe(true);
    expect(ignored('\\*.txt', 'a.txt')).toBe(false);
  });
});
