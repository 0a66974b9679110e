// Template stage: Sprig v2.22's string functions, byte for byte as Go runs them: Go strings are
// bytes, so `trunc`, `substr`, `abbrev`, `wrap`, `initials` and `nospace` count and cut bytes
// (Masterminds/goutils and huandu/xstrings, the versions acr-builder vendors).

import { fromGoBytes, goByteLength, sliceGoBytes, toGoBytes } from '../go-strings.js';
import { formatValue, stringOf, withGoType } from '../go-values.js';
import { quoteGo } from '../printf.js';
import {
  isGoLetter,
  isGoLower,
  isGoNumber,
  isGoPunct,
  isGoSpace,
  isGoTitle,
  isGoUpper,
  lowerRune,
  titleRune,
  toGoLower,
  toGoTitle,
  toGoUpper,
  upperRune,
} from '../unicode-case.js';
import {
  asInt,
  asString,
  callError,
  checkLength,
  fn,
  isPresent,
  MANY,
  stringBinary,
  stringUnary,
  toStrings,
  unary,
  withStringParams,
} from './support.js';
import type { CallContext, FunctionFamily } from './types.js';

/** Go's runtime panic for a bad string slice `s[low:high]`. */
function sliceBoundsError(context: CallContext, text: string, low: number | undefined, high: number | undefined): never {
  const length = goByteLength(text);
  if (high !== undefined && (high < 0 || high > length)) {
    callError(context, `runtime error: slice bounds out of range [:${high}]${high < 0 ? '' : ` with length ${length}`}`);
  }
  const end = high ?? length;
  callError(context, `runtime error: slice bounds out of range [${low ?? 0}:${low !== undefined && low < 0 ? '' : end}]`);
}

/** Go's `s[low:high]` on bytes, with Go's panic when the bounds are out of range. */
function goSlice(context: CallContext, text: string, low: number | undefined, high: number | undefined): string {
  const length = goByteLength(text);
  const end = high ?? length;
  const start = low ?? 0;
  if (end < 0 || end > length || start < 0 || start > end) sliceBoundsError(context, text, low, high);
  return sliceGoBytes(text, start, end);
}

function substr(context: CallContext, start: number, end: number, text: string): string {
  if (start < 0) return goSlice(context, text, undefined, end);
  if (end < 0 || end > goByteLength(text)) return goSlice(context, text, start, undefined);
  return goSlice(context, text, start, end);
}

// goutils.AbbreviateFull: byte offsets; "" when Go returns an error (Sprig drops it).
function abbreviateFull(text: string, offsetIn: number, maxWidth: number): string {
  if (text === '') return '';
  if (maxWidth < 4) return '';
  const length = goByteLength(text);
  if (length <= maxWidth) return text;
  let offset = Math.min(offsetIn, length);
  if (length - offset < maxWidth - 3) offset = length - (maxWidth - 3);
  if (offset <= 4) return `${sliceGoBytes(text, 0, maxWidth - 3)}...`;
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < length) return `...${abbreviateFull(sliceGoBytes(text, offset), 0, maxWidth - 3)}`;
  return `...${sliceGoBytes(text, length - (maxWidth - 3))}`;
}

