// Template stage: Sprig v2.22's regular expressions, run by re2js (a pure-JS port of RE2, the
// engine behind Go's regexp): Go's syntax, leftmost-first matches on the text's Go bytes, and
// linear time, so a pattern such as `(a+)+$` cannot hang a render. re2js is loaded on the first
// call, so renders without regular expressions do not pay for it.

import { createRequire } from 'node:module';
import { fromGoBytes, toGoBytes } from '../go-strings.js';
import { withGoType } from '../go-values.js';
import { quoteGo } from '../printf.js';
import { asInt, asString, callError, fn, stringBinary, withStringParams } from './support.js';
import type { CallContext, FunctionFamily } from './types.js';

/** The part of re2js's internal RE2 object (Go's regexp API) that taskrun uses. */
interface Re2 {
  findAllUTF8SubmatchIndex(bytes: Uint8Array | number[], n: number): number[][] | null;
  numberOfCapturingGroups(): number;
  readonly namedGroups: Readonly<Record<string, number>>;
}

interface Re2Module {
  readonly RE2JS: { compile(pattern: string): { readonly re2Input: Re2 } };
}

let re2js: Re2Module | undefined;
const compiled = new Map<string, Re2 | Error>();
const CACHE_LIMIT = 256;

function loadRe2js(): Re2Module {
  re2js ??= createRequire(import.meta.url)('re2js') as Re2Module;
  return re2js;
}

/** Go's regexp.Compile: the compiled pattern, or Go's error text. */
function compile(pattern: string): Re2 | Error {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let result: Re2 | Error;
  // Go 1.19 (acb's) knows only `(?P<name>…)`; `(?<name>…)` came with Go 1.22.
  if (/\(\?</.test(pattern.replace(/\\./g, ''))) {
    result = new Error('error parsing regexp: invalid or unsupported Perl syntax: `(?<`');
  } else {
    try {
      result = loadRe2js().RE2JS.compile(pattern).re2Input;
    } catch (cause) {
      result = new Error((cause as Error).message);
    }
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value ?? '');
  compiled.set(pattern, result);
  return result;
}

// regexp.MustCompile's panic, which text/template reports as the call's error.
function mustCompile(context: CallContext, pattern: string): Re2 {
  const re = compile(pattern);
  if (re instanceof Error) callError(context, `regexp: Compile(${goQuoteForRegexp(pattern)}): ${re.message}`);
  return re;
}

// regexp's quote(): a backquoted string when strconv.CanBackquote allows it.
function goQuoteForRegexp(pattern: string): string {
  const canBackquote = !/[`\x00-\x08\x0a-\x1f\x7f\ufeff\ud800-\udfff]/.test(pattern);
  return canBackquote ? `\`${pattern}\`` : quoteGo(pattern);
}

/** Go's FindAll…Index: every match's [start, end, group starts/ends…] in bytes, at most n (n < 0: all). */
function findAll(re: Re2, bytes: Buffer, n: number): number[][] {
  if (n === 0) return [];
  return re.findAllUTF8SubmatchIndex(bytes, n) ?? [];
}

let lastLiteral: [string, Buffer] = ['', Buffer.alloc(0)];
function literalBytes(text: string): Buffer {
  if (lastLiteral[0] !== text) lastLiteral = [text, toGoBytes(text)];
  return lastLiteral[1];
}

// Regexp.Expand's template: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown group is empty, a
// malformed reference is a literal `$`.
function expand(re: Re2, template: string, src: Buffer, match: readonly number[]): Buffer {
  // A template without `$` is the same bytes for every match.
  if (!template.includes('$')) return literalBytes(template);
  const out: Buffer[] = [];
  let rest = template;
  const groupText = (index: number) => {
    const start = match[2 * index];
    const end = match[2 * index + 1];
    if (start !== undefined && end !== undefined && start >= 0) out.push(src.subarray(start, end));
  };
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out.push(toGoBytes(rest.slice(0, dollar)));
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out.push(Buffer.from('$'));
      rest = rest.slice(1);
      continue;
    }
    const reference = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!reference) {
      out.push(Buffer.from('$'));
      continue;
    }
    rest = rest.slice(reference[0].length);
    const name = reference[1] ?? reference[2] ?? '';
    // A number names a group; with a leading zero (`$01`) it is a name, as in Go.
    if (/^(0|[1-9]\d{0,7})$/.test(name)) groupText(Number(name));
    else {
      const index = re.namedGroups[name];
      if (index !== undefined) groupText(index);
    }
  }
  out.push(toGoBytes(rest));
  return Buffer.concat(out);
}

