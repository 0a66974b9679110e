import { describe, it, expect } from 'vitest';
import { isGoSpace, scanGoLines, trimGoSpace } from '../../src/load/go-text.js';

describe('isGoSpace / trimGoSpace', () => {
  it('follows Go unicode.IsSpace, not JS \\s', () => {
    expect(['\t', '\n', '\v', '\f', '\r', ' ', '\u0085', '\u00a0', '\u2028', '\u3000'].every(isGoSpace)).toBe(true);
    expect(isGoSpace('\ufeff')).toBe(false);
    expect(isGoSpace('x')).toBe(false);
  });

  it('trims both ends only', () => {
    expect(trimGoSpace('\u0085 a b \r')).toBe('a b');
    expect(trimGoSpace('\ufeffa')).toBe('\ufeffa');
    expect(trimGoSpace('   ')).toBe('');
  });
});

describe('scanGoLines', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['a\n', ['a']],
    ['a\n\n', ['a', '']],
    ['a\r\nb\r', ['a', 'b']],
    ['a\r\r\nb', ['a\r', 'b']],
  ] as const)('%j → %j', (text, lines) => {
    expect(scanGoLines(text)).toEqual(lines);
  });
});