// goutils.WrapCustom on bytes: breaks at the last space within the width; long words stay whole
// unless `wrapLongWords`.
function wrapCustom(text: string, wrapLengthIn: number, newLineIn: string, wrapLongWords: boolean): string {
  if (text === '') return '';
  const newLine = toGoBytes(newLineIn === '' ? '\n' : newLineIn);
  const wrapLength = Math.max(1, wrapLengthIn);
  const bytes = toGoBytes(text);
  const SPACE = 0x20;
  const out: Buffer[] = [];
  let offset = 0;
  while (bytes.length - offset > wrapLength) {
    if (bytes[offset] === SPACE) {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const spaceToWrapAt = bytes.subarray(offset, end).lastIndexOf(SPACE) + offset;
    if (spaceToWrapAt >= offset) {
      out.push(bytes.subarray(offset, spaceToWrapAt), newLine);
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out.push(bytes.subarray(offset, wrapLength + offset), newLine);
      offset += wrapLength;
    } else {
      const index = bytes.subarray(wrapLength + offset).indexOf(SPACE);
      if (index === -1) {
        out.push(bytes.subarray(offset));
        offset = bytes.length;
      } else {
        const at = index + wrapLength + offset;
        out.push(bytes.subarray(offset, at), newLine);
        offset = at + 1;
      }
    }
  }
  out.push(bytes.subarray(offset));
  return fromGoBytes(Buffer.concat(out));
}

// unicode.IsSpace of a single byte read as a rune (goutils' byte loops): Latin-1's spaces.
const isSpaceByte = (byte: number) => (byte >= 0x09 && byte <= 0x0d) || byte === 0x20 || byte === 0x85 || byte === 0xa0;

// goutils.DeleteWhiteSpace reads bytes as runes: with a space to delete, every other byte is written
// as the rune of the same number (a UTF-8 lead byte 0xC3 becomes `Ã`), as Sprig's nospace does.
function deleteWhiteSpace(text: string): string {
  const bytes = toGoBytes(text);
  if (!bytes.some(isSpaceByte)) return text;
  let out = '';
  for (const byte of bytes) if (!isSpaceByte(byte)) out += String.fromCharCode(byte);
  return out;
}

// goutils.Initials, byte-wise like DeleteWhiteSpace: the first byte of each word, as a rune.
function initials(text: string): string {
  let out = '';
  let lastWasGap = true;
  for (const byte of toGoBytes(text)) {
    if (isSpaceByte(byte)) lastWasGap = true;
    else if (lastWasGap) {
      out += String.fromCharCode(byte);
      lastWasGap = false;
    }
  }
  return out;
}

// goutils.Uncapitalize: the first rune of each space-separated word lower-cased.
function uncapitalize(text: string): string {
  let out = '';
  let next = true;
  for (const char of text) {
    if (isGoSpace(char)) {
      next = true;
      out += char;
    } else if (next) {
      out += lowerRune(char);
      next = false;
    } else out += char;
  }
  return out;
}

// goutils.SwapCase: upper and title to lower; lower to title after white space, else to upper.
function swapCase(text: string): string {
  let out = '';
  let isAfterSpace = true;
  for (const char of text) {
    if (isGoUpper(char) || isGoTitle(char)) {
      out += lowerRune(char);
      isAfterSpace = false;
    } else if (isGoLower(char)) {
      out += isAfterSpace ? titleRune(char) : upperRune(char);
      isAfterSpace = false;
    } else {
      out += char;
      isAfterSpace = isGoSpace(char);
    }
  }
  return out;
}

function shuffle(text: string): string {
  const runes = Array.from(text);
  for (let i = runes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [runes[i], runes[j]] = [runes[j] ?? '', runes[i] ?? ''];
  }
  return runes.join('');
}

// --- huandu/xstrings v1.3.2: ToCamelCase, ToSnakeCase, ToKebabCase ---

const isConnector = (char: string) => char === '-' || char === '_' || isGoSpace(char);

function isAlphabet(char: string): boolean {
  if (!isGoLetter(char)) return false;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x3400) return true;
  const isCjk = (code >= 0x4e00 && code <= 0x9fcc) || (code >= 0x3400 && code <= 0x4d85) || (code >= 0x20000 && code <= 0x2b81d);
  return !isCjk;
}

function toCamelCase(text: string): string {
  const runes = Array.from(text);
  if (runes.length === 0) return '';
  let out = '';
  let i = 0;
  let r0 = '';
  while (i < runes.length) {
    r0 = runes[i++] ?? '';
    if (!isConnector(r0)) {
      r0 = upperRune(r0);
      break;
    }
    out += r0;
  }
  // Go writes the last rune once more when the text is all connectors (`_` gives `__`).
  if (i >= runes.length) return out + r0;
  while (i < runes.length) {
    const r1 = r0;
    r0 = runes[i++] ?? '';
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = upperRune(r0);
    else {
      r0 = lowerRune(r0);
      out += r1;
    }
  }
  return out + r0;
}

