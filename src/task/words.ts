// Stage 3, normalise: step strings (`cmd`, `build`) → words, with POSIX quoting
// rules and nothing expanded: taskrun never hands these strings to a shell, so
// `$HOME`, `>` and `#` stay literal words, exactly as the container receives them.

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

export function splitWords(text: string): SplitWordsResult {
  const entries = parse(prepareForShellQuote(text), (name) => `$${name}`);
  const words = entries.map((entry) => {
    const word = typeof entry === 'string' ? entry : 'op' in entry ? (entry.op === 'glob' ? entry.pattern : entry.op) : '';
    return word.replace(/[\uE000\uE001]/g, (char) => SHOWN[char] ?? char);
  });
  const unclosedQuote = findUnclosedQuote(text);
  return unclosedQuote ? { words, unclosedQuote } : { words };
}

// Hides `$` and `#`, and does the two POSIX steps shell-quote gets wrong around them:
// a backslash-newline outside single quotes joins lines, and `\$` / `\``` inside double
// quotes lose the backslash (`sh -c "echo \$HOME"` hands the container `echo $HOME`).
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
    if (char === "'" && quote === 'none') quote = 'single';
    else if (char === '"') quote = quote === 'double' ? 'none' : 'double';
    out += HIDDEN[char] ?? char;
  }
  return out;
}

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
 * substitution, variables and line breaks. Quoted text is left alone the way the shell does.
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
      } else {
        const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(text.slice(current.index + 1))?.[0];
        if (name) add(`$${name}`);
      }
    } else if (quote === 'none') {
      if (char === '&' && nextChar === '&') {
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
