// Template stage: Go's fmt.Sprintf, Sprint and Sprintln for template values (`printf`, `print`,
// `println`), including fmt's `%!verb(type=value)` markers for mismatched arguments.

import { isEscapedByte, isGoPrintable, toGoBytes } from './go-strings.js';
import { formatFloat, formatValue, GoObject, isGoStruct, kindOf, numberOf, sortedKeys, typeNameOf, type GoMap } from './go-values.js';

interface Spec {
  readonly verb: string;
  readonly isMinus: boolean;
  readonly isPlus: boolean;
  readonly isZero: boolean;
  readonly isSpace: boolean;
  readonly isSharp: boolean;
  /** `%+v`: struct fields by name (fmt's plusV; `+` itself is then off). */
  readonly isPlusV?: boolean;
  /** `%#v`: Go syntax (fmt's sharpV; `#` itself is then off). */
  readonly isSharpV?: boolean;
  readonly width: number | undefined;
  readonly precision: number | undefined;
}

export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  // After an explicit `%[n]`, Go reports no EXTRA arguments.
  let isReordered = false;
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
    // `[n]` before a width, precision or verb picks argument n (1-based); a bad index is BADINDEX.
    let isGoodIndex = true;
    const readIndex = () => {
      if (format[i] !== '[') return;
      isReordered = true;
      const close = format.indexOf(']', i);
      const text = close < 0 ? '' : format.slice(i + 1, close);
      if (close < 0 || !/^\d+$/.test(text) || Number(text) < 1 || Number(text) > args.length) {
        isGoodIndex = false;
        i = close < 0 ? format.length : close + 1;
        return;
      }
      argNum = Number(text) - 1;
      i = close + 1;
    };
    const readNumber = (): { value: number | undefined; isBad: boolean } => {
      readIndex();
      if (format[i] === '*') {
        i++;
        if (argNum >= args.length) return { value: undefined, isBad: true };
        const value = args[argNum++];
        // fmt refuses a width or precision beyond ±1e6.
        const isNumber = kindOf(value) === 'int' && Math.abs(Number(value)) <= 1e6;
        return isNumber ? { value: Number(value), isBad: false } : { value: undefined, isBad: true };
      }
      const digits = /^\d+/.exec(format.slice(i))?.[0];
      if (digits === undefined) return { value: undefined, isBad: false };
      i += digits.length;
      return { value: Number(digits) <= 1e6 ? Number(digits) : undefined, isBad: false };
    };
    const widthRead = readNumber();
    let width = widthRead.value;
    if (widthRead.isBad) out += '%!(BADWIDTH)';
    if (width !== undefined && width < 0) {
      isMinus = true;
      isZero = false;
      width = -width;
    }
    let precision: number | undefined;
    if (format[i] === '.') {
      i++;
      const precisionRead = readNumber();
      precision = precisionRead.value ?? 0;
      if (precisionRead.isBad || precision < 0) {
        precision = undefined;
        out += '%!(BADPREC)';
      }
    }
    readIndex();
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0x25);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!isGoodIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    // As fmt does for %v: `#` asks for Go syntax and `+` for field names, not for their usual effects.
    const isSharpV = verb === 'v' && isSharp;
    const isPlusV = verb === 'v' && isPlus;
    const spec: Spec = {
      verb,
      isMinus,
      isPlus: isPlus && !isPlusV,
      isZero: isZero && !isMinus,
      isSpace,
      isSharp: isSharp && !isSharpV,
      isSharpV,
      isPlusV,
      width,
      precision,
    };
    out += formatArgument(args[argNum++], spec);
  }
  if (!isReordered && argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((arg) => (arg === null || arg === undefined ? '<nil>' : `${typeNameOf(arg)}=${formatValue(arg)}`))
      .join(', ')})`;
  }
  return out;
}

function formatArgument(value: unknown, spec: Spec): string {
  const kind = kindOf(value);
  if (spec.verb === 'T') return kind === 'nil' ? pad('<nil>', spec, false) : (formatScalar(typeNameOf(value), { ...spec, verb: 's' }) ?? '');
  if (spec.verb === 'v' && spec.isSharpV) return goSyntax(value, spec, 0);
  // A Stringer (time.Time, *semver.Version) prints its String() for %v and the string verbs.
  if (value instanceof GoObject && 'vsqxX'.includes(spec.verb)) return formatArgument(value.toString(), spec.verb === 'v' ? { ...spec, verb: 's' } : spec);
  // Lists and maps apply the verb, flags and width to each element; a nil element is a bare `<nil>`.
  const element = (item: unknown) => (item === null || item === undefined ? '<nil>' : formatArgument(item, spec));
  if (kind === 'list') return `[${(value as unknown[]).map(element).join(' ')}]`;
  if (kind === 'map') {
    const map = value as GoMap;
    if (isGoStruct(map)) {
      return `{${Object.entries(map)
        .map(([key, item]) => `${spec.isPlusV ? `${key}:` : ''}${element(item)}`)
        .join(' ')}}`;
    }
    return `map[${sortedKeys(map)
      .map((key) => `${formatArgument(key, spec)}:${element(map[key])}`)
      .join(' ')}]`;
  }
  if (spec.verb === 'v') {
    if (kind === 'nil') return pad('<nil>', spec, false);
    const verb = ({ bool: 't', int: 'd', float: 'g', string: 's' } as Record<string, string>)[kind];
    if (verb) return formatScalar(value, { ...spec, verb }) ?? badVerb(value, spec);
    return pad(formatValue(value), spec, false);
  }
  return formatScalar(value, spec) ?? badVerb(value, spec);
}

// A code point fmt can print: invalid ones become U+FFFD.
function runeText(n: number): string {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
}

function formatScalar(value: unknown, spec: Spec): string | undefined {
  const kind = kindOf(value);
  const { verb } = spec;
  if (kind === 'string') {
    const text = value as string;
    // Precision counts runes for %s and %q, bytes for %x.
    const truncated = spec.precision === undefined ? text : Array.from(text).slice(0, spec.precision).join('');
    if (verb === 's') return pad(truncated, spec, false);
    if (verb === 'q') {
      if (spec.isSharp && canBackquote(truncated)) return pad(`\`${truncated}\``, spec, false);
      return pad(quoteGo(truncated, spec.isPlus), spec, false);
    }
    if (verb === 'x' || verb === 'X') return hexOfBytes(toGoBytes(text), spec);
    return undefined;
  }
  if (kind === 'bool') return verb === 't' ? pad(String(value), spec, false) : undefined;
  if (kind === 'int') {
    // Ints beyond JS's exact range are bigint (values files, literals); digits come from the exact value.
    const exact = BigInt(value as number | bigint);
    const n = Number(exact);
    const radix = { d: 10, x: 16, X: 16, o: 8, O: 8, b: 2 }[verb as 'd'];
    if (radix !== undefined) {
      // With a precision, zero padding is off; precision 0 and value 0 print nothing but padding.
      // fmtInteger: zero padding is a precision of the width (less the sign), taken before any
      // 0x/0o prefix; the rest of the padding is spaces. Precision 0 and value 0 print nothing.
      const spaceSpec = { ...spec, isZero: false };
      if (spec.precision === 0 && exact === 0n) return pad('', spaceSpec, false);
      let digits = (exact < 0n ? -exact : exact).toString(radix);
      if (verb === 'X') digits = digits.toUpperCase();
      const hasSign = exact < 0n || spec.isPlus || spec.isSpace;
      const zeroWidth = spec.isZero && spec.width !== undefined && spec.precision === undefined ? spec.width - (hasSign ? 1 : 0) : 0;
      digits = digits.padStart(Math.max(spec.precision ?? 0, zeroWidth), '0');
      if (spec.isSharp && verb === 'x') digits = `0x${digits}`;
      if (spec.isSharp && verb === 'X') digits = `0X${digits}`;
      if (spec.isSharp && verb === 'b') digits = `0b${digits}`;
      if (spec.isSharp && (verb === 'o' || verb === 'O') && !digits.startsWith('0')) digits = `0${digits}`;
      if (verb === 'O') digits = `0o${digits}`;
      return pad(signed(exact < 0n, digits, spec), spaceSpec, false);
    }
    if (verb === 'c') return pad(runeText(n), spec, false);
    if (verb === 'q') return pad(`'${quoteGo(runeText(n), spec.isPlus).slice(1, -1).replace(/'/g, "\\'").replace(/\\"/g, '"')}'`, spec, false);
    if (verb === 'U') {
      // At least four hex digits, more with a larger precision.
      const hex = (exact < 0n ? exact + 2n ** 64n : exact).toString(16).toUpperCase();
      const code = `U+${hex.padStart(Math.max(4, spec.precision ?? 0), '0')}`;
      const isRune = n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);
      return pad(spec.isSharp && isRune && isGoPrintable(n) ? `${code} '${String.fromCodePoint(n)}'` : code, spec, false);
    }
  }
  // A float64 (a YAML `3.0` is one too); an int gives Go's %!f(int=3).
  if (kind === 'float' && verb === 'b') {
    // strconv's 'b' format: mantissa and binary exponent, `6755399441055744p-52`.
    const n = numberOf(value);
    if (!Number.isFinite(n)) return pad(Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf', { ...spec, isZero: false }, false);
    const { mantissa, exponent } = binaryParts(Math.abs(n));
    return pad(signed(n < 0 || Object.is(n, -0), `${mantissa}p${exponent >= 0 ? '+' : ''}${exponent}`, spec), spec, true);
  }
  if (kind === 'float' && /^[eEfFgGxX]$/.test(verb)) {
    const n = numberOf(value);
    if (Number.isNaN(n)) return pad(spec.isPlus ? '+NaN' : spec.isSpace ? ' NaN' : 'NaN', { ...spec, isZero: false }, false);
    // Infinities keep their sign, as fmt prints them, and are never zero-padded.
    if (!Number.isFinite(n)) return pad(n > 0 ? (spec.isSpace && !spec.isPlus ? ' Inf' : '+Inf') : '-Inf', { ...spec, isZero: false }, false);
    const text = verb === 'x' || verb === 'X' ? hexFloat(Math.abs(n), verb, spec.precision) : formatFloatVerb(Math.abs(n), verb, spec.precision);
    return pad(signed(n < 0 || Object.is(n, -0), spec.isSharp ? sharpFloat(text, verb, spec.precision) : text, spec), spec, true);
  }
  return undefined;
}