const enum Word {
  Invalid,
  Number,
  UpperCase,
  Alphabet,
  Connector,
  Punct,
  Other,
}

interface NextWord {
  readonly type: Word;
  readonly word: string;
  readonly rest: number;
}

// utf8.RuneError to xstrings: a byte that is not UTF-8 (held as U+DC80–U+DCFF) or U+FFFD itself.
const isInvalidRune = (char: string) => char === '\ufffd' || /^[\udc80-\udcff]$/.test(char);

// xstrings' nextWord, step for step: nextValidRune skips invalid runes, which then belong to the
// word of the next valid one (or, at the end, to the word before).
function nextWord(runes: readonly string[], start: number): NextWord {
  const n = runes.length;
  if (start >= n) return { type: Word.Invalid, word: '', rest: n };
  const nextValid = (from: number, prev: string): [string, number] => {
    for (let j = from; j < n; j++) if (!isInvalidRune(runes[j] ?? '')) return [runes[j] ?? '', j + 1];
    return [prev, n];
  };
  let [r, offset] = nextValid(start, '\ufffd');
  const word = (type: Word): NextWord => ({ type, word: runes.slice(start, offset).join(''), rest: offset });
  if (isInvalidRune(r)) return word(Word.Invalid);
  // Extends the word while `test` holds for the next valid rune.
  const extendWhile = (test: (char: string) => boolean) => {
    while (offset < n) {
      const [next, end] = nextValid(offset, r);
      r = next;
      if (!test(next)) break;
      offset = end;
    }
  };
  if (isConnector(r)) {
    extendWhile(isConnector);
    return word(Word.Connector);
  }
  if (isGoPunct(r)) {
    extendWhile(isGoPunct);
    return word(Word.Punct);
  }
  if (isGoUpper(r)) {
    if (offset < n) {
      const [second, secondEnd] = nextValid(offset, r);
      r = second;
      if (isGoUpper(second)) {
        let lastStart = offset;
        offset = secondEnd;
        while (offset < n) {
          const [next, end] = nextValid(offset, r);
          r = next;
          if (!isGoUpper(next)) break;
          lastStart = offset;
          offset = end;
        }
        // An upper-case run followed by a letter leaves its last capital to the next word (`HTTPServer`).
        if (offset < n && isAlphabet(r)) offset = lastStart;
      } else if (isAlphabet(second)) {
        offset = secondEnd;
        extendWhile((char) => isAlphabet(char) && !isGoUpper(char));
      }
    }
    return word(Word.UpperCase);
  }
  if (isAlphabet(r)) {
    extendWhile((char) => isAlphabet(char) && !isGoUpper(char));
    return word(Word.Alphabet);
  }
  if (isGoNumber(r)) {
    extendWhile(isGoNumber);
    return word(Word.Number);
  }
  extendWhile((char) => !(isConnector(char) || isAlphabet(char) || isGoNumber(char) || isGoPunct(char)));
  return word(Word.Other);
}

function lowerWord(type: Word, word: string, connector: string): string {
  if (type !== Word.UpperCase && type !== Word.Connector) return word;
  return Array.from(word, (char) =>
    isInvalidRune(char) ? '\ufffd' : isConnector(char) ? connector : isGoUpper(char) ? lowerRune(char) : char,
  ).join('');
}

