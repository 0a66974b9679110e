// Stage 3, normalise: a `cmd` value → its command list: the step's own command (words[0] is the
// image) and the later commands with the written operator before each, read as builtins, host
// `docker …` or containers. Which operators are written in the file is read from the rendered
// text's value spans through the YAML scalar's decoding (command-list.ts splits the text).

import { error, warning, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { expandCommandWord } from '../load/alias-substitution.js';
import { trimGoSpace } from '../load/go-text.js';
import { isWrittenRange, type SourceText } from '../source-text.js';
import { readBuiltin, splitCommandList } from './command-list.js';
import type { ListSegment, UncountedOperator, WrittenCheck } from './command-list.js';
import type { WrittenDocument } from './parse-yaml.js';
import { findScalarCharOffsets } from './scalar-source.js';
import type { ImageOrigin, ListCommand, ListItem } from './types.js';
import { checkQuotes, indexInWrittenCmd, locateValueChar } from './value-location.js';
import { splitWords, type UnclosedQuote } from './words.js';

export interface ReadCmdInput {
  /** The `cmd` value as the YAML parser read it. */
  readonly written: string;
  readonly aliases: ReadonlyMap<string, string> | undefined;
  readonly document: WrittenDocument;
  /** The text the document was parsed from (absent: the value is its own written text). */
  readonly source: SourceText | undefined;
  /** JSON pointer of the `cmd` value. */
  readonly pointer: string;
}

export interface ReadCmd {
  /** The value after command-word alias expansion. */
  readonly cmd: string;
  readonly firstCommand: string;
  readonly words: readonly string[];
  readonly rest: readonly ListItem[];
  readonly imageOrigin?: ImageOrigin;
  readonly diagnostics: Diagnostic[];
}

export function readCmd(input: ReadCmdInput): ReadCmd {
  const { written, aliases, document, source, pointer } = input;
  const diagnostics: Diagnostic[] = [];
  const cmd = aliases ? expandCommandWord(written, aliases) : written;
  const writtenImage = trimGoSpace(written).split(' ')[0] ?? '';
  const toWritten = (index: number) => (cmd === written ? index : indexInWrittenCmd({ written, expanded: cmd, index }));
  const locateCmdChar = (index: number) => locateValueChar({ document, source, pointer, written, index: toWritten(index) });
  const list = splitCommandList(cmd, writtenCheckFor({ document, source, pointer, written, toWritten }));
  // The first few problems, and the first operator of each kind that does not count, are enough
  // to act on (a hostile value may hold thousands; each is located by decoding the scalar).
  diagnostics.push(...list.problems.slice(0, MAX_LIST_PROBLEMS).map((problem) => error('cmd-list-empty-command', problem.message, locateCmdChar(problem.index), problem.hint)));
  const uncounted = (['value', 'unsure'] as const).flatMap((reason) => list.uncounted.find((operator) => operator.reason === reason) ?? []);
  diagnostics.push(...uncounted.map((operator) => describeUncountedOperator(operator, locateCmdChar(operator.index))));
  const [first, ...later] = list.segments;
  const firstCommand = first ? cmd.slice(first.start, first.end) : cmd;
  const split = splitWords(firstCommand);
  // Quotes hold operators, so only the last command can leave one open.
  const lastLater = later.at(-1);
  const unclosed = split.unclosedQuote ? { ...split.unclosedQuote, index: split.unclosedQuote.index + (first?.start ?? 0) } : lastLater && findUnclosedQuoteIn(cmd, lastLater);
  const unclosedQuote = unclosed && { ...unclosed, index: toWritten(unclosed.index) };
  diagnostics.push(...checkQuotes({ key: 'cmd', unclosedQuote, written, document, source, pointer }));
  if (split.words.length === 0) {
    diagnostics.push(
      error('empty-cmd', '`cmd` names no image', document.at(pointer), 'write the image first, e.g. `cmd: alpine echo hello`'),
    );
  }
  const rest = later.flatMap((segment): ListItem[] => {
    const read = readListItem({ cmd, segment, aliases, location: locateCmdChar(segment.operatorIndex) });
    if ('problem' in read) {
      const commandStart = segment.start + (/^[ \t\r\n]*/.exec(cmd.slice(segment.start, segment.end))?.[0].length ?? 0);
      diagnostics.push(error('cmd-list-builtin', read.problem, locateCmdChar(commandStart), read.hint));
      return [];
    }
    return [read.item];
  });
  return {
    cmd,
    firstCommand,
    words: split.words,
    rest,
    ...(cmd !== written && { imageOrigin: { written: writtenImage, isAlias: true } }),
    diagnostics,
  };
}

// A later command's unclosed quote, with its index in the whole `cmd` (only the last command can have one).
function findUnclosedQuoteIn(cmd: string, segment: ListSegment): UnclosedQuote | undefined {
  const found = splitWords(cmd.slice(segment.start, segment.end)).unclosedQuote;
  return found && { ...found, index: found.index + segment.start };
}

// A later command: a builtin as written, else its first word through the aliases (`bash` → the
// MCR image), then `docker …` for the engine's CLI on the host or a container of that image.
function readListItem(input: {
  cmd: string;
  segment: ListSegment;
  aliases: ReadonlyMap<string, string> | undefined;
  location: SourceLocation;
}): { item: ListItem } | { problem: string; hint: string } {
  const { segment } = input;
  const text = input.cmd.slice(segment.start, segment.end);
  const operator = segment.operator ?? ';';
  const words = splitWords(text).words;
  const builtin = readBuiltin(words);
  if (builtin && 'problem' in builtin) return builtin;
  const item = (command: ListCommand): { item: ListItem } => ({ item: { operator, command, text: text.trim(), location: input.location } });
  if (builtin) return item({ kind: 'builtin', builtin: builtin.builtin, words });
  const expanded = input.aliases ? expandCommandWord(text, input.aliases) : text;
  const expandedWords = expanded === text ? words : splitWords(expanded).words;
  if (expandedWords[0] === 'docker') return item({ kind: 'host-docker', words: expandedWords });
  return item({
    kind: 'container',
    words: expandedWords,
    ...(expanded !== text && { imageOrigin: { written: words[0] ?? '', isAlias: true } }),
  });
}

// Whether cmd text is written in the file: each character mapped to the rendered text the YAML
// parser read, whose value spans say what came from values. The range checked runs from just
// after the character before, so a folded line break or an escape is judged with what it folds.
function writtenCheckFor(input: {
  document: WrittenDocument;
  source: SourceText | undefined;
  pointer: string;
  written: string;
  toWritten: (index: number) => number | undefined;
}): WrittenCheck {
  const { source } = input;
  // A task normalised from a document without its text (tests) is its own written text.
  if (!source) return () => 'written';
  const span = input.document.spans.get(input.pointer);
  let offsets: readonly number[] | undefined;
  return (start, end) => {
    if (span?.shape !== 'scalar') return 'unsure';
    const first = input.toWritten(start);
    const last = input.toWritten(end - 1);
    // Inside the value an alias put in place of the first word.
    if (first === undefined || last === undefined) return 'value';
    offsets ??= findScalarCharOffsets({ text: source.text, scalarOffset: span.valueOffset, value: input.written });
    const from = offsets[first];
    const to = offsets[last];
    if (from === undefined || to === undefined) return 'unsure';
    const before = first > 0 ? offsets[first - 1] : undefined;
    if (first > 0 && before === undefined) return 'unsure';
    const rangeStart = before !== undefined && before < from ? before + 1 : from;
    return isWrittenRange(source, rangeStart, to + 1) ? 'written' : 'value';
  };
}

function describeUncountedOperator(operator: UncountedOperator, location: SourceLocation): Diagnostic {
  const shown = operator.operator === 'a line break' ? 'a line break' : `\`${operator.operator}\``;
  if (operator.reason === 'value') {
    return warning(
      'cmd-value-operator',
      `${shown} in \`cmd\` comes from a value (a template, an alias, --set, a secret or a run variable): taskrun passes it to the container as text; ACR's agent shell would run what follows it as a host command`,
      location,
      'if the value should not hold shell syntax, check where it comes from; to join commands, write the operator in the task file',
    );
  }
  return warning(
    'cmd-unsure-operator',
    `taskrun cannot tell whether ${shown} in \`cmd\` is written in the task file, so it does not join commands: taskrun passes it to the container as text`,
    location,
    'write the `cmd` as a plain, quoted or block scalar without an anchor, alias or indentation digit to have it join commands',
  );
}

const MAX_LIST_PROBLEMS = 5;
