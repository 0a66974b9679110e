// Template stage: Sprig v2.22's encodings and checksums (acb's own `b64enc`), on Go bytes.

import { fromGoBytes, toGoBytes } from '../go-strings.js';
import { encodeGoJson, typeNameOf } from '../go-values.js';
import { quoteGo } from '../printf.js';
import { asString, fn, stringUnary, unary, withStringParams } from './support.js';
import { nodeCrypto } from './node-crypto.js';
import type { CallContext, FunctionFamily } from './types.js';

// Go's base64.StdEncoding.DecodeString, whose error Sprig's b64dec returns as its output: the
// offset of the first bad byte (`\r` and `\n` are skipped), or the decoded bytes.
function decodeGoBase64(text: string): { readonly bytes: Buffer } | { readonly badByte: number } {
  const src = toGoBytes(text);
  const decoded = () => ({ bytes: Buffer.from(src.toString('latin1').replace(/[\r\n]/g, ''), 'base64') });
  const isNewline = (byte: number | undefined) => byte === 0x0a || byte === 0x0d;
  const isAlphabet = (byte: number) => /[A-Za-z0-9+/]/.test(String.fromCharCode(byte));
  const EQUALS = 0x3d;
  let si = 0;
  while (si < src.length) {
    // One quantum: up to four alphabet bytes, or fewer ended by `=` padding.
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return decoded();
        return { badByte: si - j };
      }
      const byte = src[si++] ?? 0;
      if (isAlphabet(byte)) continue;
      if (isNewline(byte)) {
        j--;
        continue;
      }
      if (byte !== EQUALS || j < 2) return { badByte: si - 1 };
      if (j === 2) {
        while (isNewline(src[si])) si++;
        if (si === src.length) return { badByte: src.length };
        if (src[si] !== EQUALS) return { badByte: si - 1 };
        si++;
      }
      while (isNewline(src[si])) si++;
      if (si < src.length) return { badByte: si };
      return decoded();
    }
  }
  return decoded();
}

function b64dec(text: string, context: CallContext): string {
  const decoded = decodeGoBase64(text);
  if ('bytes' in decoded) return fromGoBytes(decoded.bytes);
  const output = `illegal base64 data at input byte ${decoded.badByte}`;
  context.warn(
    'template-b64dec-invalid',
    `\`b64dec\` cannot decode ${quoteGo(text)}, so it outputs the error text \`${output}\`, as on ACR`,
    'pass standard base64 (A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4 characters)',
  );
  return output;
}

function b64enc(value: unknown, context: CallContext): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return toGoBytes(value).toString('base64');
  // acb's override encodes reflect.Value.String(), which for non-strings is a placeholder such as `<int Value>`.
  const placeholder = `<${typeNameOf(value)} Value>`;
  context.warn(
    'template-b64enc-non-string',
    `\`b64enc\` of a ${typeNameOf(value)} value encodes the text \`${placeholder}\`, as on ACR`,
    'convert the value first: `{{ .Values.x | toString | b64enc }}`',
  );
  return Buffer.from(placeholder, 'utf8').toString('base64');
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function b32enc(text: string): string {
  const bytes = toGoBytes(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? BASE32_ALPHABET[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : '=';
  }
  return out;
}

// Go's base32.StdEncoding.DecodeString, step for step (newlines are dropped first): 8-character
// quanta, `=` padding only at the end; on an error, Go's offset of the bad byte.
function b32dec(text: string): string {
  const src = Buffer.from(toGoBytes(text).filter((byte) => byte !== 0x0a && byte !== 0x0d));
  const error = (at: number) => `illegal base32 data at input byte ${at}`;
  const PAD = 0x3d;
  const out: number[] = [];
  let si = 0;
  let isEnd = false;
  while (si < src.length && !isEnd) {
    const quantum: number[] = [];
    let dataLength = 8;
    for (let j = 0; j < 8; ) {
      if (si === src.length) return error(si - j);
      const byte = src[si++] ?? 0;
      const left = src.length - si;
      if (byte === PAD && j >= 2 && left < 8) {
        if (left + j < 7) return error(src.length);
        for (let k = 0; k < 7 - j; k++) if (left > k && src[si + k] !== PAD) return error(si + k - 1);
        dataLength = j;
        isEnd = true;
        if (j === 1 || j === 3 || j === 6) return error(si - 1);
        break;
      }
      const value = BASE32_ALPHABET.indexOf(String.fromCharCode(byte));
      if (value < 0) return error(si - 1);
      quantum.push(value);
      j++;
    }
    let bits = 0n;
    for (let k = 0; k < 8; k++) bits = (bits << 5n) | BigInt(quantum[k] ?? 0);
    const byteCount = { 2: 1, 4: 2, 5: 3, 7: 4, 8: 5 }[dataLength] ?? 0;
    for (let k = 0; k < byteCount; k++) out.push(Number((bits >> BigInt(32 - 8 * k)) & 0xffn));
  }
  return fromGoBytes(Buffer.from(out));
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const digest = (algorithm: string) => (text: string) => nodeCrypto().createHash(algorithm).update(toGoBytes(text)).digest('hex');

export const ENCODING_FUNCTIONS: FunctionFamily = {
  b64enc: unary(b64enc),
  b64dec: withStringParams([0], fn(1, 1, (args, context) => b64dec(asString(args[0]), context))),
  b32enc: stringUnary(b32enc),
  b32dec: stringUnary(b32dec),
  sha256sum: stringUnary(digest('sha256')),
  sha1sum: stringUnary(digest('sha1')),
  adler32sum: stringUnary((text) => String(adler32(toGoBytes(text)))),
  // Sprig ignores json.Marshal's error (NaN, ±Inf) and returns an empty string.
  toJson: unary((value) => encodeGoJson(value) ?? ''),
  toPrettyJson: unary((value) => encodeGoJson(value, '  ') ?? ''),
};
