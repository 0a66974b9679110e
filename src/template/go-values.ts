// Template stage: Go's view of template values — kinds, truthiness, `%v` printing and
// `encoding/json` output — so rendered text matches what acb (Go text/template) prints.

/** A Go float64 whose value is integral (`float64 "3"`, `ceil 2.5`); plain JS integers are Go ints. */
export class GoFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

export type GoMap = { readonly [key: string]: unknown };

/**
 * A Go int64, which Sprig's arithmetic returns (`add`, `mul`, `int64`, …): it prints, compares and
 * converts as an int (valueOf), but it is a different Go type — `%T` says int64, and a function
 * whose parameter is `int` (`trunc`, `repeat`, `until`) refuses it, as Go does.
 */
export class GoInt64 {
  readonly value: number | bigint;
  constructor(value: number | bigint) {
    this.value = value;
  }
  valueOf(): number | bigint {
    return this.value;
  }
  toString(): string {
    return String(this.value);
  }
}

/**
 * A Go value that is neither a template scalar, list nor map: `time.Time`, `*semver.Version`.
 * Printing (`%v`) uses toString(), as fmt uses a Stringer.
 */
export abstract class GoObject {
  /** Go's type name, as `%T` prints it. */
  abstract readonly goType: string;
  /** reflect.Kind's name (Sprig's `kindOf`): `struct`, `ptr`. */
  abstract readonly goKind: string;
  /** encoding/json's text for the value. */
  abstract jsonText(): string;
  /** Go's `%#v`. */
  abstract goSyntax(): string;
  /**
   * The value of a field or argument-less method (`.Major` of a version, `.Unix` of a time), as
   * text/template's `.Name` on a Go value gives it; undefined when the type has none.
   */
  abstract field(name: string): unknown;
}

const GO_TYPE = Symbol('goType');

/**
 * Marks a list or map with the Go type a function returns when it is not `[]interface {}` or
 * `map[string]interface {}` (`splitList` gives `[]string`, `until` `[]int`, `genCA` a struct).
 */
export function withGoType<T extends object>(value: T, goType: string): T {
  Object.defineProperty(value, GO_TYPE, { value: goType, enumerable: false });
  return value;
}

/** The Go type a list or map was marked with, if any. */
export function markedGoType(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ((value as { [GO_TYPE]?: string })[GO_TYPE] ?? undefined) : undefined;
}

/** A struct value (a map marked with a non-map type): printed `{a b}`, fields in declaration order. */
export function isGoStruct(value: unknown): boolean {
  const type = markedGoType(value);
  return type !== undefined && !type.startsWith('map[') && !type.startsWith('[]');
}

export type GoKind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'list' | 'map' | 'other';

export function kindOf(value: unknown): GoKind {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint' || value instanceof GoInt64) return 'int';
  if (value instanceof GoFloat) return 'float';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'list';
  if (isGoMap(value)) return 'map';
  return 'other';
}

export function isGoMap(value: unknown): value is GoMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof GoFloat) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Go's type name as text/template and fmt print it in messages. */
export function typeNameOf(value: unknown): string {
  if (value instanceof GoObject) return value.goType;
  if (value instanceof GoInt64) return 'int64';
  const marked = markedGoType(value);
  if (marked) return marked;
  const names: Record<GoKind, string> = {
    nil: '<nil>',
    bool: 'bool',
    int: 'int',
    float: 'float64',
    string: 'string',
    list: '[]interface {}',
    map: 'map[string]interface {}',
    other: 'interface {}',
  };
  return names[kindOf(value)];
}

export function numberOf(value: unknown): number {
  if (value instanceof GoFloat) return value.value;
  if (value instanceof GoInt64) return Number(value.value);
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : Number.NaN;
}

/** Map keys in Go's order (sorted byte-wise; ASCII keys sort the same in UTF-16). */
export function sortedKeys(map: GoMap): string[] {
  return Object.keys(map).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** text/template's truth: false, 0, "", nil and empty lists/maps are false. */
export function isTruthy(value: unknown): boolean {
  switch (kindOf(value)) {
    case 'nil':
      return false;
    case 'bool':
      return value as boolean;
    case 'int':
    case 'float':
      return numberOf(value) !== 0;
    case 'string':
      return (value as string).length > 0;
    case 'list':
      return (value as unknown[]).length > 0;
    case 'map':
      return Object.keys(value as GoMap).length > 0;
    default:
      return true;
  }
}

/** strconv.FormatFloat(f, 'g', -1, 64), as `%v` prints a float64: `1.5`, `123456`, `1e+06`, `1e-05`. */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const digitCount = mantissa.replace(/[-.]/g, '').length;
  return value.toFixed(Math.max(0, digitCount - 1 - exponent));
}

