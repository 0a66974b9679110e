// Template stage: Go's fmt.Sprintf, Sprint and Sprintln for template values (`printf`, `print`,
// `println`), including fmt's `%!verb(type=value)` markers for mismatched arguments.

import { formatFloat, formatValue, kindOf, numberOf, typeNameOf, type GoMap, sortedKeys } from './go-values.js';

interface Spec {
  readonly verb: string;
  readonly isMinus: boolean;
  readonly isPlus: boolean;
  readonly isZero: boolean;
  readonly isSpace: boolean;
  readonly isSharp: boolean;
  readonly width: number | undefined;
  readonly precision: number | undefined;
}

export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;
    let isMinus = false;
    let isPlus = false;
    let isZero = false;
    let isSpace = false;
    let isSharp = false;
    for (; i < format.length; i++) {
      const flag = format[i];
      if (flag === '-') isMinus = true;
      else if (flag === '+') isPlus = true;
      else if (flag === '0') isZero = true;
      else if (flag === ' ') isSpace = true;
      else if (flag === '#') isSharp = true;
      else break;
    }
    const readNumber = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const value = args[argIndex++];
        return kindOf(value) === 'int' ? (value as number) : undefined;
      }
      const digits = /^\d+/.exec(format.slice(i))?.[0];
      if (digits === undefined) return undefined;
      i += digits.length;
      return Number(digits);
    };
    let width = readNumber();
    if (width !== undefined && width < 0) {
      isMinus = true;
      width = -width;
    }
    let precision: number | undefined;
    if (format[i] === '.') {
      i++;
      precision = readNumber() ?? 0;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0x25);
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const spec: Spec = { verb, isMinus, isPlus, isZero: isZero && !isMinus, isSpace, isSharp, width, precision };
    out += formatArgument(args[argIndex++], spec);
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((arg) => `${typeNameOf(arg)}=${formatValue(arg)}`)
      .join(', ')})`;
  }
  return out;
}

function formatArgument(value: unknown, spec: Spec): string {
  const kind = kindOf(value);
  if (spec.verb === 'T') return pad(typeNameOf(value), spec, false);
  if (spec.verb === 'v') return pad(kind === 'float' ? formatFloat(numberOf(value)) : formatValue(value), spec, false);
  if (kind === 'list') return `[${(value as unknown[]).map((item) => formatArgument(item, spec)).join(' ')}]`;
  if (kind === 'map') {
    const map = value as GoMap;
    return `map[${sortedKeys(map)
      .map((key) => `${formatArgument(key, spec)}:${formatArgument(map[key], spec)}`)
      .join(' ')}]`;
  }
  const formatted = formatScalar(value, spec);
  return formatted ?? badVerb(value, spec.verb);
}

function formatScalar(value: unknown, spec: Spec): string | undefined {
  const kind = kindOf(value);
  const { verb } = spec;
  if (kind === 'string') {
    const text = value as string;
    if (verb === 's') return pad(spec.precision === undefined ? text : [...text].slice(0, spec.precision).join(''), spec, false);
    if (verb === 'q') return pad(quoteGo(text), spec, false);
    if (verb === 'x' || verb === 'X') {
      const hex = Buffer.from(text, 'utf8').toString('hex');
      return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
    }
    return undefined;
  }
  if (kind === 'bool') return verb === 't' ? pad(String(value), spec, false) : undefined;
  if (kind === 'int') {
    // Ints beyond JS's exact range are bigint (values files, literals); digits come from the exact value.
    const exact = BigInt(value as number | bigint);
    const n = Number(exact);
    const radix = { d: 10, x: 16, X: 16, o: 8, b: 2 }[verb as 'd'];
    if (radix !== undefined) {
      let digits = (exact < 0n ? -exact : exact).toString(radix);
      if (verb === 'X') digits = digits.toUpperCase();
      if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
      if (spec.isSharp && verb === 'x') digits = `0x${digits}`;
      if (spec.isSharp && verb === 'X') digits = `0X${digits}`;
      return pad(signed(n < 0, digits, spec), spec, true);
    }
    if (verb === 'c') return pad(String.fromCodePoint(n), spec, false);
    if (verb === 'q') return pad(`'${quoteGo(String.fromCodePoint(n)).slice(1, -1).replace(/'/g, "\\'")}'`, spec, false);
    if (verb === 'U') return pad(`U+${n.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
  }
  // JS cannot tell a YAML `3.0` from `3`, so the float verbs also accept ints (Go would print %!f(int=3)).
  if ((kind === 'int' || kind === 'float') && /^[eEfFgG]$/.test(verb)) {
    const n = numberOf(value);
    return pad(signed(n < 0 || Object.is(n, -0), formatFloatVerb(Math.abs(n), verb, spec.precision), spec), spec, true);
  }
  return undefined;
}

function formatFloatVerb(n: number, verb: string, precision: number | undefined): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : 'Inf';
  const lower = verb.toLowerCase();
  let text: string;
  if (lower === 'f') text = n.toFixed(precision ?? 6);
  else if (lower === 'e') text = fixExponent(n.toExponential(precision ?? 6));
  else if (precision === undefined) text = formatFloat(n);
  else {
    const significant = Math.max(precision, 1);
    const exponent = Number(n.toExponential(significant - 1).split('e')[1]);
    text =
      exponent < -4 || exponent >= significant
        ? fixExponent(n.toExponential(significant - 1).replace(/\.?0+e/, 'e'))
        : n.toFixed(Math.max(0, significant - 1 - exponent)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  return verb === lower ? text : text.toUpperCase();
}

function fixExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

function signed(isNegative: boolean, digits: string, spec: Spec): string {
  if (isNegative) return `-${digits}`;
  if (spec.isPlus) return `+${digits}`;
  return spec.isSpace ? ` ${digits}` : digits;
}

function pad(text: string, spec: Spec, isNumeric: boolean): string {
  const width = spec.width ?? 0;
  const length = [...text].length;
  if (length >= width) return text;
  const fill = width - length;
  if (spec.isMinus) return text + ' '.repeat(fill);
  if (spec.isZero && isNumeric) {
    const sign = /^[-+ ]/.test(text) ? text.charAt(0) : '';
    return sign + '0'.repeat(fill) + text.slice(sign.length);
  }
  return (spec.isZero && !isNumeric ? '0' : ' ').repeat(fill) + text;
}

function badVerb(value: unknown, verb: string): string {
  if (kindOf(value) === 'nil') return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeNameOf(value)}=${formatValue(value)})`;
}

/** strconv.Quote: a double-quoted Go string literal. */
export function quoteGo(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\x07') out += '\\a';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0xad || (code >= 0xd800 && code < 0xe000)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

/** fmt.Sprintln: always spaces between operands, and a final newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((arg) => formatValue(arg)).join(' ')}\n`;
}
