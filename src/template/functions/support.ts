// Template stage: argument conversions and table helpers shared by the function families —
// Sprig v2.22's toInt64/toFloat64/strslice/empty and Go's error texts.

import { GoFloat, GoInt64, isGoMap, isTruthy, kindOf, markedGoType, numberOf, stringOf, typeNameOf, type GoMap } from '../go-values.js';
import { quoteGo } from '../printf.js';
import { TemplateExecError, type CallContext, type GoFunction } from './types.js';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const MANY = Number.POSITIVE_INFINITY;
/** A JS string holds at most ~2^29 characters; a task file anywhere near this is a mistake. */
export const MAX_RESULT_LENGTH = 64 * 1024 * 1024;
/** The most items a function builds into one list (`until`, `untilStep`). */
export const MAX_LIST_LENGTH = 1_000_000;

export function fail(message: string): never {
  throw new TemplateExecError(message);
}

/** What Go's text/template reports when a function panics or returns an error. */
export function callError(context: CallContext, message: string): never {
  throw new TemplateExecError(`error calling ${context.name}: ${message}`);
}

// The evaluator rejects a missing value for a declared string parameter first, with a better message.
export function asString(value: unknown): string {
  if (value === null || value === undefined) fail('wrong type for value; expected string; got interface {}');
  if (typeof value !== 'string') fail(`wrong type for value; expected string; got ${typeNameOf(value)}`);
  return value;
}

/** An `int` argument: an int64 (Sprig's arithmetic) is another type to Go. */
export function asInt(value: unknown): number {
  if (kindOf(value) !== 'int' || value instanceof GoInt64) fail(`wrong type for value; expected int; got ${typeNameOf(value)}`);
  return Number(value);
}

export function asFloatArg(value: unknown): number {
  const kind = kindOf(value);
  if (kind !== 'float' && kind !== 'int') fail(`wrong type for value; expected float64; got ${typeNameOf(value)}`);
  return numberOf(value);
}

/** A `map[string]interface {}` argument; a `map[string]string` (`split`) or a struct is another type in Go. */
export function asMap(value: unknown): GoMap {
  if (!isGoMap(value) || markedGoType(value) !== undefined) fail(`wrong type for value; expected map[string]interface {}; got ${typeNameOf(value)}`);
  return value;
}

export function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined;
}

// Sprig v2.22's toInt64 and toFloat64 (its own, not spf13/cast): a string is parsed as a decimal
// int (strconv.ParseInt(s, 10, 64)) or a float (strconv.ParseFloat), numbers truncate, bools are
// 1/0, nil is 0; anything else, an unparsable or out-of-range string included, is 0.
export function toInt64(value: unknown, context: CallContext): number {
  return Number(toExactInt64(value, context));
}

/** toInt64 exactly, as a bigint: Go's int64 of a float truncates (out of range: the minimum, as on amd64). */
export function toExactInt64(value: unknown, context: CallContext): bigint {
  switch (kindOf(value)) {
    case 'nil':
      return 0n;
    case 'bool':
      return value ? 1n : 0n;
    case 'int':
      return BigInt(value as number | bigint);
    case 'float': {
      const n = Math.trunc(numberOf(value));
      return Number.isFinite(n) && Math.abs(n) < 2 ** 63 ? BigInt(n) : INT64_MIN;
    }
    case 'string': {
      const text = value as string;
      if (/^[+-]?\d+$/.test(text) && BigInt(text) >= INT64_MIN && BigInt(text) <= INT64_MAX) return BigInt(text);
      return BigInt(readAsZero(value, context, 'a decimal integer such as "12" (Sprig v2 reads no 0x prefix, `_`, space or fraction)'));
    }
    default:
      return BigInt(readAsZero(value, context, 'a number or a decimal integer string'));
  }
}

/** An int result, wrapped as Go wraps on overflow: a number where exact, else a bigint. */
export function intResult(value: bigint): number | bigint {
  const wrapped = BigInt.asIntN(64, value);
  return Number.isSafeInteger(Number(wrapped)) ? Number(wrapped) : wrapped;
}

/** An int64 result (Sprig's arithmetic), wrapped as Go wraps on overflow. */
export function int64Result(value: bigint): GoInt64 {
  return new GoInt64(intResult(value));
}

