// Stage 3, parse: the yaml library's syntax errors → diagnostics at the place the user has to
// change, in the user's words: an unclosed quote or bracket at where it opens, a key without its
// `:` or at the wrong indentation by name. The library's own position is where it noticed the
// problem, often lines later; the CST (the library's token tree) and the text tell where it is.

import { CST, Parser } from 'yaml';
import type { YAMLError } from 'yaml';
import { error, warning } from '../diagnostics.js';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';

export interface DescribeYamlProblemsInput {
  /** The text the yaml library parsed. */
  readonly text: string;
  readonly errors: readonly YAMLError[];
  readonly warnings: readonly YAMLError[];
  readonly locationOf: (offset: number) => SourceLocation;
}

type PathSegment = string | number;

interface Placed<T extends CST.Token = CST.Token> {
  readonly token: T;
  /** Where the token's value sits in the task, as in a JSON pointer (`['steps', 0]`). */
  readonly path: readonly PathSegment[];
}

/** What an error means for the user: where it is, what to say, and what text it leaves unreadable. */
interface Explanation {
  readonly offset: number;
  readonly message: string;
  readonly hint?: string;
  /**
   * Text the parser reads wrongly because of this error, from `start` up to (not including)
   * `end`: other errors found in it follow from this one (only those with one of `codes`, when
   * given) and are not reported.
   */
  readonly damage?: { readonly start: number; readonly end: number; readonly codes?: ReadonlySet<string> };
}

const IMPLICIT_KEY_CODES: ReadonlySet<string> = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

/** What one item of a top-level list is called in messages. */
const ITEM_NAMES: ReadonlyMap<string, string> = new Map([
  ['steps', 'step'],
  ['secrets', 'secret'],
  ['volumes', 'volume'],
]);

export function describeYamlProblems({ text, errors, warnings, locationOf }: DescribeYamlProblemsInput): Diagnostic[] {
  const source = new YamlSource(text);
  const explained = errors.map((problem) => ({ problem, explanation: explainError(problem, source) ?? explainGenerally(problem) }));
  const reported = explained.filter(({ problem, explanation }) => !explained.some((other) => followsFrom(problem, explanation, other.explanation)));
  const diagnostics = reported.map(({ explanation }) =>
    error('yaml-syntax', explanation.message, locationOf(explanation.offset), explanation.hint),
  );
  for (const problem of warnings) {
    const explanation = explainGenerally(problem);
    diagnostics.push(warning('yaml-syntax', explanation.message, locationOf(explanation.offset), explanation.hint));
  }
  return withoutRepeats(diagnostics);
}

function followsFrom(problem: YAMLError, explanation: Explanation, cause: Explanation): boolean {
  const damage = cause.damage;
  if (!damage || cause === explanation || explanation.offset <= cause.offset) return false;
  if (damage.codes && !damage.codes.has(problem.code)) return false;
  return problem.pos[0] >= damage.start && problem.pos[0] < damage.end;
}

function withoutRepeats(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.severity, d.message, d.location]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function explainError(problem: YAMLError, source: YamlSource): Explanation | undefined {
  const message = problem.message;
  if (problem.code === 'MISSING_CHAR' && /^Missing closing ["']quote/.test(message)) return explainUnclosedQuote(problem, source);
  if (/^Flow (sequence|map) (in block collection )?must .*end with a [\]}]/.test(message)) return explainUnclosedFlow(problem, source);
  if (
    (problem.code === 'MISSING_CHAR' && message.startsWith('Sequence item without - indicator')) ||
    (problem.code === 'BAD_INDENT' && message.startsWith('All mapping items must start at the same column'))
  ) {
    return explainKeyIndentedLess(problem, source);
  }
  if (
    (problem.code === 'MULTILINE_IMPLICIT_KEY' && message.startsWith('Implicit keys need to be on a single line')) ||
    (problem.code === 'BLOCK_AS_IMPLICIT_KEY' && message.startsWith('Nested mappings are not allowed in compact mappings')) ||
    (problem.code === 'MISSING_CHAR' && message.startsWith('Implicit map keys need to be followed by map values'))
  ) {
    return explainBrokenKey(problem, source);
  }
  return undefined;
}

