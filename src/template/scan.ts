// Template stage: splits Go-template text into literal text and `{{ … }}` actions (with
// `{{- -}}` trimming and `{{/* */}}` comments applied) and tokenizes each action. After an
// action it cannot read, it carries on at the next `{{`, so later actions are checked too.

import type { ActionPosition } from './syntax.js';

export type TokenType =
  | 'field' // `.Name`
  | 'dot' // `.`
  | 'variable' // `$name` or `$`
  | 'identifier' // function names and keywords
  | 'string' // "…" or `…` (value already unquoted)
  | 'char' // 'x' (value is the code point)
  | 'number'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'declare' // :=
  | 'assign'; // =

export interface Token {
  readonly type: TokenType;
  /** The token as written. */
  readonly text: string;
  /** Unquoted string, code point of a char, or the name without `.`/`$`. */
  readonly value: string | number;
  /** Whether white space separates it from the previous token. */
  readonly isSpaced: boolean;
}

export type Piece =
  | { readonly kind: 'text'; readonly text: string; readonly offset: number }
  | { readonly kind: 'action'; readonly tokens: readonly Token[]; readonly at: number }
  /**
   * An action with a scan problem: the tokens read before it, and whether the rest of the text
   * was lost with it (an unclosed action or comment), so later `{{end}}`s were never seen.
   */
  | { readonly kind: 'broken'; readonly tokens: readonly Token[]; readonly at: number; readonly isRestLost: boolean };

export interface ScanProblem {
  readonly at: number;
  readonly message: string;
  /** Set for a limit reached; otherwise a syntax error. */
  readonly isLimit?: boolean;
}

interface BrokenAction extends ScanProblem {
  readonly tokens: readonly Token[];
  readonly isRestLost: boolean;
}

export interface ScanResult {
  readonly pieces: readonly Piece[];
  readonly positions: readonly ActionPosition[];
  /** In text order, one per broken action. */
  readonly problems: readonly ScanProblem[];
}

const SPACE = /[ \t\r\n]/;
const MAX_BROKEN_ACTIONS = 1_000;
// Each action costs about 1.5 KB through parsing and rendering; real files have a few thousand.
export const MAX_ACTIONS = 20_000;
// Built on first use, like the Unicode classes they hold (see wordAt). Sticky: the word matches
// at `lastIndex` only, so tokens are read in place without slicing the text.
let unicodeWord: RegExp | undefined;
let unicodeWordChar: RegExp | undefined;

function matchAt(pattern: RegExp, text: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  return pattern.exec(text)?.[0];
}

const isAsciiLetter = (code: number) => (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
const isAsciiDigit = (code: number) => code >= 0x30 && code <= 0x39;

// A Go identifier at `pos` (a letter or _, then letters, digits and _), or undefined. ASCII is
// read by hand: the Unicode patterns cost a small file's render a quarter of a millisecond to
// build and compile, so they are made only once a character past ASCII shows up.
function wordAt(text: string, pos: number): string | undefined {
  let end = pos;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    if (code >= 0x80) return matchAt((unicodeWord ??= /[\p{L}_][\p{L}\p{Nd}_]*/uy), text, pos);
    if (!(isAsciiLetter(code) || (end > pos && isAsciiDigit(code)))) break;
  }
  return end > pos ? text.slice(pos, end) : undefined;
}

function isWordChar(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  return code >= 0x80 ? (unicodeWordChar ??= /[\p{L}\p{Nd}_]/u).test(char) : isAsciiLetter(code) || isAsciiDigit(code);
}

function isSpace(char: string | undefined): boolean {
  return char !== undefined && SPACE.test(char);
}

