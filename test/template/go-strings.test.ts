import { describe, expect, it } from 'vitest';
import { fromGoBytes, goByteLength, isGoPrintable, sliceGoBytes, toGoBytes } from '../../src/template/go-strings.js';

describe('Go byte strings', () => {
  it('round-trips bytes that are not valid UTF-8 through escaped code points', () => {
    const bytes = Buffer.from([0x61, 0xe6, 0x97, 0xff, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x90, 0xb3]);
    const text = fromGoBytes(bytes);
    expect(text).toBe('a\udce6\udc97\udcffé\udced\udca0\udc80🐳');
    expect(toGoBytes(text)).toEqual(bytes);
    expect(goByteLength(text)).toBe(bytes.length);
  });

  it('cuts at byte offsets', () => {
    expect(sliceGoBytes('日本', 0, 2)).toBe('\udce6\udc97');
    expect(sliceGoBytes('日本', 0, 2) + sliceGoBytes('日本', 2)).toBe('日本'.replace('日', '\udce6\udc97\udca5'));
    expect(toGoBytes(sliceGoBytes('日本', 0, 2) + sliceGoBytes('日本', 2, 3))).toEqual(Buffer.from('日'));
  });

  it('writes a lone surrogate from elsewhere as U+FFFD, as Go would hold it', () => {
    expect(toGoBytes('\ud800')).toEqual(Buffer.from('\ufffd'));
  });

  it('knows unicode.IsPrint', () => {
    expect(['a', ' ', 'é', '😀', '€'].map((c) => isGoPrintable(c.codePointAt(0) ?? 0))).toEqual([true, true, true, true, true]);
    expect(['\u200b', '\u00a0', '\u00ad', '\u2028', '\n', '\ue000'].map((c) => isGoPrintable(c.codePointAt(0) ?? 0))).toEqual([false, false, false, false, false, false]);
  });
});
