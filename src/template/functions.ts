// Template stage: the functions a task file can call — Go text/template's built-ins and the
// part of Sprig v2.22 that taskrun implements, with Sprig's argument orders and quirks.

import { createHash } from 'node:crypto';
import {
  GoFloat,
  deepEqual,
  encodeGoJson,
  formatValue,
  isGoMap,
  isTruthy,
  kindOf,
  numberOf,
  sortedKeys,
  stringOf,
  typeNameOf,
  type GoMap,
} from './go-values.js';
import { quoteGo, sprint, sprintf, sprintln } from './printf.js';
import { toGoLower, toGoTitle, toGoUpper } from './unicode-case.js';

/** A failure while executing an action (Go's "error calling X: …"). */
export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError';
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

export interface CallContext {
  readonly name: string;
  /** Reports a warning at the calling action. */
  readonly warn: (code: string, message: string, hint?: string) => void;
}

export interface GoFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Receives a missing value as nil without a `missing-value` warning (tests such as `default`, `eq`). */
  readonly isPresenceTest?: boolean;
  /** Positions of the parameters Go types as `string`: a missing value or nil there fails, as on ACR. */
  readonly stringParams?: readonly number[];
  /**
   * Positions of the parameters Go types as `map[string]interface {}` (`'all'` for a variadic one):
   * a missing field fails there, as on ACR, while a nil from a variable or `( … )` is an empty map.
   */
  readonly mapParams?: readonly number[] | 'all';
  readonly call: (args: readonly unknown[], context: CallContext) => unknown;
}

// Sprig v2.22 genericMap plus Go's built-ins (acb-spec §2.1); used to tell "unsupported" from "unknown".
const SPRIG_AND_BUILTIN_NAMES =
  'hello date now htmlDate htmlDateInZone dateInZone dateModify ago toDate unixEpoch abbrev abbrevboth trunc trim upper lower title untitle substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat indent nindent replace plural sha1sum sha256sum adler32sum toString atoi int64 int float64 toDecimal split splitList splitn toStrings until untilStep add1 add sub div mod mul biggest max min ceil floor round join sortAlpha default empty coalesce compact deepCopy toJson toPrettyJson ternary typeOf typeIs typeIsLike kindOf kindIs deepEqual env expandenv getHostByName base dir clean ext isAbs b64enc b64dec b32enc b32dec tuple list dict set unset hasKey pluck keys pick omit merge mergeOverwrite values append push prepend first rest last initial reverse uniq without has slice concat genPrivateKey derivePassword buildCustomCert genCA genSelfSignedCert genSignedCert encryptAES decryptAES uuidv4 semver semverCompare fail regexMatch regexFindAll regexFind regexReplaceAll regexReplaceAllLiteral regexSplit urlParse urlJoin and or not len index print printf println eq ne lt le gt ge html js urlquery call'.split(
    ' ',
  );

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function fail(message: string): never {
  throw new TemplateExecError(message);
}

// The evaluator rejects a missing value for a declared string parameter first, with a better message.
function asString(value: unknown): string {
  if (value === null || value === undefined) fail('wrong type for value; expected string; got interface {}');
  if (typeof value !== 'string') fail(`wrong type for value; expected string; got ${typeNameOf(value)}`);
  return value;
}

function asInt(value: unknown): number {
  if (kindOf(value) !== 'int') fail(`wrong type for value; expected int; got ${typeNameOf(value)}`);
  return Number(value);
}

function asList(value: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(`cannot use ${name} on type ${typeNameOf(value)}`);
  return value;
}

function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined;
}

function asMap(value: unknown): GoMap {
  if (!isGoMap(value)) fail(`wrong type for value; expected map[string]interface {}; got ${typeNameOf(value)}`);
  return value;
}