function camelCaseToLowerCase(text: string, connector: string): string {
  const runes = Array.from(text);
  if (runes.length === 0) return '';
  let out = '';
  let current = nextWord(runes, 0);
  const advance = () => {
    current = nextWord(runes, current.rest);
  };
  // A getter: `advance` replaces `current`, which TypeScript's narrowing does not see.
  const type = (): Word => current.type;
  const isLetterOrNumber = () => type() === Word.Alphabet || type() === Word.Number;
  while (current.rest < runes.length) {
    if (current.type !== Word.Connector) out += lowerWord(current.type, current.word, connector);
    const prev = current;
    advance();
    switch (prev.type) {
      case Word.Number:
        while (isLetterOrNumber()) {
          out += lowerWord(current.type, current.word, connector);
          advance();
        }
        if (type() !== Word.Invalid && type() !== Word.Punct) out += connector;
        break;
      case Word.Connector:
        out += lowerWord(prev.type, prev.word, connector);
        break;
      case Word.Punct:
        break;
      default: {
        if (type() !== Word.Number) {
          if (type() !== Word.Connector && type() !== Word.Punct) out += connector;
          break;
        }
        if (current.rest >= runes.length) break;
        const last = current.word;
        advance();
        if (type() !== Word.Alphabet) {
          out += lowerWord(Word.Number, last, connector);
          if (type() !== Word.Connector && type() !== Word.Punct) out += connector;
          break;
        }
        out += connector + lowerWord(Word.Number, last, connector);
        while (isLetterOrNumber()) {
          out += lowerWord(current.type, current.word, connector);
          advance();
        }
        if (type() !== Word.Invalid && type() !== Word.Connector && type() !== Word.Punct) out += connector;
      }
    }
  }
  return out + lowerWord(current.type, current.word, connector);
}

// --- Go strings functions ---

// Go's strings.Split / SplitN: an empty separator splits into code points; n < 0 is all, 0 none.
function splitN(text: string, separator: string, n: number): string[] {
  if (n === 0) return [];
  const parts = separator === '' ? Array.from(text) : text.split(separator);
  if (n < 0 || parts.length <= n) return parts;
  const head = parts.slice(0, n - 1);
  return [...head, parts.slice(n - 1).join(separator)];
}

function partsMap(parts: readonly string[]): Record<string, string> {
  return withGoType(Object.fromEntries(parts.map((part, i) => [`_${i}`, part])), 'map[string]string');
}

// Go's strings.Replace(src, old, new, -1): an empty `old` inserts `new` at every code point boundary.
function replaceAll(src: string, old: string, replacement: string): string {
  if (old !== '') return src.split(old).join(replacement);
  return replacement + Array.from(src, (char) => char + replacement).join('');
}

function trimCutset(text: string, cutset: string): string {
  const chars = new Set(cutset);
  const list = Array.from(text);
  let start = 0;
  let end = list.length;
  while (start < end && chars.has(list[start] ?? '')) start++;
  while (end > start && chars.has(list[end - 1] ?? '')) end--;
  return list.slice(start, end).join('');
}

function indent(context: CallContext, spaces: number, text: string): string {
  if (spaces < 0) callError(context, 'strings: negative Repeat count');
  const lines = text.split('\n').length;
  checkLength(context, text.length + Math.max(0, spaces) * lines);
  const pad = ' '.repeat(spaces);
  return pad + text.split('\n').join(`\n${pad}`);
}

