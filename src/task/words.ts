// Stage 3, normalise: step strings (`cmd`, `build`) → words, split at blanks with POSIX
// quoting rules (shell-quote) and nothing expanded: taskrun never hands these strings to a
// shell, so `$HOME`, `a&&b`, `2>&1` and `#` stay literal words, exactly as the container
// receives them.

import { parse } from 'shell-quote';

export interface UnclosedQuote {
  readonly quote: '"' | "'";
  /** Index in the text of the quote that opened it. */
  readonly index: number;
}

export interface SplitWordsResult {
  readonly words: string[];
  /** The quote left open at the end of the text, if any. */
  readonly unclosedQuote?: UnclosedQuote;
}

// shell-quote expands `$VAR` and drops `#…` as a comment; hiding `$` and `#` behind
// private-use stand-ins keeps both literal (`${A}` stays `${A}`, `x.git#main` stays whole).
const HIDDEN: { readonly [char: string]: string } = { $: '\uE000', '#': '\uE001' };
const SHOWN: { readonly [char: string]: string } = { '\uE000': '$', '\uE001': '#' };
/** Shell operators: escaped before parsing, so they stay inside their word (`a&&b`, `x:$(date)`). */
const OPERATOR_CHARS = '&|;<>()';

export function splitWords(text: string): SplitWordsResult {
  const entries = parse(prepareForShellQuote(text), (name) => `$${name}`);
  const words = entries.map((entry) => {
    const word = typeof entry === 'string' ? entry : 'op' in entry ? (entry.op === 'glob' ? entry.pattern : entry.op) : '';
    return word.replace(/[\uE000\uE001]/g, (char) => SHOWN[char] ?? char);
  });
  const unclosedQuote = findUnclosedQuote(text);
  return unclosedQuote ? { words, unclosedQuote } : { words };
}

// Hides `$` and `#`, escapes operator characters outside quotes, and does the two POSIX steps
// shell-quote gets wrong around them: a backslash-newline outside single quotes joins lines,
// and `\$` / `\`` inside double quotes lose the backslash (`sh -c "echo \$HOME"` hands the
// container `echo $HOME`).
function prepareForShellQuote(text: string): string {
  let out = '';
  let quote: QuoteState = 'none';
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (quote === 'single') {
      out += HIDDEN[char] ?? char;
      if (char === "'") quote = 'none';
      continue;
    }
    if (char === '\\' && index + 1 < text.length) {
      const next = text[index + 1] ?? '';
      index++;
      if (next === '\n') continue;
      out += quote === 'double' && (next === '$' || next === '`') ? (HIDDEN[next] ?? next) : `\\${HIDDEN[next] ?? next}`;
      continue;
    }
    if (char === '\\') {
      // A backslash ending the text has nothing to escape: it is itself.
      out += '\\\\';
      continue;
    }
    if (char === "'" && quote === 'none') quote = 'single';
    else if (char === '"') quote = quote === 'double' ? 'none' : 'double';
    else if (quote === 'none' && OPERATOR_CHARS.includes(char)) {
      out += `\\${char}`;
      continue;
    }
    out += HIDDEN[char] ?? char;
  }
  return out;
}

const BLANKS = ' \t\n';

export type QuoteState = 'none' | 'single' | 'double';

interface ScannedChar {
  readonly char: string;
  readonly index: number;
  readonly quote: QuoteState;
  /** Escaped with a backslash (outside single quotes). */
  readonly isEscaped: boolean;
}

// Walks the text the way a POSIX shell reads quotes, reporting each character's quoting.
export function scanQuotes(text: string): ScannedChar[] {
  const scanned: ScannedChar[] = [];
  let quote: QuoteState = 'none';
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (quote === 'single') {
      if (char === "'") quote = 'none';
      else scanned.push({ char, index, quote, isEscaped: false });
      continue;
    }
    if (char === '\\' && index + 1 < text.length) {
      const next = text[index + 1] ?? '';
      const isEscape = quote === 'none' || '$`"\\\n'.includes(next);
      if (isEscape) {
        scanned.push({ char: next, index: index + 1, quote, isEscaped: true });
        index++;
        continue;
      }
    }
    if (char === "'" && quote === 'none') quote = 'single';
    else if (char === '"') quote = quote === 'double' ? 'none' : 'double';
    else scanned.push({ char, index, quote, isEscaped: false });
  }
  return scanned;
}

