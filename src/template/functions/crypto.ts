// Template stage: Sprig v2.22's random and cryptographic functions on node:crypto — random
// strings (goutils' character sets), UUIDs, Master Password (`derivePassword`), private keys,
// self-made X.509 certificates (as Go's x509.CreateCertificate lays them out) and AES-CBC.

import type { KeyObject } from 'node:crypto';
import { fromGoBytes, toGoBytes } from '../go-strings.js';
import { GoInt64, kindOf, markedGoType, typeNameOf, withGoType } from '../go-values.js';
import * as der from './der.js';
import { parseIp } from './ip.js';
import { asInt, asString, callError, checkLength, fail, fn, stringBinary, stringUnary, unary, withStringParams } from './support.js';
import { nodeCrypto } from './node-crypto.js';
import type { CallContext, FunctionFamily } from './types.js';

// --- random strings: goutils.CryptoRandom's accepted characters ---

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

// Uniform picks from crypto random bytes; bytes at or above the largest multiple of the
// alphabet's length are dropped so no character is more likely than another.
function randomString(context: CallContext, count: number, alphabet: string): string {
  if (count <= 0) return '';
  checkLength(context, count);
  const limit = 256 - (256 % alphabet.length);
  const parts: string[] = [];
  let length = 0;
  while (length < count) {
    for (const byte of nodeCrypto().randomBytes(Math.min(65536, (count - length) * 2))) {
      if (byte >= limit || length >= count) continue;
      parts.push(alphabet[byte % alphabet.length] ?? '');
      length++;
    }
  }
  return parts.join('');
}

const randomFunction = (alphabet: string) => unary((value, context) => randomString(context, asInt(value), alphabet));

// --- Master Password (derivePassword) ---

const SEED = 'com.lyndir.masterpassword';
const TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv',
    'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};
const CHARACTERS: Readonly<Record<string, string>> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const userBytes = toGoBytes(user);
  const siteBytes = toGoBytes(site);
  const salt = Buffer.concat([Buffer.from(SEED), uint32(userBytes.length), userBytes]);
  const key = nodeCrypto().scryptSync(toGoBytes(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const seed = nodeCrypto().createHmac('sha256', key).update(Buffer.concat([Buffer.from(SEED), uint32(siteBytes.length), siteBytes, uint32(counter)])).digest();
  const template = templates[(seed[0] ?? 0) % templates.length] ?? '';
  return Array.from(template, (element, i) => {
    const chars = CHARACTERS[element] ?? '';
    return chars[(seed[i + 1] ?? 0) % chars.length];
  }).join('');
}

// --- keys ---

function pem(type: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

// Sprig's DSAKeyFormat {Version, P, Q, G, Y, X}, from Node's PKCS#8 DSA key.
function dsaPrivateKey(): string {
  const { privateKey } = nodeCrypto().generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  const [info] = der.children(privateKey.export({ format: 'der', type: 'pkcs8' }));
  const [, algorithm, keyOctets] = der.children(info?.content ?? Buffer.alloc(0));
  const [, params] = der.children(algorithm?.content ?? Buffer.alloc(0));
  const [p = 0n, q = 0n, g = 0n] = der.children(params?.content ?? Buffer.alloc(0)).map((node) => der.unsigned(node.content));
  const [xNode] = der.children(keyOctets?.content ?? Buffer.alloc(0));
  const x = der.unsigned(xNode?.content ?? Buffer.alloc(0));
  const y = modPow(g, x, p);
  return pem('DSA PRIVATE KEY', der.sequence(...[0n, p, q, g, y, x].map(der.integer)));
}

function generatePrivateKey(type: string): string {
  switch (type) {
    case '':
    case 'rsa': {
      const { privateKey } = nodeCrypto().generateKeyPairSync('rsa', { modulusLength: 4096 });
      return privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    }
    case 'dsa':
      return dsaPrivateKey();
    case 'ecdsa': {
      const { privateKey } = nodeCrypto().generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    }
    default:
      return `Unknown type ${type}`;
  }
}

// --- certificates ---

interface Certificate {
  readonly Cert: string;
  readonly Key: string;
}

const certificate = (cert: string, key: string): Certificate => withGoType({ Cert: cert, Key: key }, 'sprig.certificate');

function pemBody(text: string, type: string): Buffer | undefined {
  const m = new RegExp(`-----BEGIN ${type}-----\\r?\\n([^-]*)-----END ${type}-----`).exec(text);
  return m ? Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64') : undefined;
}

function anyPemBody(text: string): Buffer | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([^-]*)-----END \1-----/.exec(text);
  return m ? Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64') : undefined;
}

function name(commonName: string): der.Der {
  if (commonName === '') return der.sequence();
  return der.sequence(der.set(der.sequence(der.oid('2.5.4.3'), der.directoryString(commonName))));
}

// Go's x509 KeyUsage bit string: bits reversed in each byte, trailing zero bits dropped.
function keyUsage(isCa: boolean): der.Der {
  const byte = isCa ? 0xa4 : 0xa0;
  return der.bitString(Buffer.from([byte]), isCa ? 2 : 5);
}

function listArgument(value: unknown, what: 'ip' | 'dns'): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || markedGoType(value)) fail(`wrong type for value; expected []interface {}; got ${typeNameOf(value)}`);
  return value.map((item) => {
    if (typeof item !== 'string') {
      fail(what === 'ip' ? `error parsing ip: ${String(item)} is not a string` : `error processing alternate dns name: ${String(item)} is not a string`);
    }
    if (what === 'ip' && parseIp(item) === undefined) fail(`error parsing ip: ${item}`);
    return item;
  });
}

