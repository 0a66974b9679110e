import { describe, expect, it } from 'vitest';
import { decodeGoBytes, encodeGoBytes, hasEscapedBytes } from '../../src/load/go-bytes.js';

describe('decodeGoBytes / encodeGoBytes', () => {
  it('decodes valid UTF-8 as usual, and writes it back unchanged', () => {
    const bytes = Buffer.from('Grüße 🐳 日本語\r\n', 'utf8');
    const text = decodeGoBytes(bytes);
    expect(text).toBe('Grüße 🐳 日本語\r\n');
    expect(hasEscapedBytes(text)).toBe(false);
    expect(encodeGoBytes(text)).toEqual(bytes);
  });

  it('keeps every byte of invalid sequences and writes them back exactly', () => {
    const samples = [
      [0xff],
      [0x61, 0xc3],
      [0xe6, 0x97, 0x61],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x9f, 0x90],
      [0xc0, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80, 0xe2, 0x82, 0xac, 0xbf],
    ];
    for (const sample of samples) {
      const bytes = Buffer.from(sample);
      const text = decodeGoBytes(bytes);
      expect(hasEscapedBytes(text)).toBe(true);
      expect(encodeGoBytes(text)).toEqual(bytes);
    }
    expect(decodeGoBytes(Buffer.from([0x80, 0xe2, 0x82, 0xac, 0xbf]))).toBe('\uDC80€\uDCBF');
  });

  it('tells an escaped byte from the low half of a real surrogate pair', () => {
    expect(hasEscapedBytes('🐳')).toBe(false);
    expect(hasEscapedBytes('\uD83D\uDC80')).toBe(false);
    expect(hasEscapedBytes('\uDC80')).toBe(true);
  });
});