/** The library's message without its `at line …` excerpt, and a hint by error code. */
function explainGenerally(problem: YAMLError): Explanation {
  const message = (problem.message.split(/ at line \d+, column \d+/)[0] ?? problem.message).trim();
  const hint = hintByCode(problem);
  return { offset: problem.pos[0], message: message.charAt(0).toLowerCase() + message.slice(1), ...(hint !== undefined && { hint }) };
}

function hintByCode(problem: YAMLError): string | undefined {
  if (/block-seq-ind on same line/.test(problem.message)) {
    return 'a `-` on the same line as its key does not start a list; write the list in brackets, e.g. `when: ["-"]`';
  }
  if (problem.code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  if (problem.code === 'BAD_INDENT' || problem.code === 'MISSING_CHAR') {
    return 'check the indentation: keys of one mapping must line up, list items start with `- `';
  }
  if (problem.code === 'BLOCK_AS_IMPLICIT_KEY' || problem.code === 'MULTILINE_IMPLICIT_KEY') {
    return 'quote values that contain `: ` or `#`, e.g. `cmd: "alpine echo a: b"`';
  }
  return undefined;
}

// The library reports where the quoted text ends (usually the end of the file); the user
// has to close it where it opens.
function explainUnclosedQuote(problem: YAMLError, source: YamlSource): Explanation | undefined {
  const quote = problem.message.includes('"quote') ? '"' : "'";
  const type = quote === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar';
  // The library reports the error where the quoted text ends.
  const scalar = source.lastTokenBefore(
    problem.pos[0],
    (token): token is CST.FlowScalar => token.type === type && token.offset + token.source.length === problem.pos[0],
  );
  if (!scalar) return undefined;
  const start = scalar.token.offset;
  const example = source.exampleClosing(start, quote);
  return {
    offset: start,
    message: `missing closing ${quote}quote`,
    hint: `add the closing ${quote} where the value ends${example ? `, e.g. \`${example}\`` : ''}`,
    damage: { start, end: start + scalar.token.source.length },
  };
}

// After a flow collection that does not close, the library misreads the indentation of the
// lines that follow (each value swallows the next line as a multi-line key).
function explainUnclosedFlow(problem: YAMLError, source: YamlSource): Explanation | undefined {
  const isList = problem.message.startsWith('Flow sequence');
  const opener = isList ? '[' : '{';
  const closer = isList ? ']' : '}';
  const flow = source.lastTokenBefore(
    problem.pos[0],
    (token): token is CST.FlowCollection =>
      token.type === 'flow-collection' && token.start.source === opener && token.end[0]?.source !== closer,
  );
  if (!flow) return undefined;
  const start = flow.token.offset;
  const message = (problem.message.split(/ at line \d+, column \d+/)[0] ?? problem.message).trim();
  const example = source.exampleClosing(start, closer);
  const key = source.keyBefore(start);
  const blockForm = isList ? 'one `- item` per line' : 'one `key: value` per line';
  const kind = isList ? 'list' : 'mapping';
  return {
    offset: start,
    message: message.charAt(0).toLowerCase() + message.slice(1),
    hint: `close the ${kind} with \`${closer}\` on the same line${example ? `, e.g. \`${example}\`` : ''}, or write ${blockForm}${key ? ` below \`${key}:\`` : ''}`,
    damage: { start, end: Number.POSITIVE_INFINITY, codes: IMPLICIT_KEY_CODES },
  };
}

// A key indented less than the keys of its mapping (but more than the enclosing one): the
// library takes it for a list item without `-` or a misaligned mapping item.
function explainKeyIndentedLess(problem: YAMLError, source: YamlSource): Explanation | undefined {
  const keyOffset = source.skipSpace(problem.pos[0]);
  const name = source.keyAt(keyOffset);
  const previous = source.previousContentEnd(keyOffset);
  if (name === undefined || previous === undefined) return undefined;
  const indent = source.columnOf(keyOffset);
  const candidates = source
    .collectionsAt(previous)
    .filter((placed): placed is Placed<CST.BlockMap> => placed.token.type === 'block-map')
    // A mapping written after `key: ` on one line is an error of its own, not a column to line up with.
    .filter((placed) => source.startsItsLine(placed.token.offset))
    .map((placed) => ({ placed, column: source.keyColumnOf(placed.token) }))
    .filter(({ column }) => column !== undefined && column !== indent);
  let best: { readonly placed: Placed<CST.BlockMap>; readonly column: number } | undefined;
  for (const { placed, column } of candidates) {
    if (column === undefined) continue;
    // Ties go to the inner mapping: the one the key is written under.
    if (!best || Math.abs(column - indent) <= Math.abs(best.column - indent)) best = { placed, column };
  }
  if (!best) return undefined;
  return describeIndentation({ name, keyOffset, indent, mappingIndent: best.column, mappingPath: best.placed.path });
}

// A plain scalar read as a key that spans lines: either a key whose `:` is missing (the key
// starts its line), or a key indented further than its mapping, which the library reads as
// the continuation of the value on the line above.
function explainBrokenKey(problem: YAMLError, source: YamlSource): Explanation | undefined {
  const key = source.plainKeyAt(problem.pos[0]);
  if (!key) return undefined;
  const start = key.token.offset;
  const lines = key.token.source.split('\n');
  const firstLine = (lines[0] ?? '').trim();
  if (source.startsItsLine(start)) {
    const end = source.blockEnd(start);
    const damage = { start, end };
    const glued = /^([^\s:]+):(\S.*)$/.exec(firstLine);
    if (glued) {
      return {
        offset: start,
        message: `\`${glued[1] ?? ''}\` needs a space after its \`:\``,
        hint: `write \`${glued[1] ?? ''}: ${glued[2] ?? ''}\``,
        damage,
      };
    }
    // `clientID my-identity`: the key is the first word and the rest its value.
    const [name = firstLine, ...value] = firstLine.split(/[ \t]+/);
    const fixed = value.length > 0 ? `${name}: ${value.join(' ')}` : `${name}:`;
    return { offset: start, message: `\`${name}\` is not followed by \`:\``, hint: `write \`${fixed}\``, damage };
  }
  if (lines.length < 2) return undefined;
  const lastLine = lines[lines.length - 1] ?? '';
  const keyOffset = start + key.token.source.length - lastLine.trimStart().length;
  const name = lastLine.trim();
  if (name === '' || name.startsWith('-') || name.startsWith('#')) return undefined;
  const mapping = source
    .collectionsAt(start - 1)
    .filter((placed): placed is Placed<CST.BlockMap> => placed.token.type === 'block-map')
    .pop();
  if (!mapping || !source.startsItsLine(mapping.token.offset)) return undefined;
  const mappingIndent = source.keyColumnOf(mapping.token);
  const indent = source.columnOf(keyOffset);
  if (mappingIndent === undefined || mappingIndent === indent) return undefined;
  return describeIndentation({ name, keyOffset, indent, mappingIndent, mappingPath: mapping.path });
}

