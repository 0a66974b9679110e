// Stage 3, normalise: where a character of a YAML scalar's value is written in the text the
// parser read, so a problem inside a value (an unclosed quote in `cmd`) can point at it.
// Plain, quoted and block scalars are decoded again with their source offsets; the result
// counts only when it reads exactly like the parser's value, so a column is never a guess.

export interface FindScalarCharInput {
  /** The text the YAML parser read. */
  readonly text: string;
  /** Offset of the scalar in `text`: its first character, opening quote or `|`/`>`. */
  readonly scalarOffset: number;
  /** The scalar's value as the parser decoded it. */
  readonly value: string;
  /** Index of the character of `value` to find. */
  readonly index: number;
}

/** The offset in `text` where `value[index]` is written (an escape's backslash), or undefined when unsure. */
export function findScalarCharOffset({ text, scalarOffset, value, index }: FindScalarCharInput): number | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= value.length) return undefined;
  const decoded = decodeScalarPrefix(text, scalarOffset, index + 1);
  if (!decoded || decoded.chars.length <= index || decoded.chars.slice(0, index + 1) !== value.slice(0, index + 1)) {
    return undefined;
  }
  return decoded.offsets[index];
}

/**
 * For each character of `value`, the offset in `text` where it is written, as far as the decoding
 * reads exactly like the parser's value: the result is shorter than `value` past the first doubt.
 */
export function findScalarCharOffsets({ text, scalarOffset, value }: Omit<FindScalarCharInput, 'index'>): readonly number[] {
  const decoded = value === '' ? undefined : decodeScalarPrefix(text, scalarOffset, value.length);
  if (!decoded) return [];
  let same = 0;
  while (same < value.length && same < decoded.chars.length && decoded.chars[same] === value[same]) same++;
  return decoded.offsets.slice(0, same);
}

/** Decoded characters, each with the offset in the text it was read from. */
class Decoded {
  chars = '';
  readonly offsets: number[] = [];

  add(text: string, offset: number): void {
    for (const char of text.split('')) {
      this.chars += char;
      this.offsets.push(offset);
    }
  }
}

type FlowStyle = 'plain' | 'single' | 'double';

function decodeScalarPrefix(text: string, offset: number, length: number): Decoded | undefined {
  const first = text[offset];
  if (first === undefined) return undefined;
  if (first === '|' || first === '>') return decodeBlock(text, offset, length);
  if (first === "'") return decodeFlow(text, offset + 1, length, 'single');
  if (first === '"') return decodeFlow(text, offset + 1, length, 'double');
  // An alias, anchor or tag: the value is written elsewhere.
  if ('*&!'.includes(first)) return undefined;
  return decodeFlow(text, offset, length, 'plain');
}

const DOUBLE_QUOTE_ESCAPES: { readonly [char: string]: string } = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_DIGITS: { readonly [char: string]: number } = { x: 2, u: 4, U: 8 };

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

function isBreak(char: string | undefined): boolean {
  return char === '\n' || char === '\r';
}

/** Skips one line break at `start`, then any blank lines: the offset of the next line's content and how many breaks were passed. */
function skipBreaks(text: string, start: number): { offset: number; breaks: number } {
  let offset = start;
  let breaks = 0;
  while (isBreak(text[offset])) {
    offset += text[offset] === '\r' && text[offset + 1] === '\n' ? 2 : 1;
    breaks++;
    while (isBlank(text[offset])) offset++;
  }
  return { offset, breaks };
}

// Plain and quoted scalars: line breaks fold to a space (or to n-1 newlines after n breaks),
// blanks around them are dropped, and quoted scalars end at their closing quote.
function decodeFlow(text: string, start: number, length: number, style: FlowStyle): Decoded | undefined {
  const decoded = new Decoded();
  let blanksFrom: number | undefined;
  let offset = start;
  while (decoded.chars.length < length && offset < text.length) {
    const char = text[offset] ?? '';
    if (isBreak(char)) {
      blanksFrom = undefined;
      const skipped = skipBreaks(text, offset);
      offset = skipped.offset;
      decoded.add(skipped.breaks === 1 ? ' ' : '\n'.repeat(skipped.breaks - 1), offset);
      continue;
    }
    if (isBlank(char)) {
      blanksFrom ??= offset;
      offset++;
      continue;
    }
    if (style === 'plain' && ((char === '#' && blanksFrom !== undefined) || (char === ':' && /^[\s,[\]{}]?$/u.test(text[offset + 1] ?? '')))) {
      return decoded;
    }
    // Blanks inside a line are content; only those before a line break are dropped.
    for (let blank = blanksFrom ?? offset; blank < offset; blank++) decoded.add(text[blank] ?? '', blank);
    blanksFrom = undefined;
    if (style === 'single' && char === "'") {
      if (text[offset + 1] !== "'") return decoded;
      decoded.add("'", offset);
      offset += 2;
      continue;
    }
    if (style === 'double' && char === '"') return decoded;
    if (style === 'double' && char === '\\') {
      const escaped = readEscape(text, offset);
      if (!escaped) return undefined;
      if (escaped.breaks > 0) {
        // An escaped line break joins the lines; blank lines after it still count.
        decoded.add('\n'.repeat(escaped.breaks - 1), escaped.end);
      } else decoded.add(escaped.chars, offset);
      offset = escaped.end;
      continue;
    }
    decoded.add(char, offset);
    offset++;
  }
  return decoded;
}