export function scanTemplate(text: string): ScanResult {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // Actions come in text order, so the line search moves forward only.
  let line = 0;
  const positionOf = (offset: number): ActionPosition => {
    while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? 0) <= offset) line++;
    return { line: line + 1, col: offset - (lineStarts[line] ?? 0) + 1 };
  };

  const pieces: Piece[] = [];
  const positions: ActionPosition[] = [];
  const problems: ScanProblem[] = [];
  let textStart = 0;
  let pos = 0;
  while (pos <= text.length) {
    const open = text.indexOf('{{', pos);
    const textEnd = open < 0 ? text.length : open;
    let isLeftTrim = false;
    let inner = open + 2;
    if (open >= 0 && text[inner] === '-' && isSpace(text[inner + 1])) {
      isLeftTrim = true;
      inner += 2;
    }
    let kept = text.slice(textStart, textEnd);
    if (isLeftTrim) kept = kept.replace(/[ \t\r\n]+$/, '');
    if (kept) pieces.push({ kind: 'text', text: kept, offset: textStart });
    if (open < 0) break;

    const at = positions.length;
    positions.push(positionOf(open));
    if (at >= MAX_ACTIONS) {
      const message = `the template has more than ${MAX_ACTIONS.toLocaleString('en-US')} actions (\`{{ … }}\`; taskrun's limit), so the rest of the file is not read`;
      problems.push({ at, message, isLimit: true });
      pieces.push({ kind: 'broken', tokens: [], at, isRestLost: true });
      break;
    }
    const scanned = text.startsWith('/*', inner) ? scanComment(text, inner, at) : scanAction(text, inner, at);
    // A file of thousands of broken actions is not worth reading to its end.
    const action =
      'message' in scanned && problems.length + 1 >= MAX_BROKEN_ACTIONS
        ? { ...scanned, message: `${scanned.message}; ${MAX_BROKEN_ACTIONS.toLocaleString('en-US')} broken actions, so the rest of the file is not checked`, isRestLost: true }
        : scanned;
    if ('message' in action) {
      problems.push({ at, message: action.message });
      pieces.push({ kind: 'broken', tokens: action.tokens, at, isRestLost: action.isRestLost });
      if (action.isRestLost) break;
      // Where the broken action ends is unknown: carry on at the next `{{`.
      pos = open + 2;
      const next = text.indexOf('{{', pos);
      textStart = next < 0 ? text.length : next;
      continue;
    }
    if (action.tokens) pieces.push({ kind: 'action', tokens: action.tokens, at });
    pos = action.end;
    if (action.isRightTrim) while (isSpace(text[pos])) pos++;
    textStart = pos;
  }
  return { pieces, positions, problems };
}

interface ScannedAction {
  readonly tokens?: readonly Token[];
  readonly end: number;
  readonly isRightTrim: boolean;
}

function scanComment(text: string, start: number, at: number): ScannedAction | BrokenAction {
  const close = text.indexOf('*/', start + 2);
  if (close < 0) return { at, message: 'unclosed comment: `/*` has no matching `*/`', tokens: [], isRestLost: true };
  const after = close + 2;
  if (text.startsWith('}}', after)) return { end: after + 2, isRightTrim: false };
  if (isSpace(text[after]) && text.startsWith('-}}', after + 1)) return { end: after + 4, isRightTrim: true };
  return { at, message: 'comment ends before the closing `}}`: write `{{/* … */}}` with nothing after `*/`', tokens: [], isRestLost: false };
}