/** Go's sort.Strings order: byte-wise, which differs from UTF-16 order above U+FFFF. */
export function compareGoStrings(a: string, b: string): number {
  if (/^[\x00-\x7f]*$/.test(a) && /^[\x00-\x7f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(toGoBytes(a), toGoBytes(b));
}

const joinPresent = (args: readonly unknown[], format: (value: unknown) => string) => args.filter(isPresent).map(format).join(' ');

export const STRING_FUNCTIONS: FunctionFamily = {
  hello: fn(0, 0, () => 'Hello!'),
  quote: fn(0, MANY, (args) => joinPresent(args, (arg) => quoteGo(stringOf(arg)))),
  squote: fn(0, MANY, (args) => joinPresent(args, (arg) => `'${formatValue(arg)}'`)),
  cat: fn(0, MANY, (args) => joinPresent(args, formatValue)),
  lower: stringUnary(toGoLower),
  upper: stringUnary(toGoUpper),
  title: stringUnary(toGoTitle),
  untitle: stringUnary(uncapitalize),
  trim: stringUnary((text) => text.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '')),
  trimAll: stringBinary((cutset, text) => trimCutset(text, cutset)),
  trimall: stringBinary((cutset, text) => trimCutset(text, cutset)),
  trimPrefix: stringBinary((prefix, text) => (text.startsWith(prefix) ? text.slice(prefix.length) : text)),
  trimSuffix: stringBinary((suffix, text) => (suffix && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text)),
  replace: withStringParams([0, 1, 2], fn(3, 3, (args) => {
    const [old, replacement, src] = [asString(args[0]), asString(args[1]), asString(args[2])];
    return replaceAll(src, old, replacement);
  })),
  contains: stringBinary((needle, text) => text.includes(needle)),
  hasPrefix: stringBinary((prefix, text) => text.startsWith(prefix)),
  hasSuffix: stringBinary((suffix, text) => text.endsWith(suffix)),
  repeat: withStringParams([1], fn(2, 2, (args, context) => {
    const count = asInt(args[0]);
    const text = asString(args[1]);
    if (count < 0) callError(context, 'strings: negative Repeat count');
    checkLength(context, text.length * count);
    return text.repeat(count);
  })),
  substr: withStringParams([2], fn(3, 3, (args, context) => substr(context, asInt(args[0]), asInt(args[1]), asString(args[2])))),
  trunc: withStringParams([1], fn(2, 2, (args, context) => {
    const count = asInt(args[0]);
    const text = asString(args[1]);
    return goByteLength(text) <= count ? text : goSlice(context, text, 0, count);
  })),
  abbrev: withStringParams([1], fn(2, 2, (args) => {
    const width = asInt(args[0]);
    const text = asString(args[1]);
    return width < 4 ? text : abbreviateFull(text, 0, width);
  })),
  abbrevboth: withStringParams([2], fn(3, 3, (args) => {
    const left = asInt(args[0]);
    const right = asInt(args[1]);
    const text = asString(args[2]);
    return right < 4 || (left > 0 && right < 7) ? text : abbreviateFull(text, left, right);
  })),
  nospace: stringUnary(deleteWhiteSpace),
  initials: stringUnary(initials),
  swapcase: stringUnary(swapCase),
  shuffle: stringUnary(shuffle),
  snakecase: stringUnary((text) => camelCaseToLowerCase(text, '_')),
  kebabcase: stringUnary((text) => camelCaseToLowerCase(text, '-')),
  camelcase: stringUnary(toCamelCase),
  wrap: withStringParams([1], fn(2, 2, (args) => {
    const [width, text] = [asInt(args[0]), asString(args[1])];
    return wrapCustom(text, width, '', false);
  })),
  wrapWith: withStringParams([1, 2], fn(3, 3, (args) => {
    const [width, separator, text] = [asInt(args[0]), asString(args[1]), asString(args[2])];
    return wrapCustom(text, width, separator, true);
  })),
  indent: withStringParams([1], fn(2, 2, (args, context) => indent(context, asInt(args[0]), asString(args[1])))),
  nindent: withStringParams([1], fn(2, 2, (args, context) => `\n${indent(context, asInt(args[0]), asString(args[1]))}`)),
  plural: withStringParams([0, 1], fn(3, 3, (args) => {
    const [one, many, count] = [asString(args[0]), asString(args[1]), asInt(args[2])];
    return count === 1 ? one : many;
  })),
  toString: unary((value) => stringOf(value)),
  join: withStringParams([0], fn(2, 2, (args) => toStrings(args[1]).join(asString(args[0])))),
  split: stringBinary((separator, text) => partsMap(splitN(text, separator, -1))),
  splitn: withStringParams([0, 2], fn(3, 3, (args) => {
    const [separator, count, text] = [asString(args[0]), asInt(args[1]), asString(args[2])];
    return partsMap(splitN(text, separator, count));
  })),
  splitList: stringBinary((separator, text) => withGoType(splitN(text, separator, -1), '[]string')),
  toStrings: unary((value) => withGoType(toStrings(value), '[]string')),
};
