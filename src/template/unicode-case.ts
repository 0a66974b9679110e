// Template stage: Go's case mapping for `upper`, `lower` and `title` — unicode.ToUpper,
// ToLower and ToTitle applied per code point (simple case mapping: one code point in, one out),
// where JS's toUpperCase/toLowerCase use full mappings (`ß` → `SS`) and context (final sigma).

import { isNewerThanGo } from './unicode-version.js';

// Code points whose full JS mapping is several code points but whose simple mapping (Go's) is
// another single code point; the rest of those keep their code point, as Go does for `ß`.
const SIMPLE_UPPER: ReadonlyMap<number, number> = new Map([
  ...rangeShift(0x1f80, 0x1f87, 8),
  ...rangeShift(0x1f90, 0x1f97, 8),
  ...rangeShift(0x1fa0, 0x1fa7, 8),
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
]);
const SIMPLE_LOWER: ReadonlyMap<number, number> = new Map([[0x0130, 0x0069]]);
// Where title case differs from upper case: the Latin digraphs (`ǆ` → `ǅ`, not `Ǆ`) and the
// Georgian Mkhedruli letters, which have an upper case (Mtavruli) but are their own title case.
const SIMPLE_TITLE: ReadonlyMap<number, number> = new Map([
  ...[0x01c4, 0x01c5, 0x01c6].map((code): [number, number] => [code, 0x01c5]),
  ...[0x01c7, 0x01c8, 0x01c9].map((code): [number, number] => [code, 0x01c8]),
  ...[0x01ca, 0x01cb, 0x01cc].map((code): [number, number] => [code, 0x01cb]),
  ...[0x01f1, 0x01f2, 0x01f3].map((code): [number, number] => [code, 0x01f2]),
  ...rangeShift(0x10d0, 0x10fa, 0),
  ...rangeShift(0x10fd, 0x10ff, 0),
]);

function rangeShift(first: number, last: number, shift: number): [number, number][] {
  return Array.from({ length: last - first + 1 }, (_, i) => [first + i, first + i + shift]);
}

function mapCodePoint(char: string, simple: ReadonlyMap<number, number>, full: (char: string) => string): string {
  const code = char.codePointAt(0) ?? 0;
  // A byte that is not valid UTF-8 (held as U+DC80–U+DCFF) is utf8.RuneError to Go's strings.Map.
  if (code >= 0xdc80 && code <= 0xdcff) return '\ufffd';
  if (isNewerThanGo(code)) return char;
  const special = simple.get(code);
  if (special !== undefined) return String.fromCodePoint(special);
  const mapped = full(char);
  // A mapping to a character newer than Go 1.19's Unicode (`ƛ` → U+A7DC) is none in Go.
  return [...mapped].length === 1 && !isNewerThanGo(mapped.codePointAt(0) ?? 0) ? mapped : char;
}

const upperOf = (char: string) => mapCodePoint(char, SIMPLE_UPPER, (c) => c.toUpperCase());
const lowerOf = (char: string) => mapCodePoint(char, SIMPLE_LOWER, (c) => c.toLowerCase());
const titleOf = (char: string) => mapCodePoint(char, SIMPLE_TITLE, upperOf);

/** Go's strings.ToUpper: `upper "ß"` is `ß`. */
export function toGoUpper(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text.toUpperCase() : Array.from(text, upperOf).join('');
}

/** Go's strings.ToLower: `lower "İ"` is `i`, and `Σ` is always `σ`. */
export function toGoLower(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : Array.from(text, lowerOf).join('');
}

// Go's strings.Title: title-cases the first letter of every word; words end at ASCII characters
// other than letters, digits and `_`, and at Unicode white space.
export function toGoTitle(text: string): string {
  let isAfterSeparator = true;
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += isAfterSeparator ? titleOf(char) : code >= 0xdc80 && code <= 0xdcff ? '\ufffd' : char;
    isAfterSeparator = isWordSeparator(char);
  }
  return out;
}

function isWordSeparator(char: string): boolean {
  if ((char.codePointAt(0) ?? 0) <= 0x7f) return !/[0-9A-Za-z_]/.test(char);
  if (/[\p{L}\p{Nd}]/u.test(char)) return false;
  return /\p{White_Space}/u.test(char);
}

/** unicode.ToUpper, ToLower and ToTitle of one code point. */
export const upperRune = upperOf;
export const lowerRune = lowerOf;
export const titleRune = titleOf;

// A category test in Go 1.19's Unicode: characters newer than it are in no category. The
// pattern is built at the first test: building a \p{…} class takes some 50 µs, which every
// start would pay for tests most task files never make.
const inGoCategory = (category: string) => {
  let pattern: RegExp | undefined;
  return (char: string): boolean => (pattern ??= new RegExp(`\\p{${category}}`, 'u')).test(char) && !isNewerThanGo(char.codePointAt(0) ?? 0);
};

/** Go's unicode category tests for one code point (unicode.IsUpper, IsLower, …). */
export const isGoUpper = inGoCategory('Lu');
const isLowercaseLetter = inGoCategory('Ll');
// U+0295 (ʕ) was a lower-case letter until Unicode 16.
export const isGoLower = (char: string): boolean => char === '\u0295' || isLowercaseLetter(char);
export const isGoTitle = inGoCategory('Lt');
export const isGoLetter = inGoCategory('L');
export const isGoNumber = inGoCategory('N');
export const isGoPunct = inGoCategory('P');
/** unicode.IsSpace: `\t \n \v \f \r`, space, U+0085, U+00A0 and Unicode's White_Space. */
export const isGoSpace = (char: string): boolean => /\p{White_Space}/u.test(char);