interface Signer {
  readonly subject: der.Der;
  readonly key: KeyObject;
  readonly subjectKeyId?: Buffer;
}

function createCertificate(input: {
  commonName: string;
  ips: readonly string[];
  dnsNames: readonly string[];
  daysValid: number;
  isCa: boolean;
  signer?: Signer;
}): Certificate {
  const { privateKey, publicKey } = nodeCrypto().generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const [, spkiBits] = der.children(der.children(spki)[0]?.content ?? Buffer.alloc(0));
  const subjectKeyId = nodeCrypto().createHash('sha1').update((spkiBits?.content ?? Buffer.alloc(1)).subarray(1)).digest();
  const subject = name(input.commonName);
  const issuer = input.signer?.subject ?? subject;
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + input.daysValid * 24 * 3600 * 1000);
  const sha256WithRsa = der.sequence(der.oid('1.2.840.113549.1.1.11'), der.nullValue());
  const extension = (id: string, critical: boolean, value: der.Der) =>
    der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
  const extensions = [
    extension('2.5.29.15', true, keyUsage(input.isCa)),
    extension('2.5.29.37', false, der.sequence(der.oid('1.3.6.1.5.5.7.3.1'), der.oid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.19', true, input.isCa ? der.sequence(der.boolean(true)) : der.sequence()),
  ];
  if (input.isCa) extensions.push(extension('2.5.29.14', false, der.octetString(subjectKeyId)));
  if (input.signer?.subjectKeyId) extensions.push(extension('2.5.29.35', false, der.sequence(der.tlv(0x80, input.signer.subjectKeyId))));
  if (input.ips.length > 0 || input.dnsNames.length > 0) {
    const names = [...input.dnsNames.map((dns) => der.tlv(0x82, Buffer.from(dns, 'utf8'))), ...input.ips.map((ip) => der.tlv(0x87, parseIp(ip) ?? Buffer.alloc(0)))];
    extensions.push(extension('2.5.29.17', false, der.sequence(...names)));
  }
  const serial = BigInt(`0x${nodeCrypto().randomBytes(16).toString('hex')}`);
  const tbs = der.sequence(
    der.explicit(0, der.integer(2n)),
    der.integer(serial),
    sha256WithRsa,
    issuer,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    subject,
    spki,
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = nodeCrypto().sign('sha256', tbs, input.signer?.key ?? privateKey);
  const cert = der.sequence(tbs, sha256WithRsa, der.bitString(signature));
  return certificate(pem('CERTIFICATE', cert), privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());
}

function signerOf(context: CallContext, ca: unknown): Signer {
  if (markedGoType(ca) !== 'sprig.certificate') fail(`wrong type for value; expected sprig.certificate; got ${typeNameOf(ca)}`);
  const { Cert, Key } = ca as Certificate;
  const certDer = pemBody(Cert, 'CERTIFICATE');
  if (!certDer) callError(context, 'unable to decode certificate');
  try {
    new (nodeCrypto().X509Certificate)(certDer);
  } catch (cause) {
    callError(context, `error parsing certificate: decodedSignerCert.Bytes: ${(cause as Error).message}`);
  }
  const keyDer = anyPemBody(Key);
  if (!keyDer) callError(context, 'unable to decode key');
  let key: KeyObject;
  try {
    key = nodeCrypto().createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs1' });
  } catch (cause) {
    return callError(context, `error parsing prive key: decodedSignerKey.Bytes: ${(cause as Error).message}`);
  }
  const [tbs] = der.children(der.children(certDer)[0]?.content ?? Buffer.alloc(0));
  const fields = der.children(tbs?.content ?? Buffer.alloc(0));
  const subject = fields[5]?.raw ?? der.sequence();
  const extensions = fields.find((field) => field.tag === 0xa3);
  let subjectKeyId: Buffer | undefined;
  for (const ext of der.children(der.children(extensions?.content ?? Buffer.alloc(0))[0]?.content ?? Buffer.alloc(0))) {
    const [id, ...rest] = der.children(ext.content);
    if (id?.content.equals(der.oid('2.5.29.14').subarray(2))) subjectKeyId = der.children(rest[rest.length - 1]?.content ?? Buffer.alloc(0))[0]?.content;
  }
  return subjectKeyId ? { subject, key, subjectKeyId } : { subject, key };
}

function buildCustomCert(context: CallContext, b64cert: string, b64key: string): Certificate {
  const isBase64 = (text: string) => /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text.replace(/[\r\n]/g, ''));
  if (!isBase64(b64cert)) callError(context, 'unable to decode base64 certificate');
  if (!isBase64(b64key)) callError(context, 'unable to decode base64 private key');
  const cert = fromGoBytes(Buffer.from(b64cert, 'base64'));
  const key = fromGoBytes(Buffer.from(b64key, 'base64'));
  const certDer = anyPemBody(cert);
  if (!certDer) callError(context, 'unable to decode certificate');
  try {
    new (nodeCrypto().X509Certificate)(certDer);
  } catch (cause) {
    callError(context, `error parsing certificate: decodedCert.Bytes: ${(cause as Error).message}`);
  }
  const keyDer = anyPemBody(key);
  if (!keyDer) callError(context, 'unable to decode key');
  try {
    nodeCrypto().createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs1' });
  } catch (cause) {
    callError(context, `error parsing prive key: decodedKey.Bytes: ${(cause as Error).message}`);
  }
  return certificate(cert, key);
}

// --- AES-256-CBC as Sprig does it: the password's bytes as the key (zero-padded or cut to 32),
// PKCS#7 padding, a random IV in front, base64 ---

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  toGoBytes(password).copy(key, 0, 0, 32);
  return key;
}