interface IndentationProblem {
  readonly name: string;
  readonly keyOffset: number;
  readonly indent: number;
  readonly mappingIndent: number;
  readonly mappingPath: readonly PathSegment[];
}

function describeIndentation({ name, keyOffset, indent, mappingIndent, mappingPath }: IndentationProblem): Explanation {
  const { keys, others } = describeMapping(mappingPath);
  const own = indent === 0 ? 'is not indented' : `is indented by ${indent} space${indent === 1 ? '' : 's'}`;
  const theirs = mappingIndent === 0 ? 'are not indented' : `are indented by ${mappingIndent}`;
  const fix = mappingIndent === 0 ? 'do not indent it' : `indent it by ${mappingIndent} space${mappingIndent === 1 ? '' : 's'}`;
  return {
    offset: keyOffset,
    message: `\`${name}\` ${own}, but ${keys} ${theirs}`,
    hint: `line \`${name}\` up with ${others}: ${fix}`,
  };
}

function describeMapping(path: readonly PathSegment[]): { readonly keys: string; readonly others: string } {
  if (path.length === 0) return { keys: 'the top-level keys', others: 'the other top-level keys' };
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  const item = path.length === 2 && typeof last === 'number' && typeof parent === 'string' ? ITEM_NAMES.get(parent) : undefined;
  if (item) return { keys: `the keys of this ${item}`, others: `the other keys of this ${item}` };
  if (typeof last === 'string') return { keys: `the keys of \`${last}\``, others: `the other keys of \`${last}\`` };
  return { keys: 'the keys around it', others: 'the keys around it' };
}