function readEscape(text: string, offset: number): { chars: string; breaks: number; end: number } | undefined {
  const next = text[offset + 1];
  if (next === undefined) return undefined;
  if (isBreak(next)) {
    const skipped = skipBreaks(text, offset + 1);
    return { chars: '', breaks: skipped.breaks, end: skipped.offset };
  }
  const simple = DOUBLE_QUOTE_ESCAPES[next];
  if (simple !== undefined) return { chars: simple, breaks: 0, end: offset + 2 };
  const digits = HEX_ESCAPE_DIGITS[next];
  if (digits === undefined) return undefined;
  const hex = text.slice(offset + 2, offset + 2 + digits);
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`, 'u').test(hex)) return undefined;
  const codePoint = Number.parseInt(hex, 16);
  if (codePoint > 0x10ffff) return undefined;
  return { chars: String.fromCodePoint(codePoint), breaks: 0, end: offset + 2 + digits };
}

interface BlockLine {
  /** Offset of the line's first content character (after the indentation). */
  readonly offset: number;
  readonly content: string;
  /** Offset of the line break that ends it (the end of the text for the last line). */
  readonly breakOffset: number;
}

// `|` keeps the lines as they are; `>` folds a break between two lines that do not start
// with a blank into a space. Headers with an explicit indentation digit are left alone:
// the indentation they count from is the parent's, which the scalar's text does not show.
function decodeBlock(text: string, offset: number, length: number): Decoded | undefined {
  const isFolded = text[offset] === '>';
  const header = /^[|>][+-]?[ \t]*(?:#[^\r\n]*)?(?:\r?\n|$)/u.exec(text.slice(offset));
  if (!header) return undefined;
  const lines = readBlockLines(text, offset + header[0].length);
  if (!lines) return undefined;
  const decoded = new Decoded();
  let previous: BlockLine | undefined;
  let emptyLines: BlockLine[] = [];
  for (const line of lines) {
    if (decoded.chars.length >= length) break;
    if (isFolded && line.content.trim() === '') {
      emptyLines.push(line);
      continue;
    }
    if (!isFolded) {
      if (previous) decoded.add('\n', previous.breakOffset);
    } else if (!previous) {
      for (const empty of emptyLines) decoded.add('\n', empty.breakOffset);
    } else {
      const isPlainFold = !isBlank(previous.content[0]) && !isBlank(line.content[0]);
      if (isPlainFold && emptyLines.length === 0) decoded.add(' ', previous.breakOffset);
      else decoded.add('\n'.repeat(emptyLines.length + (isPlainFold ? 0 : 1)), previous.breakOffset);
    }
    emptyLines = [];
    for (let i = 0; i < line.content.length; i++) decoded.add(line.content[i] ?? '', line.offset + i);
    previous = line;
  }
  // The final line break (kept unless the header says `-`): the value's last character, read from where it is written.
  if (previous && decoded.chars.length < length && isBreak(text[previous.breakOffset])) decoded.add('\n', previous.breakOffset);
  return decoded;
}

/** The block scalar's lines from `start`, with the indentation of its first non-empty line removed. */
function readBlockLines(text: string, start: number): BlockLine[] | undefined {
  const rawLines: { offset: number; text: string; breakOffset: number }[] = [];
  let offset = start;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    const end = newline < 0 ? text.length : newline;
    const lineText = text.slice(offset, end).replace(/\r$/u, '');
    rawLines.push({ offset, text: lineText, breakOffset: offset + lineText.length });
    if (newline < 0) break;
    offset = newline + 1;
  }
  const firstContent = rawLines.find((line) => line.text.trim() !== '');
  if (!firstContent) return undefined;
  const indent = /^ */u.exec(firstContent.text)?.[0].length ?? 0;
  if (indent === 0) return undefined;
  const lines: BlockLine[] = [];
  for (const line of rawLines) {
    const leading = /^ */u.exec(line.text)?.[0].length ?? 0;
    if (leading < indent && line.text.trim() !== '') break;
    const contentStart = Math.min(leading, indent);
    lines.push({ offset: line.offset + contentStart, content: line.text.slice(contentStart), breakOffset: line.breakOffset });
  }
  return lines;
}