// fmt's `#` flag on floats: always a decimal point; %g keeps its trailing zeros (6 digits by default).
function sharpFloat(text: string, verb: string, precision: number | undefined): string {
  let digits = 'gGxX'.includes(verb) ? (precision ?? 6) : 0;
  const tailAt = text.search('xX'.includes(verb) ? /[pP]/ : /[eE]/);
  const body = tailAt < 0 ? text : text.slice(0, tailAt);
  const tail = tailAt < 0 ? '' : text.slice(tailAt);
  let sawNonZero = false;
  for (const char of body.replace(/^0[xX]/, '')) {
    if (char === '.') continue;
    if (char !== '0') sawNonZero = true;
    if (sawNonZero) digits--;
  }
  let out = body;
  if (!body.includes('.')) {
    if (body === '0') digits--;
    out += '.';
  }
  return out + '0'.repeat(Math.max(0, digits)) + tail;
}

function formatFloatVerb(n: number, verb: string, precision: number | undefined): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : 'Inf';
  const lower = verb.toLowerCase();
  let text: string;
  if (lower === 'f') text = toFixedGo(n, precision ?? 6);
  else if (lower === 'e') text = toExponentialGo(n, precision ?? 6);
  else if (precision === undefined) text = formatFloat(n);
  else {
    const significant = Math.max(precision, 1);
    const exponent = Number(toExponentialGo(n, significant - 1).split('e')[1]);
    text =
      exponent < -4 || exponent >= significant
        ? toExponentialGo(n, significant - 1).replace(/\.?0+e/, 'e')
        : toFixedGo(n, Math.max(0, significant - 1 - exponent)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  return verb === lower ? text : text.toUpperCase();
}

// A non-negative finite double as m·2^e, exactly.
function binaryParts(n: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

// round(n · 10^shift) to an integer, halves to even, as strconv rounds the exact binary value.
function scaledRound(n: number, shift: number): bigint {
  const { mantissa, exponent } = binaryParts(n);
  let numerator = mantissa * (shift >= 0 ? 10n ** BigInt(shift) : 1n);
  let denominator = shift < 0 ? 10n ** BigInt(-shift) : 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  const quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/** strconv.FormatFloat(n, 'x', precision, 64) of a non-negative n: `0x1.8p+00`. */
function hexFloat(n: number, verb: string, precision: number | undefined): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : 'Inf';
  let mantissa = 0n;
  let exponent = 0;
  if (n !== 0) {
    const parts = binaryParts(n);
    // Normalize to 1.xxx (52 fraction bits) even for subnormals.
    mantissa = parts.mantissa;
    exponent = parts.exponent + 52;
    while (mantissa < 1n << 52n) {
      mantissa <<= 1n;
      exponent--;
    }
  }
  let fraction = mantissa & ((1n << 52n) - 1n);
  let digits = 13;
  if (precision !== undefined && precision < 13) {
    // Round the 52 fraction bits to `precision` hex digits, halves to even.
    const shift = BigInt(4 * (13 - precision));
    const whole = (mantissa >> shift) + ((mantissa >> (shift - 1n)) & 1n && ((mantissa & ((1n << (shift - 1n)) - 1n)) !== 0n || (mantissa >> shift) & 1n) ? 1n : 0n);
    mantissa = whole << shift;
    if (mantissa >= 1n << 53n) {
      mantissa >>= 1n;
      exponent++;
    }
    fraction = mantissa & ((1n << 52n) - 1n);
    digits = precision;
  }
  let hex = fraction.toString(16).padStart(13, '0').slice(0, digits);
  if (precision === undefined) hex = hex.replace(/0+$/, '');
  else hex = hex.padEnd(precision, '0');
  const lead = n === 0 ? '0' : '1';
  const text = `0x${lead}${hex ? `.${hex}` : ''}p${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return verb === 'X' ? text.toUpperCase() : text;
}

/** strconv.FormatFloat(n, 'f', precision, 64) of a non-negative n. */
function toFixedGo(n: number, precision: number): string {
  const digits = scaledRound(n, precision).toString().padStart(precision + 1, '0');
  return precision === 0 ? digits : `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

/** strconv.FormatFloat(n, 'e', precision, 64) of a non-negative n: `1.234568e+05`. */
function toExponentialGo(n: number, precision: number): string {
  let exponent = n === 0 ? 0 : Number(n.toExponential().split('e')[1]);
  let digits = scaledRound(n, precision - exponent);
  // The shortest form's exponent can be one off the exact value's (1e23 is 9.99…e22).
  if (n !== 0 && digits < 10n ** BigInt(precision)) digits = scaledRound(n, precision - --exponent);
  if (n !== 0 && digits >= 10n ** BigInt(precision + 1)) digits = scaledRound(n, precision - ++exponent);
  const text = digits.toString().padStart(precision + 1, '0');
  const mantissa = precision === 0 ? text : `${text[0]}.${text.slice(1)}`;
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
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

// fmt's fmtSbx: two hex digits a byte; `% x` separates bytes, `%#x` adds 0x (before each byte with a space).
function hexOfBytes(all: Buffer, spec: Spec): string {
  const bytes = spec.precision !== undefined && spec.precision < all.length ? all.subarray(0, spec.precision) : all;
  if (bytes.length === 0) return pad('', spec, false);
  const prefix = spec.isSharp ? (spec.verb === 'X' ? '0X' : '0x') : '';
  let hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0'));
  if (spec.verb === 'X') hex = hex.map((pair) => pair.toUpperCase());
  const text = spec.isSpace ? hex.map((pair) => prefix + pair).join(' ') : prefix + hex.join('');
  return pad(text, spec, false);
}

// strconv.CanBackquote: no control characters other than tab, no backquote, valid UTF-8, no U+FEFF.
function canBackquote(text: string): boolean {
  return !/[`\x00-\x08\x0a-\x1f\x7f\ufeff\ud800-\udfff]/.test(text);
}

/** fmt's `%#v`: Go syntax (`[]interface {}{1, "a"}`, `map[string]interface {}{"a":1}`), scalars with the verb's width and precision. */
function goSyntax(value: unknown, spec: Spec, depth: number): string {
  if (value instanceof GoObject) return value.goSyntax();
  const inner = (item: unknown) => goSyntax(item, spec, depth + 1);
  switch (kindOf(value)) {
    case 'nil':
      return depth > 0 ? 'interface {}(nil)' : pad('<nil>', spec, false);
    case 'string': {
      const text = value as string;
      return pad(quoteGo(spec.precision === undefined ? text : Array.from(text).slice(0, spec.precision).join('')), spec, false);
    }
    case 'bool':
      return formatScalar(value, { ...spec, verb: 't' }) ?? '';
    case 'int':
      return formatScalar(value, { ...spec, verb: 'd' }) ?? '';
    case 'float':
      return formatScalar(value, { ...spec, verb: 'g' }) ?? '';
    case 'list':
      return `${typeNameOf(value)}{${(value as unknown[]).map(inner).join(', ')}}`;
    case 'map': {
      const map = value as GoMap;
      const keys = isGoStruct(map) ? Object.keys(map) : sortedKeys(map);
      const name = (key: string) => (isGoStruct(map) ? key : inner(key));
      return `${typeNameOf(map)}{${keys.map((key) => `${name(key)}:${inner(map[key])}`).join(', ')}}`;
    }
    default:
      return formatValue(value);
  }
}

// fmt's `%!verb(type=value)`: the value printed as %v with the verb's width, precision and flags.
function badVerb(value: unknown, spec: Spec): string {
  if (kindOf(value) === 'nil') return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${typeNameOf(value)}=${formatArgument(value, { ...spec, verb: 'v' })})`;
}

/**
 * strconv.Quote (QuoteToASCII with `asciiOnly`): a double-quoted Go string literal. Runes that
 * unicode.IsPrint rejects are escaped (`\u200b`), an escaped raw byte is `\x..` as Go writes an
 * invalid UTF-8 byte.
 */
export function quoteGo(text: string, asciiOnly = false): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (char === '\x07') out += '\\a';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (isEscapedByte(code)) out += `\\x${(code - 0xdc00).toString(16).padStart(2, '0')}`;
    else if (!asciiOnly && isGoPrintable(code)) out += char;
    else {
      const rune = code >= 0xd800 && code <= 0xdfff ? 0xfffd : code;
      out += rune < 0x10000 ? `\\u${rune.toString(16).padStart(4, '0')}` : `\\U${rune.toString(16).padStart(8, '0')}`;
    }
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