// The parsed text with its CST (made on first use) and the questions the explanations ask of it.
class YamlSource {
  private cstDocument: CST.Document | null | undefined;
  constructor(readonly text: string) {}

  private get document(): CST.Document | null {
    if (this.cstDocument === undefined) {
      this.cstDocument = null;
      for (const token of new Parser().parse(this.text)) {
        if (token.type === 'document') {
          this.cstDocument = token;
          break;
        }
      }
    }
    return this.cstDocument;
  }

  lineStartOf(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  lineEndOf(offset: number): number {
    const end = this.text.indexOf('\n', offset);
    return end === -1 ? this.text.length : end;
  }

  /** 0-based: the number of characters before `offset` on its line. */
  columnOf(offset: number): number {
    return offset - this.lineStartOf(offset);
  }

  skipSpace(offset: number): number {
    let at = offset;
    while (at < this.text.length && /\s/.test(this.text.charAt(at))) at++;
    return at;
  }

  /** Whether only indentation and list `-` indicators precede `offset` on its line. */
  startsItsLine(offset: number): boolean {
    return /^[ \t]*(?:-[ \t]+)*$/.test(this.text.slice(this.lineStartOf(offset), offset));
  }

  /** The key written at `offset` (`timeout` for `timeout: 30`), if the line reads as `key: …`. */
  keyAt(offset: number): string | undefined {
    const line = this.text.slice(offset, this.lineEndOf(offset));
    const name = /^(.+?):(?:[ \t]|$)/.exec(line)?.[1]?.trim();
    if (!name || /^[-#[{?]/.test(name)) return undefined;
    return name;
  }

  /** The key on the line before `offset` when the line reads `key: ` up to it, as in `when: [a`. */
  keyBefore(offset: number): string | undefined {
    const before = this.text.slice(this.lineStartOf(offset), offset);
    return /^[ \t]*(?:-[ \t]+)*([^\s#][^#]*?):[ \t]+$/.exec(before)?.[1];
  }

  /** `key: <rest of the line from offset><closer>`, e.g. `when: [a]`, when the line reads so. */
  exampleClosing(offset: number, closer: string): string | undefined {
    const key = this.keyBefore(offset);
    const rest = this.text
      .slice(offset, this.lineEndOf(offset))
      .replace(/[ \t]+#.*$/, '')
      .trimEnd();
    if (key === undefined || rest.length < 2 || rest.includes('`')) return undefined;
    return `${key}: ${rest}${closer}`;
  }

  /** The offset just after the last character of the nearest earlier line with content other than a comment. */
  previousContentEnd(offset: number): number | undefined {
    let lineStart = this.lineStartOf(offset);
    while (lineStart > 0) {
      const previousStart = this.lineStartOf(lineStart - 1);
      const line = this.text.slice(previousStart, lineStart - 1);
      const content = line.trim();
      if (content !== '' && !content.startsWith('#')) return previousStart + line.trimEnd().length - 1;
      lineStart = previousStart;
    }
    return undefined;
  }

  /**
   * Where the block under the line at `offset` ends: the start of the next line indented less
   * than `offset`'s column, or as much but not a list item.
   */
  blockEnd(offset: number): number {
    const column = this.columnOf(offset);
    let lineStart = this.lineEndOf(offset) + 1;
    while (lineStart < this.text.length) {
      const line = this.text.slice(lineStart, this.lineEndOf(lineStart));
      const content = line.trimStart();
      const indent = line.length - content.length;
      if (content !== '' && !content.startsWith('#') && (indent < column || (indent === column && !content.startsWith('-')))) {
        return lineStart;
      }
      lineStart += line.length + 1;
    }
    return this.text.length;
  }

  /** The 0-based column of a block mapping's first key. */
  keyColumnOf(map: CST.BlockMap): number | undefined {
    const first = map.items[0];
    if (!first) return undefined;
    const written = first.start.find((token) => token.type !== 'space' && token.type !== 'newline' && token.type !== 'comment');
    const offset = first.key?.offset ?? written?.offset;
    return offset === undefined ? undefined : this.columnOf(offset);
  }

  /** The plain scalar used as a block mapping key that starts exactly at `offset`. */
  plainKeyAt(offset: number): Placed<CST.FlowScalar> | undefined {
    for (const placed of this.tokens()) {
      const { token } = placed;
      if (token.type !== 'block-map') continue;
      for (const item of token.items) {
        if (item.key?.type === 'scalar' && item.key.offset === offset) return { token: item.key, path: placed.path };
      }
    }
    return undefined;
  }

  /** The token matching `test` that starts last at or before `offset`. */
  lastTokenBefore<T extends CST.Token>(offset: number, test: (token: CST.Token) => token is T): Placed<T> | undefined {
    let found: Placed<T> | undefined;
    for (const { token, path } of this.tokens()) {
      if (test(token) && token.offset <= offset && (!found || token.offset >= found.token.offset)) found = { token, path };
    }
    return found;
  }

  /** The collections that hold the text at `offset`, outermost first. */
  collectionsAt(offset: number): Placed<CST.BlockMap | CST.BlockSequence | CST.FlowCollection>[] {
    const chain: Placed<CST.BlockMap | CST.BlockSequence | CST.FlowCollection>[] = [];
    let token = this.document?.value;
    let path: readonly PathSegment[] = [];
    while (token && CST.isCollection(token)) {
      chain.push({ token, path });
      let index = -1;
      token.items.forEach((item, i) => {
        if (itemStart(item) <= offset) index = i;
      });
      const item = token.items[index];
      if (!item?.value || item.value.offset > offset) break;
      path = [...path, segmentOf(token, item, index)];
      token = item.value;
    }
    return chain;
  }

  /** Every token of the first document with the path of the value it is or belongs to. */
  private *tokens(): Generator<Placed> {
    const document = this.document;
    if (document) yield* walk(document.value, []);
  }
}

function* walk(token: CST.Token | null | undefined, path: readonly PathSegment[]): Generator<Placed> {
  if (!token) return;
  yield { token, path };
  if (!CST.isCollection(token)) return;
  for (const [index, item] of token.items.entries()) {
    yield* walk(item.key, path);
    yield* walk(item.value, [...path, segmentOf(token, item, index)]);
  }
}

function segmentOf(collection: CST.BlockMap | CST.BlockSequence | CST.FlowCollection, item: CST.CollectionItem, index: number): PathSegment {
  const isList = collection.type === 'block-seq' || (collection.type === 'flow-collection' && collection.start.source === '[');
  if (isList) return index;
  // A broken key (an unclosed quote) still names the item; its error is reported elsewhere.
  return item.key ? (CST.resolveAsScalar(item.key, false, () => undefined)?.value ?? '') : '';
}

function itemStart(item: CST.CollectionItem): number {
  return item.start[0]?.offset ?? item.key?.offset ?? item.sep?.[0]?.offset ?? item.value?.offset ?? Number.POSITIVE_INFINITY;
}