// Sprig v2.22's toInt64 and toFloat64 (its own, not spf13/cast): a string is parsed as a decimal
// int (strconv.ParseInt(s, 10, 64)) or a float (strconv.ParseFloat), numbers truncate, bools are
// 1/0, nil is 0; anything else, an unparsable or out-of-range string included, is 0.
function toInt64(value: unknown, context: CallContext): number {
  switch (kindOf(value)) {
    case 'nil':
      return 0;
    case 'bool':
      return value ? 1 : 0;
    case 'int':
    case 'float':
      return Math.trunc(numberOf(value));
    case 'string': {
      const text = value as string;
      if (/^[+-]?\d+$/.test(text) && BigInt(text) >= INT64_MIN && BigInt(text) <= INT64_MAX) return Number(text);
      return readAsZero(value, context, 'a decimal integer such as "12" (Sprig v2 reads no 0x prefix, `_`, space or fraction)');
    }
    default:
      return readAsZero(value, context, 'a number or a decimal integer string');
  }
}

function toFloat64(value: unknown, context: CallContext): GoFloat {
  const kind = kindOf(value);
  if (kind === 'int' || kind === 'float') return new GoFloat(numberOf(value));
  if (kind !== 'string') return new GoFloat(toInt64(value, context));
  const text = value as string;
  const infinity = /^([+-]?)inf(inity)?$/i.exec(text);
  if (infinity) return new GoFloat(infinity[1] === '-' ? -Infinity : Infinity);
  if (/^[+-]?nan$/i.test(text)) return new GoFloat(NaN);
  const number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
  // ParseFloat fails beyond float64's range too.
  if (!Number.isFinite(number)) return new GoFloat(readAsZero(value, context, 'a decimal number such as "1.5"'));
  return new GoFloat(number);
}

function readAsZero(value: unknown, context: CallContext, wanted: string): 0 {
  const what = typeof value === 'string' ? quoteGo(value) : `a ${typeNameOf(value)} value`;
  context.warn('template-number-invalid', `\`${context.name}\` reads ${what} as 0, as on ACR`, `pass ${wanted}`);
  return 0;
}

/** Sprig's `empty`: nil, false, 0, "" and empty lists/maps. */
function isEmpty(value: unknown): boolean {
  return !isTruthy(value);
}

/** Sprig's strslice: a list's items as strings (nil items dropped), a scalar as one item. */
function toStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item) => item !== null && item !== undefined).map(stringOf);
  if (value === null || value === undefined) return [];
  return [stringOf(value)];
}

function splitWords(text: string): string[] {
  return text
    .replace(/([\p{Ll}\p{Nd}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/[\s_\-.]+/u)
    .filter(Boolean);
}

function compileRegex(pattern: string, flags = ''): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  let allFlags = flags;
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    allFlags += (inline[1] ?? '').replace(/U/g, '');
  }
  try {
    return new RegExp(source, `${allFlags}u`);
  } catch (cause) {
    return fail(`error parsing regexp: ${(cause as Error).message}`);
  }
}

// Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`; `$$` is a dollar; unknown groups are empty.
function expandReplacement(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_text, whole: string, braced?: string, bare?: string) => {
    if (whole === '$') return '$';
    const name = braced ?? bare ?? '';
    const value = /^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name];
    return value ?? '';
  });
}

function compare(name: string, a: unknown, b: unknown): number {
  const left = kindOf(a);
  const right = kindOf(b);
  const isNumber = (kind: string) => kind === 'int' || kind === 'float';
  if (left === 'string' && right === 'string') return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
  if (left === 'int' && right === 'int') return compareInts(a, b);
  if (isNumber(left) && isNumber(right) && left === right) return Math.sign(numberOf(a) - numberOf(b));
  if (!['string', 'int', 'float'].includes(left) || !['string', 'int', 'float'].includes(right)) {
    return fail(`error calling ${name}: invalid type for comparison`);
  }
  return fail(`error calling ${name}: incompatible types for comparison`);
}

function isEqual(a: unknown, b: unknown): boolean {
  const left = kindOf(a);
  const right = kindOf(b);
  if (left === 'nil' || right === 'nil') return left === right;
  if (left !== right) fail('error calling eq: incompatible types for comparison');
  if (left === 'list' || left === 'map' || left === 'other') fail(`error calling eq: non-comparable type ${formatValue(a)}: ${typeNameOf(a)}`);
  if (left === 'int') return compareInts(a, b) === 0;
  return left === 'float' ? numberOf(a) === numberOf(b) : a === b;
}

// Go ints compare exactly; big values from a values file are bigint.
function compareInts(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  const left = BigInt(a as number | bigint);
  const right = BigInt(b as number | bigint);
  return left === right ? 0 : left < right ? -1 : 1;
}

