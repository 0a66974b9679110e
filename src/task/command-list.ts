// Stage 3, normalise: a `cmd` read as ACR's agent shell reads it, as far as command lists go:
// commands joined by `&&`, `||`, `;` or a line break (POSIX). Only operators written in the file
// count; one that came from a value (a template output, an alias, `--set`) or whose origin
// cannot be told stays literal text of its command. Quoted text, `$(…)`, `(…)` and backticks
// hold no operators. Pipes, redirections and `&` are not list operators: they stay in the words.

import { scanQuotes } from './words.js';
import type { ListOperator, ShellBuiltin } from './types.js';

/** Whether cmd text [start, end) is written in the file, came from a value, or cannot be told. */
export type WrittenState = 'written' | 'value' | 'unsure';
export type WrittenCheck = (start: number, end: number) => WrittenState;

export interface ListSegment {
  /** Absent for the first command. */
  readonly operator?: ListOperator;
  /** Index of the operator before the command. */
  readonly operatorIndex: number;
  /** The command's text is text[start, end). */
  readonly start: number;
  readonly end: number;
}

/** An operator character sequence that does not join commands, and why. */
export interface UncountedOperator {
  /** `&&`, `||`, `;` or `a line break`. */
  readonly operator: string;
  readonly index: number;
  readonly reason: 'value' | 'unsure';
}

export interface ListProblem {
  readonly index: number;
  readonly message: string;
  readonly hint: string;
}

export interface SplitCommandList {
  /** The commands in order; empty when the text holds no command. */
  readonly segments: readonly ListSegment[];
  readonly uncounted: readonly UncountedOperator[];
  /** Empty commands (`a &&`, `&& b`, `a ;; b`): the list must not run. */
  readonly problems: readonly ListProblem[];
}

const BLANK = /^[ \t\r\n]*$/;

export function splitCommandList(text: string, check: WrittenCheck): SplitCommandList {
  const scanned = scanQuotes(text);
  const segments: ListSegment[] = [];
  const uncounted: UncountedOperator[] = [];
  const problems: ListProblem[] = [];
  let depth = 0;
  let isInBackticks = false;
  let segmentStart = 0;
  let pending: { operator: ListOperator; index: number; shown: string } | undefined;
  const isBlank = (end: number) => BLANK.test(text.slice(segmentStart, end));
  // Past it, the text is blank: a line break there separates nothing.
  const lastContent = text.search(/[^ \t\r\n][ \t\r\n]*$/);
  const isPlain = (i: number) => {
    const entry = scanned[i];
    return entry !== undefined && entry.quote === 'none' && !entry.isEscaped;
  };
  for (let i = 0; i < scanned.length; i++) {
    const entry = scanned[i];
    if (!entry || entry.isEscaped || entry.quote === 'single') continue;
    if (entry.char === '`') {
      isInBackticks = !isInBackticks;
      continue;
    }
    if (entry.quote !== 'none') continue;
    if (entry.char === '(') depth++;
    else if (entry.char === ')') depth = Math.max(0, depth - 1);
    if (depth > 0 || isInBackticks) continue;
    const next = scanned[i + 1];
    const isDouble = (char: string) => entry.char === char && isPlain(i + 1) && next?.char === char && next.index === entry.index + 1;
    const shown = isDouble('&') ? '&&' : isDouble('|') ? '||' : entry.char === ';' ? ';' : entry.char === '\n' ? 'a line break' : undefined;
    if (shown === undefined) continue;
    const length = shown.length === 2 ? 2 : 1;
    if (length === 2) i++;
    const isEmpty = isBlank(entry.index);
    // A blank line, or the line break that ends the text, separates nothing.
    if (shown === 'a line break' && (isEmpty || entry.index > lastContent)) continue;
    const state = check(entry.index, entry.index + length);
    if (state !== 'written') {
      uncounted.push({ operator: shown, index: entry.index, reason: state });
      continue;
    }
    if (isEmpty) {
      const before = !pending ? 'at the start' : pending.shown === 'a line break' ? 'after a line break' : `after \`${pending.shown}\``;
      problems.push({
        index: entry.index,
        message: `\`cmd\` has \`${shown}\` with no command before it (${before})`,
        hint: shown === ';' ? 'remove the extra `;`' : `write a command before \`${shown}\`, or remove it`,
      });
    } else {
      segments.push({ ...(pending && { operator: pending.operator }), operatorIndex: pending?.index ?? 0, start: segmentStart, end: entry.index });
    }
    const operator: ListOperator = shown === '&&' || shown === '||' ? shown : ';';
    pending = { operator, index: entry.index, shown };
    segmentStart = entry.index + length;
  }
  if (!isBlank(text.length)) {
    segments.push({ ...(pending && { operator: pending.operator }), operatorIndex: pending?.index ?? 0, start: segmentStart, end: text.length });
  } else if (pending && pending.operator !== ';') {
    problems.push({ index: pending.index, message: `\`cmd\` ends with \`${pending.operator}\` and no command after it`, hint: `write the command to run after \`${pending.operator}\`, or remove it` });
  }
  return { segments, uncounted, problems };
}

export const BUILTIN_NAMES: readonly string[] = ['true', 'false', ':', 'echo', 'exit'];

/** A later command's words as a builtin, a problem with its arguments, or undefined when it is no builtin. */
export function readBuiltin(words: readonly string[]): { builtin: ShellBuiltin } | { problem: string; hint: string } | undefined {
  const [name, ...args] = words;
  switch (name) {
    case 'true':
    case 'false':
    case ':':
      return { builtin: { name } };
    case 'echo':
      return { builtin: { name, args } };
    case 'exit': {
      if (args.length === 0) return { builtin: { name } };
      const [status] = args;
      if (args.length > 1 || status === undefined || !/^[0-9]+$/.test(status)) {
        return { problem: `\`exit ${args.join(' ')}\` is not an exit status`, hint: 'write `exit` or `exit N` with a number N from 0 to 255' };
      }
      // As sh: the status is taken modulo 256.
      return { builtin: { name, status: Number(BigInt(status) % 256n) } };
    }
    default:
      return undefined;
  }
}

/** What a POSIX shell's echo prints for these words: joined by spaces, a newline unless the first is `-n`. */
export function echoText(args: readonly string[]): string {
  if (args[0] === '-n') return args.slice(1).join(' ');
  return `${args.join(' ')}\n`;
}
