import { describe, expect, it } from 'vitest';
import { toGoLower, toGoTitle, toGoUpper } from '../../src/template/unicode-case.js';

// Expected values are Go 1.19's strings.ToUpper / ToLower / Title output.
describe('Go case mapping', () => {
  it('keeps a code point whose only upper case is several code points', () => {
    expect(toGoUpper('ßŉǰΐﬀﬓև')).toBe('ßŉǰΐﬀﬓև');
  });

  it('uses the simple mapping where JS would use the full one', () => {
    expect(toGoUpper('ᾀᾗᾧᾳῃῳ')).toBe('ᾈᾟᾯᾼῌῼ');
    expect(toGoUpper('ᾈᾼ')).toBe('ᾈᾼ');
    expect(toGoLower('İ')).toBe('i');
  });

  it('maps each code point on its own: no final sigma', () => {
    expect(toGoLower('ΣΑΣ ΣΑΣ.')).toBe('σασ σασ.');
  });

  it('keeps JS results that are one code point, including astral ones', () => {
    expect(toGoUpper('abc déjà 𐐨')).toBe('ABC DÉJÀ 𐐀');
    expect(toGoLower('ABC DÉJÀ 𐐀')).toBe('abc déjà 𐐨');
  });

  it('title-cases with unicode.ToTitle after Go word separators', () => {
    expect(toGoTitle('ǆ ǉ ǌ ǳ Ǆ')).toBe('ǅ ǈ ǋ ǲ ǅ');
    expect(toGoTitle('ა ბ')).toBe('ა ბ');
    expect(toGoTitle('ᾳ ß x_y x1y a.b a\u0001b')).toBe('ᾼ ß X_y X1y A.B A\u0001B');
    expect(toGoTitle('a·b a—b a\u3000b')).toBe('A·b A—b A\u3000B');
  });
});
