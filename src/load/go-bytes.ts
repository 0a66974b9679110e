// Load stage: text that keeps every byte of the file, as Go's strings do. Valid UTF-8 decodes
// as usual; each byte of an invalid sequence becomes the lone surrogate U+DC80 + (byte − 0x80)
// (Python's "surrogateescape"), which no valid file can contain, and turns back into that byte
// on output. Valid files, almost all of them, take the fast path and never see this.

import { isUtf8 } from 'node:buffer';
import { error, type Diagnostic } from '../diagnostics.js';
import { locate, type SourceText } from '../source-text.js';

const ESCAPE_BASE = 0xdc00;

/** The file's bytes as text; invalid UTF-8 bytes are kept as escapes (see above). */
export function decodeGoBytes(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    if (start < i) out += decoder.decode(bytes.subarray(start, i));
    out += String.fromCharCode(ESCAPE_BASE + bytes[i]!);
    i++;
    start = i;
  }
  if (start < bytes.length) out += decoder.decode(bytes.subarray(start));
  return out;
}

// Without the `u` flag a regex sees UTF-16 code units, so a low surrogate not preceded by a
// high one is a lone surrogate: one escaped byte (a valid pair is a real character).
const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;
const ESCAPED_BYTES = new RegExp(ESCAPED_BYTE.source, 'g');

/** Whether the text holds escaped bytes (and so needs encodeGoBytes to be written exactly). */
export function hasEscapedBytes(text: string): boolean {
  return ESCAPED_BYTE.test(text);
}

/**
 * An error at the first invalid UTF-8 byte of `source.text`, where ACR hands the text to its YAML
 * parser (yaml.v2 refuses it: `yaml: invalid leading UTF-8 octet`); undefined for valid text.
 */
export function describeInvalidUtf8(source: SourceText, input: { code: string; what: string }): Diagnostic | undefined {
  const at = source.text.search(ESCAPED_BYTE);
  if (at < 0) return undefined;
  const before = source.text.slice(0, at);
  const line = before.split('\n').length;
  const col = at - before.lastIndexOf('\n');
  const byte = source.text.charCodeAt(at) - ESCAPE_BASE;
  return error(
    input.code,
    `${input.what} is not valid UTF-8 (byte 0x${byte.toString(16).toUpperCase()}): ACR's YAML parser refuses it (yaml: invalid leading UTF-8 octet)`,
    locate(source, line, col),
    'save the file as UTF-8',
  );
}

/** Each escaped byte of the text replaced by `replacement`. */
export function replaceEscapedBytes(text: string, replacement: string): string {
  return text.replace(ESCAPED_BYTES, replacement);
}

/** The text's bytes: UTF-8, with escaped bytes written back as themselves. */
export function encodeGoBytes(text: string): Buffer {
  if (!hasEscapedBytes(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (const match of text.matchAll(ESCAPED_BYTES)) {
    parts.push(Buffer.from(text.slice(start, match.index), 'utf8'), Buffer.of(text.charCodeAt(match.index) - ESCAPE_BASE));
    start = match.index + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Length of the valid UTF-8 sequence starting at `i` (as Go's utf8.DecodeRune accepts it), or 0. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i]!;
  if (first < 0x80) return 1;
  const continuation = (at: number, low = 0x80, high = 0xbf) => at < bytes.length && bytes[at]! >= low && bytes[at]! <= high;
  if (first >= 0xc2 && first <= 0xdf) return continuation(i + 1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf;
    return continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}