function findUnclosedQuote(text: string): UnclosedQuote | undefined {
  let quote: QuoteState = 'none';
  let openedAt = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote === 'single') {
      if (char === "'") quote = 'none';
    } else if (char === '\\') index++;
    else if (char === "'" && quote === 'none') {
      quote = 'single';
      openedAt = index;
    } else if (char === '"') {
      if (quote === 'none') openedAt = index;
      quote = quote === 'double' ? 'none' : 'double';
    }
  }
  if (quote === 'none') return undefined;
  return { quote: quote === 'single' ? "'" : '"', index: openedAt };
}

/**
 * What a host shell (`/bin/sh -c` on the ACR agent) would act on in `text`, in order of
 * appearance and without repeats: redirections, pipes, command separators, command
 * substitution, variables, line breaks, `~` and `#` at the start of a word, and glob
 * characters. Quoted text is left alone the way the shell does.
 */
export function findHostShellFeatures(text: string): string[] {
  const scanned = scanQuotes(text);
  const found: string[] = [];
  const add = (feature: string) => {
    if (!found.includes(feature)) found.push(feature);
  };
  for (let i = 0; i < scanned.length; i++) {
    const current = scanned[i];
    if (!current || current.isEscaped || current.quote === 'single') continue;
    const next = scanned[i + 1];
    const nextChar = next && !next.isEscaped && next.quote === current.quote ? next.char : '';
    const { char, quote } = current;
    if (char === '`') add('backticks');
    else if (char === '$') {
      if (nextChar === '(') add('$(…)');
      else if (nextChar === '{') {
        const end = text.indexOf('}', current.index);
        add(end > 0 ? text.slice(current.index, end + 1) : '${…}');
        while (end > 0 && (scanned[i + 1]?.index ?? Infinity) <= end) i++;
      } else {
        const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(text.slice(current.index + 1))?.[0];
        if (name) add(`$${name}`);
        // `$?`, `$*`, `$#`: the character after `$` is the name, not a glob or a comment.
        if (name?.length === 1 && nextChar === name) i++;
      }
    } else if (quote === 'none') {
      const isWordStart = current.index === 0 || endsWord(scanned[i - 1], current.index - 1);
      if (char === '~' && isWordStart) add('~');
      else if (char === '#' && isWordStart) add('a `#` comment');
      else if (char === '*' || char === '?') add(char);
      else if (char === '[' && closesBracket(scanned, i)) add('[…]');
      else if (char === '&' && nextChar === '&') {
        add('&&');
        i++;
      } else if (char === '|' && nextChar === '|') {
        add('||');
        i++;
      } else if (char === '>' && (nextChar === '>' || nextChar === '&')) {
        add(`>${nextChar}`);
        i++;
      } else if ('><|;&'.includes(char)) add(char);
      else if (char === '\n' && /\S/.test(text.slice(current.index))) add('a line break');
    }
  }
  return found;
}

// A word starts after a blank or an operator character (`a;#x` is a comment in sh too).
function endsWord(scanned: ScannedChar | undefined, index: number): boolean {
  return scanned !== undefined && scanned.index === index && scanned.quote === 'none' && !scanned.isEscaped && WORD_ENDS.includes(scanned.char);
}

const WORD_ENDS = ' \t\n;&|<>()';

// `[` is a glob bracket only when an unquoted `]` closes it in the same word (`[` alone is literal).
function closesBracket(scanned: readonly ScannedChar[], open: number): boolean {
  for (let i = open + 1; i < scanned.length; i++) {
    const entry = scanned[i];
    if (!entry) break;
    if (entry.quote === 'none' && !entry.isEscaped) {
      if (BLANKS.includes(entry.char)) return false;
      if (entry.char === ']' && i > open + 1) return true;
    }
  }
  return false;
}

/**
 * What a host shell would act on in a value ACR writes unquoted into the `/bin/sh -c`
 * line (`--env`, `--workdir`, `--entrypoint`, `--user`): the features of
 * `findHostShellFeatures`, plus blanks (they split the value) and quotes or backslashes
 * (the shell removes them; taskrun passes them on).
 */
export function findHostShellFeaturesInValue(value: string): string[] {
  const found = findHostShellFeatures(value);
  const scanned = scanQuotes(value);
  if (scanned.some((entry) => entry.quote === 'none' && !entry.isEscaped && (entry.char === ' ' || entry.char === '\t'))) {
    found.push('a blank');
  }
  if (/['"\\]/.test(value)) found.push('quotes or backslashes');
  return found;
}