/** fmt's `%v` for template values: `[a b]`, `map[a:1 b:2]`, `<nil>`, `true`, `1.5`, `1e+06`. */
export function formatValue(value: unknown): string {
  switch (kindOf(value)) {
    case 'nil':
      return '<nil>';
    case 'bool':
      return value ? 'true' : 'false';
    case 'int':
      return String(value);
    case 'float':
      return formatFloat(numberOf(value));
    case 'string':
      return value as string;
    case 'list':
      return `[${(value as unknown[]).map(formatValue).join(' ')}]`;
    case 'map': {
      const map = value as GoMap;
      if (isGoStruct(map)) return `{${Object.values(map).map(formatValue).join(' ')}}`;
      return `map[${sortedKeys(map)
        .map((key) => `${key}:${formatValue(map[key])}`)
        .join(' ')}]`;
    }
    default:
      return String(value);
  }
}

/** Sprig's `strval`: strings as they are, everything else as `%v`. */
export function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : formatValue(value);
}

/**
 * Go `encoding/json` (json.Marshal; MarshalIndent with `indent`): map keys sorted as strings
 * (`"10"` before `"2"`), HTML-safe escapes, floats in Go's shortest form. Undefined where Go
 * fails (NaN, ±Inf: "json: unsupported value").
 */
export function encodeGoJson(value: unknown, indent = ''): string | undefined {
  const parts: string[] = [];
  return writeJson(value, parts, indent, '\n') ? parts.join('') : undefined;
}

function writeJson(value: unknown, out: string[], indent: string, newline: string): boolean {
  switch (kindOf(value)) {
    case 'nil':
      out.push('null');
      return true;
    case 'bool':
      out.push(value ? 'true' : 'false');
      return true;
    case 'int':
      out.push(String(value));
      return true;
    case 'float': {
      const number = numberOf(value);
      if (!Number.isFinite(number)) return false;
      // JS and Go switch to exponents at the same magnitudes and both print `1e-7`, `1e+21`.
      out.push(Object.is(number, -0) ? '-0' : String(number));
      return true;
    }
    case 'string':
      out.push(quoteJson(value as string));
      return true;
    case 'list':
    case 'map': {
      const isList = Array.isArray(value);
      // A struct's fields in declaration order, as encoding/json writes them.
      const keys = isGoStruct(value) ? Object.keys(value as GoMap) : undefined;
      const entries: [string | undefined, unknown][] = isList
        ? (value as unknown[]).map((item) => [undefined, item])
        : (keys ?? sortedKeys(value as GoMap)).map((key) => [key, (value as GoMap)[key]]);
      const [open, close] = isList ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        out.push(open, close);
        return true;
      }
      const inner = indent ? `${newline}${indent}` : '';
      out.push(open);
      for (const [i, [key, item]] of entries.entries()) {
        if (i > 0) out.push(',');
        out.push(inner);
        if (key !== undefined) out.push(quoteJson(key), indent ? ': ' : ':');
        if (!writeJson(item, out, indent, inner || newline)) return false;
      }
      out.push(indent ? newline : '', close);
      return true;
    }
    default:
      out.push(value instanceof GoObject ? value.jsonText() : quoteJson(String(value)));
      return true;
  }
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// Go's encodeState.string: `\b` and `\f` as \u0008 and \u000c, `<>&` and U+2028/9 escaped,
// an unpaired surrogate (an invalid UTF-8 byte in Go) as `\ufffd`.
export function quoteJson(text: string): string {
  const escaped = text.replace(/["\\\u0000-\u001f<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (char) => {
    const simple = JSON_ESCAPES[char];
    if (simple) return simple;
    // Go writes an invalid UTF-8 byte as the escape \ufffd.
    if (char >= '\ud800' && char <= '\udfff') return '\\ufffd';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

/** Go's reflect.DeepEqual for template values (ints and floats of equal value differ, as in Go). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const kind = kindOf(a);
  if (kind !== kindOf(b) || typeNameOf(a) !== typeNameOf(b)) return false;
  if (a instanceof GoObject) return a.goSyntax() === (b as GoObject).goSyntax();
  if (kind === 'list') {
    const left = a as unknown[];
    const right = b as unknown[];
    return left.length === right.length && left.every((item, i) => deepEqual(item, right[i]));
  }
  if (kind === 'map') {
    const left = a as GoMap;
    const right = b as GoMap;
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => key in right && deepEqual(left[key], right[key]));
  }
  if (kind === 'int' || kind === 'float') return numberOf(a) === numberOf(b);
  return a === b || (kind === 'nil' && kind === kindOf(b));
}