function indexInto(item: unknown, key: unknown): unknown {
  if (Array.isArray(item) || typeof item === 'string') {
    if (kindOf(key) !== 'int') fail(`error calling index: cannot index slice/array with type ${typeNameOf(key)}`);
    const i = key as number;
    const length = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
    if (i < 0 || i >= length) fail(`error calling index: index out of range: ${i}`);
    return typeof item === 'string' ? Buffer.from(item)[i] : item[i];
  }
  if (isGoMap(item)) {
    if (typeof key !== 'string') fail(`error calling index: value has type ${typeNameOf(key)}; should be string`);
    return Object.hasOwn(item, key) ? item[key] : null;
  }
  if (item === null || item === undefined) fail('error calling index: index of untyped nil');
  return fail(`error calling index: can't index item of type ${typeNameOf(item)}`);
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return value.length;
  if (isGoMap(value)) return Object.keys(value).length;
  return fail(`error calling len: len of type ${typeNameOf(value)}`);
}

// Sprig's atoi ignores strconv.Atoi's error: text that is not a decimal int gives 0, and an
// out-of-range one the nearest int64 (Atoi's value with its range error).
function atoi(text: string, context: CallContext): number | bigint {
  if (!/^[+-]?\d+$/.test(text)) {
    context.warn(
      'template-atoi-invalid',
      `\`atoi\` of ${quoteGo(text)} gives 0, as on ACR: the text is not a decimal integer`,
      'pass digits only, with an optional sign (Go\'s strconv.Atoi takes no spaces, `_` or 0x prefix)',
    );
    return 0;
  }
  const value = BigInt(text);
  const clamped = value > INT64_MAX ? INT64_MAX : value < INT64_MIN ? INT64_MIN : value;
  if (clamped !== value) {
    context.warn(
      'template-atoi-invalid',
      `\`atoi\` of ${quoteGo(text)} gives ${clamped}, as on ACR: the number does not fit in a Go int (int64)`,
      `use a number from ${INT64_MIN} to ${INT64_MAX}`,
    );
  }
  return Number.isSafeInteger(Number(clamped)) ? Number(clamped) : clamped;
}

// Go's base64.StdEncoding.DecodeString, whose error Sprig's b64dec returns as its output: the
// offset of the first bad byte (`\r` and `\n` are skipped), or the decoded bytes.
function decodeGoBase64(text: string): { readonly bytes: Buffer } | { readonly badByte: number } {
  const src = Buffer.from(text, 'utf8');
  const isNewline = (byte: number | undefined) => byte === 0x0a || byte === 0x0d;
  const isAlphabet = (byte: number) => /[A-Za-z0-9+/]/.test(String.fromCharCode(byte));
  const EQUALS = 0x3d;
  let si = 0;
  while (si < src.length) {
    // One quantum: up to four alphabet bytes, or fewer ended by `=` padding.
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { bytes: Buffer.from(text.replace(/[\r\n]/g, ''), 'base64') };
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
      return { bytes: Buffer.from(text.replace(/[\r\n]/g, ''), 'base64') };
    }
  }
  return { bytes: Buffer.from(text.replace(/[\r\n]/g, ''), 'base64') };
}

function b64dec(text: string, context: CallContext): string {
  const decoded = decodeGoBase64(text);
  if ('bytes' in decoded) return decoded.bytes.toString('utf8');
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
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64');
  // acb's override encodes reflect.Value.String(), which for non-strings is a placeholder such as `<int Value>`.
  const placeholder = `<${typeNameOf(value)} Value>`;
  context.warn(
    'template-b64enc-non-string',
    `\`b64enc\` of a ${typeNameOf(value)} value encodes the text \`${placeholder}\`, as on ACR`,
    'convert the value first: `{{ .Values.x | toString | b64enc }}`',
  );
  return Buffer.from(placeholder, 'utf8').toString('base64');
}

type Call = GoFunction['call'];

function fn(minArgs: number, maxArgs: number, call: Call, isPresenceTest = false): GoFunction {
  return { minArgs, maxArgs, call, isPresenceTest };
}

function withStringParams(stringParams: readonly number[], goFunction: GoFunction): GoFunction {
  return { ...goFunction, stringParams };
}

