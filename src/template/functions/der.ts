// Template stage: the few ASN.1 DER pieces Sprig's certificate functions need (x509 and DSA keys).

export type Der = Buffer;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Der {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const sequence = (...items: Der[]): Der => tlv(0x30, Buffer.concat(items));
export const set = (...items: Der[]): Der => tlv(0x31, Buffer.concat(items));
export const explicit = (tag: number, item: Der): Der => tlv(0xa0 | tag, item);
export const octetString = (bytes: Uint8Array): Der => tlv(0x04, bytes);
export const bitString = (bytes: Uint8Array, unusedBits = 0): Der => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
export const boolean = (value: boolean): Der => tlv(0x01, Buffer.from([value ? 0xff : 0]));
export const nullValue = (): Der => Buffer.from([0x05, 0x00]);

export function integer(value: bigint): Der {
  let hex = (value < 0n ? -value : value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(text: string): Der {
  const [first = 0, second = 0, ...rest] = text.split('.').map(Number);
  const out = [first * 40 + second];
  for (const part of rest) {
    const chunk = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** Go's asn1 string choice for a Name: PrintableString when it can hold the text, else UTF8String. */
export function directoryString(text: string): Der {
  const isPrintable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(text);
  return tlv(isPrintable ? 0x13 : 0x0c, Buffer.from(text, 'utf8'));
}

/** UTCTime before 2050, GeneralizedTime after, as Go's x509 writes validity. */
export function time(date: Date): Der {
  const iso = date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

export interface DerNode {
  readonly tag: number;
  /** The whole element, header included. */
  readonly raw: Buffer;
  readonly content: Buffer;
}

/** The elements of a constructed value's content, in order. */
export function children(content: Buffer): DerNode[] {
  const out: DerNode[] = [];
  let i = 0;
  while (i < content.length) {
    const tag = content[i] ?? 0;
    let length = content[i + 1] ?? 0;
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let k = 0; k < count; k++) length = length * 256 + (content[i + 2 + k] ?? 0);
      header += count;
    }
    out.push({ tag, raw: content.subarray(i, i + header + length), content: content.subarray(i + header, i + header + length) });
    i += header + length;
  }
  return out;
}

export function unsigned(content: Buffer): bigint {
  return content.length === 0 ? 0n : BigInt(`0x${content.toString('hex')}`);
}