function scanAction(text: string, start: number, at: number): ScannedAction | BrokenAction {
  const tokens: Token[] = [];
  const broken = (message: string, isRestLost = false): BrokenAction => ({ at, message, tokens, isRestLost });
  let pos = start;
  let isSpaced = true;
  const push = (type: TokenType, tokenText: string, value: string | number = tokenText) => {
    tokens.push({ type, text: tokenText, value, isSpaced });
    isSpaced = false;
    pos += tokenText.length;
  };
  for (;;) {
    const char = text[pos];
    if (char === undefined) return broken('unclosed action: `{{` has no matching `}}`', true);
    if (isSpace(char) && text[pos + 1] === '-' && text.startsWith('}}', pos + 2)) {
      return { tokens, end: pos + 4, isRightTrim: true };
    }
    if (text.startsWith('}}', pos)) return { tokens, end: pos + 2, isRightTrim: false };
    if (isSpace(char)) {
      isSpaced = true;
      pos++;
      continue;
    }
    if (char === '|') push('pipe', char);
    else if (char === '(') push('lparen', char);
    else if (char === ')') push('rparen', char);
    else if (char === ',') push('comma', char);
    else if (text.startsWith(':=', pos)) push('declare', ':=');
    else if (char === '=') push('assign', char);
    else if (char === '"' || char === "'") {
      const end = findClosingQuote(text, pos, char);
      if (end < 0) return broken(`unterminated ${char === '"' ? 'quoted string' : 'character constant'} in action`);
      const written = text.slice(pos, end + 1);
      const value = unquoteGo(written);
      if (value === undefined) return broken(`invalid escape sequence in ${written}`);
      if (char === "'") {
        const codePoint = value.codePointAt(0);
        if (codePoint === undefined || [...value].length !== 1) return broken(`malformed character constant ${written}`);
        push('char', written, codePoint);
      } else push('string', written, value);
    } else if (char === '`') {
      const end = text.indexOf('`', pos + 1);
      if (end < 0) return broken('unterminated raw quoted string in action');
      const written = text.slice(pos, end + 1);
      push('string', written, written.slice(1, -1));
    } else if (char === '$') {
      const name = wordAt(text, pos + 1) ?? '';
      push('variable', `$${name}`, name);
    } else if (char === '.' && wordAt(text, pos + 1) !== undefined && !/\d/.test(text[pos + 1] ?? '')) {
      const name = wordAt(text, pos + 1) ?? '';
      push('field', `.${name}`, name);
    } else if (/[\d+-]/.test(char) || (char === '.' && /\d/.test(text[pos + 1] ?? ''))) {
      const end = scanNumber(text, pos);
      if (end < 0) return broken(`\`${text.slice(pos, -end + 1)}\` is an imaginary number; taskrun does not evaluate complex numbers`);
      if (isWordChar(text[end]) || text[end] === '.') {
        return broken(`bad number syntax: ${text.slice(pos, end + 1)}`);
      }
      push('number', text.slice(pos, end));
    } else if (char === '.') push('dot', char);
    else if (wordAt(text, pos) !== undefined) push('identifier', wordAt(text, pos) ?? '');
    else return broken(`unrecognized character in action: ${JSON.stringify(char)}`);
  }
}

const DECIMAL = '0123456789_';
const HEX = '0123456789abcdefABCDEF_';

/**
 * Go's lexer (text/template/parse scanNumber): sign, base prefix, digits, fraction, `e` exponent
 * for decimals or `p` for hex. The end of the number; negative (its negated end) when an `i`
 * (an imaginary number, which taskrun does not evaluate) follows.
 */
function scanNumber(text: string, start: number): number {
  let pos = start;
  const acceptRun = (chars: string) => {
    while (pos < text.length && chars.includes(text[pos] ?? '')) pos++;
  };
  const accept = (chars: string) => {
    if (pos < text.length && chars.includes(text[pos] ?? '')) {
      pos++;
      return true;
    }
    return false;
  };
  accept('+-');
  let digits = DECIMAL;
  if (accept('0')) {
    if (accept('xX')) digits = HEX;
    else if (accept('oO')) digits = '01234567_';
    else if (accept('bB')) digits = '01_';
  }
  acceptRun(digits);
  if (accept('.')) acceptRun(digits);
  if (digits === DECIMAL && accept('eE')) {
    accept('+-');
    acceptRun(DECIMAL);
  }
  if (digits === HEX && accept('pP')) {
    accept('+-');
    acceptRun(DECIMAL);
  }
  return text[pos] === 'i' ? -pos : pos;
}

function findClosingQuote(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === quote) return i;
    else if (char === '\n') return -1;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Go's strconv.Unquote for "…" and '…' literals; undefined on a bad escape. */
export function unquoteGo(written: string): string | undefined {
  const body = written.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = body.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(digits)) return undefined;
      out += String.fromCodePoint(parseInt(digits, 16));
      i += 1 + hexLength;
      continue;
    }
    const octal = body.slice(i + 1, i + 4);
    if (/^[0-7]{3}$/.test(octal)) {
      out += String.fromCodePoint(parseInt(octal, 8));
      i += 3;
      continue;
    }
    return undefined;
  }
  return out;
}
