// Template stage: Sprig v2.22's numbers — int64 arithmetic on toInt64'd arguments, float64
// rounding, integer sequences.

import { GoFloat, GoInt64, formatValue, withGoType } from '../go-values.js';
import { quoteGo } from '../printf.js';
import {
  asFloatArg,
  asInt,
  asString,
  callError,
  fn,
  INT64_MAX,
  INT64_MIN,
  MANY,
  MAX_LIST_LENGTH,
  toFloat64,
  int64Result,
  intResult,
  toExactInt64,
  unary,
  withStringParams,
} from './support.js';
import type { CallContext, FunctionFamily } from './types.js';

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

// Sprig's untilStep: counts from start towards stop (exclusive); a step that never gets there gives [].
function untilStep(context: CallContext, start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  const isGoing = stop < start ? step < 0 : step > 0;
  if (!isGoing) return withGoType(out, '[]int');
  for (let i = start; stop < start ? i > stop : i < stop; i += step) {
    if (out.length >= MAX_LIST_LENGTH) callError(context, `the list would have more than ${MAX_LIST_LENGTH} items; taskrun allows at most ${MAX_LIST_LENGTH}`);
    out.push(i);
  }
  return withGoType(out, '[]int');
}

// Sprig's round: math.Modf's fraction of value·10^places against roundOn (default .5).
function round(value: number, places: number, roundOn: number): GoFloat {
  const pow = Math.pow(10, places);
  const digit = pow * value;
  const fraction = digit - Math.trunc(digit);
  const rounded = fraction >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return new GoFloat(rounded / pow);
}

// strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on any error.
function toDecimal(value: unknown): GoInt64 {
  const text = formatValue(value);
  if (!/^[+-]?[0-7]+$/.test(text)) return new GoInt64(0);
  const negative = text.startsWith('-');
  const magnitude = BigInt(`0o${text.replace(/^[+-]/, '')}`);
  const result = negative ? -magnitude : magnitude;
  return int64Result(result < INT64_MIN || result > INT64_MAX ? 0n : result);
}

// Go's int64 division and remainder truncate toward zero, as BigInt's do.
function divide(context: CallContext, args: readonly unknown[], operation: (a: bigint, b: bigint) => bigint): GoInt64 {
  const divisor = toExactInt64(args[1], context);
  if (divisor === 0n) callError(context, 'runtime error: integer divide by zero');
  return int64Result(operation(toExactInt64(args[0], context), divisor));
}

const ints = (args: readonly unknown[], context: CallContext) => args.map((arg) => toExactInt64(arg, context));

export const MATH_FUNCTIONS: FunctionFamily = {
  // int64 arithmetic, wrapping on overflow as Go does.
  add: fn(0, MANY, (args, context) => int64Result(ints(args, context).reduce((sum, n) => BigInt.asIntN(64, sum + n), 0n))),
  add1: unary((value, context) => int64Result(toExactInt64(value, context) + 1n)),
  sub: fn(2, 2, (args, context) => int64Result(toExactInt64(args[0], context) - toExactInt64(args[1], context))),
  mul: fn(1, MANY, (args, context) => int64Result(ints(args, context).reduce((product, n) => BigInt.asIntN(64, product * n)))),
  div: fn(2, 2, (args, context) => divide(context, args, (a, b) => a / b)),
  mod: fn(2, 2, (args, context) => divide(context, args, (a, b) => a % b)),
  max: fn(1, MANY, (args, context) => int64Result(ints(args, context).reduce((a, b) => (b > a ? b : a)))),
  biggest: fn(1, MANY, (args, context) => int64Result(ints(args, context).reduce((a, b) => (b > a ? b : a)))),
  min: fn(1, MANY, (args, context) => int64Result(ints(args, context).reduce((a, b) => (b < a ? b : a)))),
  ceil: unary((value, context) => new GoFloat(Math.ceil(toFloat64(value, context).value))),
  floor: unary((value, context) => new GoFloat(Math.floor(toFloat64(value, context).value))),
  round: fn(2, 3, (args, context) => round(toFloat64(args[0], context).value, asInt(args[1]), args.length > 2 ? asFloatArg(args[2]) : 0.5)),
  atoi: withStringParams([0], fn(1, 1, (args, context) => atoi(asString(args[0]), context))),
  int: unary((value, context) => intResult(toExactInt64(value, context))),
  int64: unary((value, context) => int64Result(toExactInt64(value, context))),
  float64: unary(toFloat64),
  toDecimal: unary(toDecimal),
  until: unary((value, context) => {
    const count = asInt(value);
    return untilStep(context, 0, count, count < 0 ? -1 : 1);
  }),
  untilStep: fn(3, 3, (args, context) => untilStep(context, asInt(args[0]), asInt(args[1]), asInt(args[2]))),
};
