// Template stage: Go strings are byte strings, JS strings are UTF-16. Functions that count or cut
// bytes (`trunc`, `substr`, `len`, `index`, `% x`) work on a string's Go bytes and turn the result
// back into a JS string. A byte that is not part of valid UTF-8 (the tail of a cut `日`) is held as
// the lone surrogate U+DC80–U+DCFF (0x80–0xFF; Python's "surrogateescape"), so it survives the
// round trip: toGoBytes(fromGoBytes(bytes)) gives the same bytes. Anything that writes rendered
// text out as bytes must map those code points back (see toGoBytes).

import { isNewerThanGo } from './unicode-version.js';

const ESCAPE_BASE = 0xdc00;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether the code unit is an escaped raw byte (U+DC80–U+DCFF) rather than text. */
export function isEscapedByte(code: number): boolean {
  return code >= 0xdc80 && code <= 0xdcff;
}

/** A string's Go bytes: UTF-8, escaped raw bytes as themselves, any other lone surrogate as U+FFFD. */
export function toGoBytes(text: string): Buffer {
  if (!/[\ud800-\udfff]/.test(text)) return Buffer.from(text, 'utf8');
  const parts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      parts.push(code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        for (const byte of Buffer.from(text.slice(i, i + 2), 'utf8')) parts.push(byte);
        i++;
        continue;
      }
    }
    if (isEscapedByte(code)) parts.push(code - ESCAPE_BASE);
    else for (const byte of Buffer.from(String.fromCharCode(code), 'utf8')) parts.push(byte);
  }
  return Buffer.from(parts);
}

/** The length of a string in Go bytes (`len`). */
export function goByteLength(text: string): number {
  return /[\ud800-\udfff]/.test(text) ? toGoBytes(text).length : Buffer.byteLength(text, 'utf8');
}

/** Go bytes as a JS string: valid UTF-8 decoded, every other byte escaped (U+DC80–U+DCFF). */
export function fromGoBytes(bytes: Uint8Array): string {
  // Valid UTF-8 (the common case) decodes in one go; the BOM is text, not a marker, in Go.
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // Not valid UTF-8: decode sequence by sequence below.
  }
  // Runs of valid sequences decode in one go; each invalid byte becomes its escape code point.
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const size = validSequenceLength(bytes, i);
    if (size > 0) {
      i += size;
      continue;
    }
    if (runStart < i) parts.push(Buffer.from(bytes.buffer, bytes.byteOffset + runStart, i - runStart).toString('utf8'));
    parts.push(String.fromCharCode(ESCAPE_BASE + (bytes[i] ?? 0)));
    i++;
    runStart = i;
  }
  if (runStart < bytes.length) parts.push(Buffer.from(bytes.buffer, bytes.byteOffset + runStart, bytes.length - runStart).toString('utf8'));
  return parts.join('');
}

/** The length of the valid UTF-8 sequence at `i` (Go's utf8.DecodeRune rules), or 0 if there is none. */
export function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Go's `s[start:end]` on a string's bytes; the caller has checked the bounds. */
export function sliceGoBytes(text: string, start: number, end?: number): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text.slice(start, end);
  return fromGoBytes(toGoBytes(text).subarray(start, end));
}

/** The runes of a Go string: code points, with each escaped byte one rune (utf8.RuneError in Go). */
export function goRunes(text: string): string[] {
  return Array.from(text);
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space, in Go 1.19's Unicode. */
export function isGoPrintable(code: number): boolean {
  if (code >= 0x20 && code < 0x7f) return true;
  if (code < 0xa0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return false;
  // 1 printable, 2 not; long texts ask about the same few code points over and over.
  printableCache ??= new Uint8Array(0x110000);
  const known = printableCache[code];
  if (known) return known === 1;
  const isPrintable = !isNewerThanGo(code) && /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(code));
  printableCache[code] = isPrintable ? 1 : 2;
  return isPrintable;
}

let printableCache: Uint8Array | undefined;