/** Bytes appended into one growing buffer (a million small Buffers would cost more than the match). */
class ByteBuilder {
  private buffer = Buffer.allocUnsafe(1024);
  private length = 0;
  append(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const size = end - start;
    if (this.length + size > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + size));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(bytes.subarray(start, end), this.length);
    this.length += size;
  }
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function replaceAll(context: CallContext, pattern: string, text: string, replace: (src: Buffer, match: readonly number[]) => Buffer): string {
  const re = mustCompile(context, pattern);
  const src = toGoBytes(text);
  const out = new ByteBuilder();
  let last = 0;
  for (const match of findAll(re, src, -1)) {
    const [start = 0, end = 0] = match;
    out.append(src, last, start);
    out.append(replace(src, match));
    last = end;
  }
  out.append(src, last);
  return fromGoBytes(out.bytes());
}

// Regexp.Split: the text between matches, at most n pieces (n < 0: all; 0: none).
function split(context: CallContext, pattern: string, text: string, n: number): string[] {
  const re = mustCompile(context, pattern);
  if (n === 0) return withGoType([], '[]string');
  if (pattern.length > 0 && text.length === 0) return withGoType([''], '[]string');
  const src = toGoBytes(text);
  const pieces: string[] = [];
  let begin = 0;
  let end = 0;
  for (const [start = 0, stop = 0] of findAll(re, src, n)) {
    if (n > 0 && pieces.length === n - 1) break;
    end = start;
    if (stop !== 0) pieces.push(fromGoBytes(src.subarray(begin, end)));
    begin = stop;
  }
  if (end !== src.length) pieces.push(fromGoBytes(src.subarray(begin)));
  return withGoType(pieces, '[]string');
}

export const REGEX_FUNCTIONS: FunctionFamily = {
  // Sprig v2 drops regexp.MatchString's error: a bad pattern does not match.
  regexMatch: stringBinary((pattern, text) => {
    const re = compile(pattern);
    return !(re instanceof Error) && findAll(re, toGoBytes(text), 1).length > 0;
  }),
  regexFind: stringBinary((pattern, text, context) => {
    const src = toGoBytes(text);
    const [match] = findAll(mustCompile(context, pattern), src, 1);
    return match ? fromGoBytes(src.subarray(match[0], match[1])) : '';
  }),
  regexFindAll: withStringParams([0, 1], fn(3, 3, (args, context) => {
    const [pattern, text, count] = [asString(args[0]), asString(args[1]), asInt(args[2])];
    const src = toGoBytes(text);
    const matches = findAll(mustCompile(context, pattern), src, count);
    return withGoType(matches.map(([start, end]) => fromGoBytes(src.subarray(start, end))), '[]string');
  })),
  regexReplaceAll: withStringParams([0, 1, 2], fn(3, 3, (args, context) => {
    const [pattern, text, template] = [asString(args[0]), asString(args[1]), asString(args[2])];
    const re = mustCompile(context, pattern);
    return replaceAll(context, pattern, text, (src, match) => expand(re, template, src, match));
  })),
  regexReplaceAllLiteral: withStringParams([0, 1, 2], fn(3, 3, (args, context) => {
    const [pattern, text, replacement] = [asString(args[0]), asString(args[1]), asString(args[2])];
    const literal = toGoBytes(replacement);
    return replaceAll(context, pattern, text, () => literal);
  })),
  regexSplit: withStringParams([0, 1], fn(3, 3, (args, context) => split(context, asString(args[0]), asString(args[1]), asInt(args[2])))),
};