export function toFloat64(value: unknown, context: CallContext): GoFloat {
  const kind = kindOf(value);
  if (kind === 'int' || kind === 'float') return new GoFloat(numberOf(value));
  if (kind !== 'string') return new GoFloat(toInt64(value, context));
  const number = parseGoFloat(value as string);
  if (number === undefined) return new GoFloat(readAsZero(value, context, 'a decimal number such as "1.5"'));
  return new GoFloat(number);
}

// strconv's underscoreOK: `_` only between digits (or after a base prefix).
function underscoresOk(text: string): boolean {
  const body = text.replace(/^[+-]/, '');
  const prefix = /^0[bBoOxX]/.test(body);
  const isHex = /^0[xX]/.test(body);
  let saw = prefix ? '0' : '^';
  for (const char of prefix ? body.slice(2) : body) {
    if (/[0-9]/.test(char) || (isHex && /[a-fA-F]/.test(char))) saw = '0';
    else if (char === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** strconv.ParseFloat(s, 64): Go's float syntax (`1_0`, `0x1p-2`, `.5`, `inf`, `NaN`); undefined on an error. */
export function parseGoFloat(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return special[2]?.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (text.includes('_') && !underscoresOk(text)) return undefined;
  const plain = text.replace(/_/g, '');
  let value: number;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(plain);
  if (hex) {
    const [, sign, whole = '', fraction = '', exponent = '0'] = hex;
    if (whole === '' && fraction === '') return undefined;
    const mantissa = BigInt(`0x${whole}${fraction}` === '0x' ? '0' : `0x${whole}${fraction}`);
    value = Number(mantissa) * Math.pow(2, Number(exponent) - 4 * fraction.length);
    if (sign === '-') value = -value;
  } else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(plain)) value = Number(plain);
  else return undefined;
  // ParseFloat fails beyond float64's range.
  return Number.isFinite(value) ? value : undefined;
}

function readAsZero(value: unknown, context: CallContext, wanted: string): 0 {
  const what = typeof value === 'string' ? quoteGo(value) : `a ${typeNameOf(value)} value`;
  context.warn('template-number-invalid', `\`${context.name}\` reads ${what} as 0, as on ACR`, `pass ${wanted}`);
  return 0;
}

/** Sprig's `empty`: nil, false, 0, "" and empty lists/maps. */
export function isEmpty(value: unknown): boolean {
  return !isTruthy(value);
}

/** Sprig's strslice: a list's items as strings (nil items dropped), a scalar as one item. */
export function toStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter(isPresent).map(stringOf);
  if (value === null || value === undefined) return [];
  return [stringOf(value)];
}

/** reflect.TypeOf(v).Kind() as Sprig's list functions name it in their panics. */
export function reflectKindOf(value: unknown): string {
  switch (kindOf(value)) {
    case 'bool':
      return 'bool';
    case 'int':
      return value instanceof GoInt64 ? 'int64' : 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'list':
      return 'slice';
    case 'map':
      return 'map';
    case 'nil':
      return 'invalid';
    default:
      return (value as { goKind?: string }).goKind ?? 'struct';
  }
}

type Call = GoFunction['call'];

export function fn(minArgs: number, maxArgs: number, call: Call, isPresenceTest = false): GoFunction {
  return { minArgs, maxArgs, call, isPresenceTest };
}

export function withStringParams(stringParams: readonly number[], goFunction: GoFunction): GoFunction {
  return { ...goFunction, stringParams };
}

export function withMapParams(mapParams: readonly number[] | 'all', goFunction: GoFunction): GoFunction {
  return { ...goFunction, mapParams };
}

export const unary = (call: (value: unknown, context: CallContext) => unknown): GoFunction =>
  fn(1, 1, (args, context) => call(args[0], context));
export const stringUnary = (call: (text: string, context: CallContext) => unknown): GoFunction =>
  withStringParams([0], unary((value, context) => call(asString(value), context)));
// Sprig's (a, b string) functions whose second argument is the subject: `trimPrefix "v" .tag`.
export const stringBinary = (call: (a: string, b: string, context: CallContext) => unknown): GoFunction =>
  withStringParams([0, 1], fn(2, 2, (args, context) => call(asString(args[0]), asString(args[1]), context)));

/** Fails before building a string longer than taskrun allows. */
export function checkLength(context: CallContext, length: number): void {
  if (length > MAX_RESULT_LENGTH) {
    fail(`${context.name}: the result would be ${length} characters long; taskrun allows at most ${MAX_RESULT_LENGTH}`);
  }
}