// Go's strings.Split: an empty separator splits into code points.
function splitGo(text: string, separator: string): string[] {
  return separator === '' ? [...text] : text.split(separator);
}

// Go's strings.Replace(src, old, new, -1): an empty `old` inserts `new` at every code point boundary.
function replaceAll(src: string, old: string, replacement: string): string {
  if (old !== '') return src.split(old).join(replacement);
  return replacement + [...src].map((char) => char + replacement).join('');
}

const MANY = Number.POSITIVE_INFINITY;
// A JS string holds at most ~2^29 characters; a task file anywhere near this is a mistake.
const MAX_RESULT_LENGTH = 64 * 1024 * 1024;

const unary = (call: (value: unknown, context: CallContext) => unknown): GoFunction => fn(1, 1, (args, context) => call(args[0], context));
const stringUnary = (call: (text: string) => unknown): GoFunction =>
  withStringParams([0], unary((value) => call(asString(value))));
// Sprig's (a, b string) functions whose second argument is the subject: `trimPrefix "v" .tag`.
const stringBinary = (call: (a: string, b: string) => unknown): GoFunction =>
  withStringParams([0, 1], fn(2, 2, (args) => call(asString(args[0]), asString(args[1]))));

const FUNCTION_TABLE: Record<string, GoFunction> = {
  // Go text/template built-ins (`and`/`or` are evaluated lazily by the evaluator).
  and: fn(1, MANY, (args) => args.find((arg) => !isTruthy(arg)) ?? args[args.length - 1], true),
  or: fn(1, MANY, (args) => args.find((arg) => isTruthy(arg)) ?? args[args.length - 1], true),
  not: fn(1, 1, (args) => !isTruthy(args[0]), true),
  len: unary(lengthOf),
  index: fn(1, MANY, (args) => args.slice(1).reduce((item, key) => indexInto(item, key), args[0])),
  print: fn(0, MANY, (args) => sprint(args)),
  printf: withStringParams([0], fn(1, MANY, (args) => sprintf(asString(args[0]), args.slice(1)))),
  println: fn(0, MANY, (args) => sprintln(args)),
  eq: fn(2, MANY, (args) => args.slice(1).some((arg) => isEqual(args[0], arg)), true),
  ne: fn(2, 2, (args) => !isEqual(args[0], args[1]), true),
  lt: fn(2, 2, (args) => compare('lt', args[0], args[1]) < 0),
  le: fn(2, 2, (args) => compare('le', args[0], args[1]) <= 0),
  gt: fn(2, 2, (args) => compare('gt', args[0], args[1]) > 0),
  ge: fn(2, 2, (args) => compare('ge', args[0], args[1]) >= 0),
  slice: fn(1, 3, (args, context) => {
    const list = asList(args[0], 'slice');
    const start = args.length > 1 ? toInt64(args[1], context) : 0;
    const end = args.length > 2 ? toInt64(args[2], context) : list.length;
    if (start < 0 || end > list.length || start > end) fail(`slice index out of range: [${start}:${end}] with length ${list.length}`);
    return list.slice(start, end);
  }),

  // Sprig: defaults and tests.
  default: fn(1, 2, (args) => (args.length < 2 || isEmpty(args[1]) ? args[0] : args[1]), true),
  empty: fn(1, 1, (args) => isEmpty(args[0]), true),
  coalesce: fn(0, MANY, (args) => args.find((arg) => !isEmpty(arg)) ?? null, true),
  ternary: fn(3, 3, (args) => (args[2] === true ? args[0] : args[1]), true),

  // Sprig: strings.
  quote: fn(0, MANY, (args) =>
    args
      .filter((arg) => arg !== null && arg !== undefined)
      .map((arg) => quoteGo(stringOf(arg)))
      .join(' '),
  ),
  squote: fn(0, MANY, (args) =>
    args
      .filter((arg) => arg !== null && arg !== undefined)
      .map((arg) => `'${stringOf(arg)}'`)
      .join(' '),
  ),
  lower: stringUnary(toGoLower),
  upper: stringUnary(toGoUpper),
  title: stringUnary(toGoTitle),
  trim: stringUnary((text) => text.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '')),
  trimAll: stringBinary((cutset, text) => trimCutset(text, cutset)),
  trimall: stringBinary((cutset, text) => trimCutset(text, cutset)),
  trimPrefix: stringBinary((prefix, text) => (text.startsWith(prefix) ? text.slice(prefix.length) : text)),
  trimSuffix: stringBinary((suffix, text) => (suffix && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text)),
  replace: withStringParams([0, 1, 2], fn(3, 3, (args) => replaceAll(asString(args[2]), asString(args[0]), asString(args[1])))),
  contains: stringBinary((needle, text) => text.includes(needle)),
  hasPrefix: stringBinary((prefix, text) => text.startsWith(prefix)),
  hasSuffix: stringBinary((suffix, text) => text.endsWith(suffix)),
  repeat: withStringParams([1], fn(2, 2, (args) => {
    const count = asInt(args[0]);
    const text = asString(args[1]);
    if (count < 0) fail('strings: negative Repeat count');
    if (text.length * count > MAX_RESULT_LENGTH) {
      fail(`repeat: the result would be ${text.length * count} characters long; taskrun allows at most ${MAX_RESULT_LENGTH}`);
    }
    return text.repeat(count);
  })),
  substr: withStringParams([2], fn(3, 3, (args) => {
    const start = asInt(args[0]);
    const end = asInt(args[1]);
    const text = asString(args[2]);
    if (start < 0) return text.slice(0, end);
    if (end < 0 || end > text.length) return text.slice(start);
    if (start > end) fail(`slice bounds out of range [${start}:${end}]`);
    return text.slice(start, end);
  })),
  trunc: withStringParams([1], fn(2, 2, (args) => {
    const count = asInt(args[0]);
    const text = asString(args[1]);
    if (count < 0 && text.length + count > 0) return text.slice(text.length + count);
    if (count >= 0 && text.length > count) return text.slice(0, count);
    return text;
  })),
  nospace: stringUnary((text) => text.replace(/\p{White_Space}+/gu, '')),
  indent: withStringParams([1], fn(2, 2, (args) => indent(asInt(args[0]), asString(args[1])))),
  nindent: withStringParams([1], fn(2, 2, (args) => `\n${indent(asInt(args[0]), asString(args[1]))}`)),
  cat: fn(0, MANY, (args) =>
    args
      .filter((arg) => arg !== null && arg !== undefined)
      .map(stringOf)
      .join(' '),
  ),
  snakecase: stringUnary((text) => splitWords(text).join('_').toLowerCase()),
  kebabcase: stringUnary((text) => splitWords(text).join('-').toLowerCase()),
  camelcase: stringUnary((text) =>
    text
      .split('_')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(''),
  ),
  join: withStringParams([0], fn(2, 2, (args) => toStrings(args[1]).join(asString(args[0])))),
  split: stringBinary((separator, text) => Object.fromEntries(splitGo(text, separator).map((part, i) => [`_${i}`, part]))),
  splitList: stringBinary((separator, text) => splitGo(text, separator)),
  toString: unary((value) => stringOf(value)),

  // Sprig: encodings and hashes.
  b64enc: unary(b64enc),
  b64dec: withStringParams([0], fn(1, 1, (args, context) => b64dec(asString(args[0]), context))),
  // Sprig ignores json.Marshal's error (NaN, ±Inf) and returns an empty string.
  toJson: unary((value) => encodeGoJson(value) ?? ''),
  toPrettyJson: unary((value) => encodeGoJson(value, '  ') ?? ''),
  sha256sum: stringUnary((text) => createHash('sha256').update(text, 'utf8').digest('hex')),
  sha1sum: stringUnary((text) => createHash('sha1').update(text, 'utf8').digest('hex')),

  // Sprig: integer math (int64, truncating like Go).
  add: fn(0, MANY, (args, context) => args.reduce<number>((sum, arg) => sum + toInt64(arg, context), 0)),
  add1: unary((value, context) => toInt64(value, context) + 1),
  sub: fn(2, 2, (args, context) => toInt64(args[0], context) - toInt64(args[1], context)),
  mul: fn(1, MANY, (args, context) => args.slice(1).reduce<number>((product, arg) => product * toInt64(arg, context), toInt64(args[0], context))),
  div: fn(2, 2, (args, context) => {
    const divisor = toInt64(args[1], context);
    if (divisor === 0) fail('integer divide by zero');
    return Math.trunc(toInt64(args[0], context) / divisor);
  }),
  mod: fn(2, 2, (args, context) => {
    const divisor = toInt64(args[1], context);
    if (divisor === 0) fail('integer divide by zero');
    return toInt64(args[0], context) % divisor;
  }),
  max: fn(1, MANY, (args, context) => Math.max(...args.map((arg) => toInt64(arg, context)))),
  min: fn(1, MANY, (args, context) => Math.min(...args.map((arg) => toInt64(arg, context)))),
  atoi: withStringParams([0], fn(1, 1, (args, context) => atoi(asString(args[0]), context))),
  int: unary(toInt64),
  int64: unary(toInt64),
  float64: unary(toFloat64),

  // Sprig: lists and dicts.
  list: fn(0, MANY, (args) => [...args]),
  dict: fn(0, MANY, (args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) out[stringOf(args[i])] = i + 1 < args.length ? args[i + 1] : '';
    return out;
  }),
  first: unary((value) => asList(value, 'first')[0] ?? null),
  last: unary((value) => {
    const list = asList(value, 'last');
    return list[list.length - 1] ?? null;
  }),
  has: fn(2, 2, (args) => {
    if (args[1] === null || args[1] === undefined) return false;
    return asList(args[1], 'has').some((item) => deepEqual(item, args[0]));
  }),
  // A nil map (from a variable or `( … )`; the evaluator rejects a missing field) has no keys.
  hasKey: {
    ...withStringParams([1], fn(2, 2, (args) => isPresent(args[0]) && Object.hasOwn(asMap(args[0]), asString(args[1])), true)),
    mapParams: [0],
  },
  // Go ranges over a map in random order, so Sprig's `keys` is unordered on ACR; taskrun sorts.
  keys: { ...fn(1, MANY, (args) => args.filter(isPresent).flatMap((map) => sortedKeys(asMap(map)))), mapParams: 'all' },
  uniq: unary((value) => {
    const out: unknown[] = [];
    for (const item of asList(value, 'uniq')) if (!out.some((kept) => deepEqual(kept, item))) out.push(item);
    return out;
  }),

  // Sprig: regular expressions (RE2 syntax, run by the JS engine).
  regexMatch: stringBinary((pattern, text) => compileRegex(pattern).test(text)),
  regexFind: stringBinary((pattern, text) => compileRegex(pattern).exec(text)?.[0] ?? ''),
  regexReplaceAll: withStringParams([0, 1, 2], fn(3, 3, (args) => {
    const regex = compileRegex(asString(args[0]), 'g');
    const replacement = asString(args[2]);
    return asString(args[1]).replace(regex, (...groups) => {
      const match = Object.assign([...groups.slice(0, -2)], { groups: typeof groups.at(-1) === 'object' ? groups.at(-1) : undefined });
      return expandReplacement(replacement, match as unknown as RegExpExecArray);
    });
  })),

  // Sprig: environment. On ACR these read the acb agent's environment; here, taskrun's.
  env: stringUnary((name) => process.env[name] ?? ''),
  expandenv: stringUnary((text) =>
    text.replace(/\$(?:\{([^}]*)\}|([A-Za-z0-9_]+))/g, (_match, braced?: string, bare?: string) => process.env[braced ?? bare ?? ''] ?? ''),
  ),
};

function trimCutset(text: string, cutset: string): string {
  const chars = new Set(cutset);
  const list = [...text];
  let start = 0;
  let end = list.length;
  while (start < end && chars.has(list[start] ?? '')) start++;
  while (end > start && chars.has(list[end - 1] ?? '')) end--;
  return list.slice(start, end).join('');
}

function indent(spaces: number, text: string): string {
  const pad = ' '.repeat(Math.max(0, spaces));
  return pad + text.split('\n').join(`\n${pad}`);
}

export const FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map(Object.entries(FUNCTION_TABLE));

/** Names Go or Sprig v2.22 define that taskrun does not implement. */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set(SPRIG_AND_BUILTIN_NAMES.filter((name) => !FUNCTIONS.has(name)));
