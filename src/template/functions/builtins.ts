// Template stage: Go text/template's own functions (`and`/`or` short-circuit in the evaluator;
// `slice` is Sprig's, which replaces Go's in ACR's function map).

import { goByteLength, isGoPrintable, toGoBytes } from '../go-strings.js';
import { formatValue, isGoMap, isGoStruct, isTruthy, kindOf, numberOf, typeNameOf } from '../go-values.js';
import { sprint, sprintf, sprintln } from '../printf.js';
import { asString, fail, fn, MANY, unary, withStringParams } from './support.js';
import type { FunctionFamily } from './types.js';

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
    const i = Number(key);
    const length = typeof item === 'string' ? goByteLength(item) : item.length;
    if (i < 0 || i >= length) fail(`error calling index: index out of range: ${i}`);
    return typeof item === 'string' ? toGoBytes(item)[i] : item[i];
  }
  if (isGoMap(item) && !isGoStruct(item)) {
    if (typeof key !== 'string') fail(`error calling index: value has type ${typeNameOf(key)}; should be string`);
    return Object.hasOwn(item, key) ? item[key] : null;
  }
  if (item === null || item === undefined) fail('error calling index: index of untyped nil');
  return fail(`error calling index: can't index item of type ${typeNameOf(item)}`);
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') return goByteLength(value);
  if (Array.isArray(value)) return value.length;
  if (isGoMap(value) && !isGoStruct(value)) return Object.keys(value).length;
  if (value === null || value === undefined) return fail('error calling len: reflect: call of reflect.Value.Type on zero Value');
  return fail(`error calling len: len of type ${typeNameOf(value)}`);
}

// text/template's evalArgs: one string argument as it is, anything else through fmt.Sprint, a nil
// (a missing value too) as `<no value>` — which ACR's clean-up then no longer finds once escaped.
function argumentText(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((arg) => (arg === null || arg === undefined ? '<no value>' : arg)));
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\ufffd' };

const JS_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

/** template.JSEscapeString: quotes and HTML-significant characters escaped, control and non-printable runes as \uXXXX. */
export function jsEscape(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const simple = JS_ESCAPES[char];
    if (simple) out += simple;
    else if (code < 0x20) out += `\\u00${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code >= 0x80 && !isGoPrintable(code)) out += `\\u${(isSurrogate(code) ? 0xfffd : code).toString(16).toUpperCase().padStart(4, '0')}`;
    else out += char;
  }
  return out;
}

function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

/** url.QueryEscape: space as `+`, bytes outside A–Z a–z 0–9 `-_.~` as %XX. */
export function queryEscape(text: string): string {
  let out = '';
  for (const byte of toGoBytes(text)) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char)) out += char;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export const BUILTIN_FUNCTIONS: FunctionFamily = {
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
  html: fn(0, MANY, (args) => argumentText(args).replace(/["'&<>\0]/g, (char) => HTML_ESCAPES[char] ?? char)),
  js: fn(0, MANY, (args) => jsEscape(argumentText(args))),
  urlquery: fn(0, MANY, (args) => queryEscape(argumentText(args))),
};
