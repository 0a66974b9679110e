// Load stage (v1.1.0 files): replaces `$name` references in the task text before templating,
// and expands an alias used as the first word of a `cmd` after parsing (acb-spec §3.4, §3.5).

import { deriveText, type TextSpan } from '../source-text.js';
import type { SourceText } from '../source-text.js';
import { hasEscapedBytes, replaceEscapedBytes } from './go-bytes.js';
import { trimGoSpace } from './go-text.js';

function isAsciiAlphanumeric(char: string): boolean {
  return /^[A-Za-z0-9]$/.test(char);
}

// acb's code-point state machine, unaware of YAML and templates: `$$` → `$`, `$name` → value when
// defined, anything else stays literal (`$undefined$ID` too); `$ID$Date` chains. Lines produced by
// a multi-line value keep the origin of the line holding the reference. Alias values are marked as
// values (`valueSpans`): an `&&` inside one never joins commands.
export function substituteAliases(
  source: SourceText,
  input: { aliases: ReadonlyMap<string, string>; directive: string },
): SourceText {
  const { aliases, directive } = input;
  let out = '';
  const fromLines: number[] = [1];
  let line = 1;
  let isInReference = false;
  let name = '';
  let referenceLine = 1;
  const valueSpans: TextSpan[] = [];
  /** Appends text whose newlines start output lines that came from `originLine`. */
  const write = (text: string, originLine: number) => {
    out += text;
    for (const char of text) if (char === '\n') fromLines.push(originLine);
  };
  // One extra space ends a reference at the end of the text; one trailing space is trimmed after.
  // acb walks the text rune by rune, so each byte of invalid UTF-8 comes out as U+FFFD.
  for (const char of `${toRunes(source.text)} `) {
    const nextLine = char === '\n' ? line + 1 : line;
    if (!isInReference) {
      if (char === directive) {
        isInReference = true;
        referenceLine = line;
      } else {
        write(char, nextLine);
      }
    } else if (char === directive && name === '') {
      write(directive, nextLine);
      isInReference = false;
    } else if (isAsciiAlphanumeric(char)) {
      name += char;
    } else {
      const value = aliases.get(name);
      if (value === undefined) {
        write(directive, referenceLine + 1);
        write(name, referenceLine);
        write(char, nextLine);
        isInReference = false;
      } else {
        if (value !== '') valueSpans.push({ start: out.length, end: out.length + value.length });
        write(value, referenceLine);
        if (char === directive) {
          referenceLine = line;
        } else {
          write(char, nextLine);
          isInReference = false;
        }
      }
      name = '';
    }
    line = nextLine;
  }
  const text = out.endsWith(' ') ? out.slice(0, -1) : out;
  // The text reaches here as written (comment lines and the alias block are cut by whole lines
  // only); were it ever to carry values already, all of it counts as a value.
  const spans = source.valueSpans?.length ? [{ start: 0, end: text.length }] : valueSpans.map((span) => ({ start: span.start, end: Math.min(span.end, text.length) }));
  return deriveText(source, text, fromLines, spans);
}

/** The text as Go's `for … range` over a string sees it: invalid bytes become U+FFFD. */
function toRunes(text: string): string {
  return hasEscapedBytes(text) ? replaceEscapedBytes(text, '\uFFFD') : text;
}

// After parsing: a `cmd` whose first word is an alias name (`bash echo hi`) gets that word
// replaced by the alias value, unrendered; otherwise the command is returned untouched.
export function expandCommandWord(cmd: string, aliases: ReadonlyMap<string, string>): string {
  const words = trimGoSpace(cmd).split(' ');
  const value = aliases.get(words[0] ?? '');
  if (value === undefined) return cmd;
  return [value, ...words.slice(1)].join(' ');
}