function encryptAes(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const iv = nodeCrypto().randomBytes(16);
  const cipher = nodeCrypto().createCipheriv('aes-256-cbc', aesKey(password), iv);
  return Buffer.concat([iv, cipher.update(toGoBytes(plaintext)), cipher.final()]).toString('base64');
}

function decryptAes(context: CallContext, password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const bad = /[^A-Za-z0-9+/=\r\n]/.exec(crypt64);
  if (bad || crypt64.replace(/[\r\n]/g, '').length % 4 !== 0) callError(context, `illegal base64 data at input byte ${bad?.index ?? crypt64.length}`);
  const crypt = Buffer.from(crypt64, 'base64');
  if (crypt.length < 16) callError(context, `runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) callError(context, 'crypto/cipher: input not full blocks');
  if (body.length === 0) callError(context, 'runtime error: index out of range [-1]');
  const decipher = nodeCrypto().createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false);
  const decrypted = Buffer.concat([decipher.update(body), decipher.final()]);
  const end = decrypted.length - (decrypted[decrypted.length - 1] ?? 0);
  if (end < 0) callError(context, `runtime error: slice bounds out of range [:${end}]`);
  return fromGoBytes(decrypted.subarray(0, end));
}

export const CRYPTO_FUNCTIONS: FunctionFamily = {
  randAlphaNum: randomFunction(ALPHA + DIGITS),
  randAlpha: randomFunction(ALPHA),
  randAscii: randomFunction(ASCII),
  randNumeric: randomFunction(DIGITS),
  uuidv4: fn(0, 0, () => nodeCrypto().randomUUID()),
  derivePassword: withStringParams([1, 2, 3, 4], fn(5, 5, (args) => {
    // Go's parameter is a uint32, which a literal int converts to (taskrun cannot tell a literal from another int).
    if (kindOf(args[0]) !== 'int' || args[0] instanceof GoInt64) fail(`wrong type for value; expected uint32; got ${typeNameOf(args[0])}`);
    const counter = Number(args[0]);
    if (counter < 0 || counter > 0xffffffff) fail(`wrong type for value; expected uint32; got int`);
    return derivePassword(counter, asString(args[1]), asString(args[2]), asString(args[3]), asString(args[4]));
  })),
  genPrivateKey: stringUnary(generatePrivateKey),
  buildCustomCert: stringBinary((cert, key, context) => buildCustomCert(context, cert, key)),
  genCA: withStringParams([0], fn(2, 2, (args) =>
    createCertificate({ commonName: asString(args[0]), ips: [], dnsNames: [], daysValid: asInt(args[1]), isCa: true }),
  )),
  genSelfSignedCert: withStringParams([0], fn(4, 4, (args) =>
    createCertificate({
      commonName: asString(args[0]),
      ips: listArgument(args[1], 'ip'),
      dnsNames: listArgument(args[2], 'dns'),
      daysValid: asInt(args[3]),
      isCa: false,
    }),
  )),
  genSignedCert: withStringParams([0], fn(5, 5, (args, context) =>
    createCertificate({
      commonName: asString(args[0]),
      ips: listArgument(args[1], 'ip'),
      dnsNames: listArgument(args[2], 'dns'),
      daysValid: asInt(args[3]),
      isCa: false,
      signer: signerOf(context, args[4]),
    }),
  )),
  encryptAES: stringBinary((password, plaintext) => encryptAes(password, plaintext)),
  decryptAES: stringBinary((password, crypt, context) => decryptAes(context, password, crypt)),
};
