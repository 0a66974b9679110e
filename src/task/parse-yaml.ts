// Stage 3, parse: rendered task text → the task as written (plain values) plus
// the position of every key and value, decoded the way ACR's yaml.v2 does:
// YAML 1.1 scalars, last duplicate key wins, only the first document counts, and
// string fields keep the scalar text as written (`id: 0755` stays "0755").

import { Alias, LineCounter, Scalar, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { error, warning } from '../diagnostics.js';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { locate } from '../source-text.js';
import type { SourceText } from '../source-text.js';
import { MAX_COMMAS, MAX_LINES, MAX_STEPS, MAX_YAML_DEPTH, MAX_YAML_VALUES } from './limits.js';
import type { WrittenTask } from './written.js';
import { describeYamlProblems } from './yaml-syntax-errors.js';

/** The JSON type a schema expects at a place in the file (undefined: unknown key). */
export type FieldType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

export type PathSegment = string | number;

export interface NodeSpan {
  /** Offset of the value in the rendered text. */
  readonly valueOffset: number;
  /** Offset of the key, for mapping entries. */
  readonly keyOffset?: number;
  /** The value's text as written, for scalars (what messages quote back). */
  readonly raw?: string;
  readonly shape: 'scalar' | 'mapping' | 'list' | 'empty';
}

export interface WrittenDocument {
  readonly written: WrittenTask;
  /** JSON pointer (as in ajv's `instancePath`) → where that value is. */
  readonly spans: ReadonlyMap<string, NodeSpan>;
  /** The user's `file:line:col` of a value (or its key); falls back to the nearest enclosing value. */
  readonly at: (pointer: string, part?: 'key' | 'value') => SourceLocation;
}

export interface ParseYamlInput {
  readonly source: SourceText;
  readonly typeAt: (path: readonly PathSegment[]) => FieldType | undefined;
}

export interface ParseYamlResult {
  readonly document: WrittenDocument;
  readonly diagnostics: readonly Diagnostic[];
}

const MAX_ALIAS_DEPTH = 50;

/** Ends the conversion: a limit is reached, and the one error says which. */
class LimitStop extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.diagnostic = diagnostic;
  }
}

export function pointerOf(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function parseYaml({ source, typeAt }: ParseYamlInput): ParseYamlResult {
  const tooLong = checkTextSize(source);
  if (tooLong) {
    const spans = new Map<string, NodeSpan>([['', { valueOffset: 0, shape: 'empty' }]]);
    return { document: { written: {}, spans, at: () => tooLong.location ?? locate(source, 1, 1) }, diagnostics: [tooLong] };
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(source.text, {
    version: '1.1',
    uniqueKeys: false,
    lineCounter,
  });
  const spans = new Map<string, NodeSpan>();
  const locationOf = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return locate(source, line, col);
  };
  const at = (pointer: string, part: 'key' | 'value' = 'value'): SourceLocation => {
    let current = pointer;
    for (;;) {
      const span = spans.get(current);
      if (span) return locationOf(part === 'key' ? (span.keyOffset ?? span.valueOffset) : span.valueOffset);
      if (current === '') return locationOf(0);
      current = current.slice(0, current.lastIndexOf('/'));
    }
  };
  const diagnostics: Diagnostic[] = [];
  const list = Array.isArray(documents) ? documents : [];
  const first = list[0];
  if (!first) {
    spans.set('', { valueOffset: 0, shape: 'empty' });
    return { document: { written: {}, spans, at }, diagnostics };
  }
  // The YAML library runs out of stack on lists or mappings nested hundreds deep.
  const stackProblem = [...first.errors].find((problem) => /call stack/i.test(problem.message));
  if (stackProblem) {
    const limit = error('task-limit', `the YAML nests lists and mappings too deeply (more than taskrun can read)`, locationOf(stackProblem.pos[0]), 'a task file needs only a few levels');
    return { document: { written: {}, spans, at }, diagnostics: [limit] };
  }
  diagnostics.push(...describeYamlProblems({ text: source.text, errors: first.errors, warnings: first.warnings, locationOf }));
  const tooManySteps = checkStepCount(first, locationOf);
  if (tooManySteps) return { document: { written: {}, spans, at }, diagnostics: [...diagnostics, tooManySteps] };
  const second = list[1];
  if (second) {
    diagnostics.push(
      warning(
        'multiple-documents',
        'the file has more than one YAML document; ACR reads only the first and ignores the rest',
        locationOf(second.range[0]),
        'remove the `---` line and everything after it, or move the rest to its own file',
      ),
    );
  }
  const converter = new Converter({ text: source.text, document: first, typeAt, spans, diagnostics, locationOf });
  const root = first.contents;
  let value: unknown;
  try {
    value = converter.convert(root, [], undefined);
  } catch (caught) {
    if (!(caught instanceof LimitStop)) throw caught;
    return { document: { written: {}, spans, at }, diagnostics: [...diagnostics, caught.diagnostic] };
  }
  let written: WrittenTask = {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) written = value as WrittenTask;
  else if (value !== null && value !== undefined) {
    diagnostics.push(
      error(
        'not-a-mapping',
        `the task file must be a mapping of keys such as \`version:\` and \`steps:\`, got ${describeShape(spans.get(''))}`,
        at(''),
        'start the file with `version: v1.1.0` and a `steps:` list',
      ),
    );
  }
  if (!spans.has('')) spans.set('', { valueOffset: 0, shape: 'empty' });
  return { document: { written, spans, at }, diagnostics };
}

// Lines and commas bound the number of YAML values from above, and cost a scan of the text:
// a file the YAML parser would take seconds on is refused before it starts.
function checkTextSize(source: SourceText): Diagnostic | undefined {
  const { text } = source;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines <= MAX_LINES; i = text.indexOf('\n', i + 1)) lines++;
  const hint = 'split the work into several task files, or check the counts of `range` loops';
  if (lines > MAX_LINES) {
    return error('task-limit', `the rendered task file has more than ${MAX_LINES.toLocaleString('en-US')} lines (taskrun's limit)`, locate(source, MAX_LINES + 1, 1), hint);
  }
  let commas = 0;
  let at = text.indexOf(',');
  for (; at >= 0 && ++commas <= MAX_COMMAS; at = text.indexOf(',', at + 1));
  if (commas <= MAX_COMMAS) return undefined;
  const line = text.slice(0, at).split('\n').length;
  const col = at - text.lastIndexOf('\n', at - 1);
  return error(
    'task-limit',
    `the rendered task file has more than ${MAX_COMMAS.toLocaleString('en-US')} commas, and so as many list or map items (taskrun's limit)`,
    locate(source, line, col),
    hint,
  );
}

// Counted on the YAML nodes, before anything is converted: a file of many thousand steps is
// refused at once instead of after seconds of checking each one.
function checkStepCount(document: Document.Parsed, locationOf: (offset: number) => SourceLocation): Diagnostic | undefined {
  const root = document.contents;
  if (!isMap(root)) return undefined;
  const pair = (root.items as Pair[]).find((item) => isScalar(item.key) && item.key.value === 'steps');
  if (!pair || !isSeq(pair.value) || pair.value.items.length <= MAX_STEPS) return undefined;
  return error(
    'task-limit',
    `\`steps\` has ${pair.value.items.length.toLocaleString('en-US')} steps, over taskrun's limit of ${MAX_STEPS.toLocaleString('en-US')}`,
    locationOf(nodeOffset(pair.key) ?? 0),
    'split the work into several task files',
  );
}

export function describeShape(span: NodeSpan | undefined): string {
  if (!span || span.shape === 'empty') return 'nothing';
  if (span.shape === 'mapping') return 'a mapping';
  if (span.shape === 'list') return 'a list';
  return JSON.stringify(span.raw ?? '');
}

interface ConverterOptions {
  /** The parsed text. */
  readonly text: string;
  readonly document: Document.Parsed;
  readonly typeAt: (path: readonly PathSegment[]) => FieldType | undefined;
  readonly spans: Map<string, NodeSpan>;
  readonly diagnostics: Diagnostic[];
  readonly locationOf: (offset: number) => SourceLocation;
}

// Walks the YAML nodes with the schema's field types, so a scalar becomes what
// yaml.v2 would put into ACR's Go struct field of that type.
class Converter {
  private aliasDepth = 0;
  private aliasesExpanded = 0;
  private convertedNodes = 0;
  private depth = 0;
  constructor(private readonly options: ConverterOptions) {}

  convert(node: unknown, path: readonly PathSegment[], keyOffset: number | undefined, fallbackOffset = 0): unknown {
    const offset = nodeOffset(node) ?? fallbackOffset;
    if (++this.convertedNodes > MAX_YAML_VALUES) {
      // yaml.v2 refuses "excessive aliasing" too (the billion-laughs document).
      throw new LimitStop(
        this.aliasesExpanded > 0
          ? error('yaml-syntax', 'the document expands to too many values through aliases (`*name`)', this.options.locationOf(offset), 'use fewer nested aliases')
          : error('task-limit', `the task file holds more than ${MAX_YAML_VALUES.toLocaleString('en-US')} YAML values (taskrun's limit)`, this.options.locationOf(offset), 'a task file needs far fewer; split the work into several files'),
      );
    }
    if (this.depth >= MAX_YAML_DEPTH) {
      throw new LimitStop(
        error('task-limit', `lists and mappings nest more than ${MAX_YAML_DEPTH} deep (taskrun's limit)`, this.options.locationOf(offset), 'a task file needs only a few levels'),
      );
    }
    this.depth++;
    try {
      return this.convertNode(node, path, keyOffset, offset);
    } finally {
      this.depth--;
    }
  }

  private convertNode(node: unknown, path: readonly PathSegment[], keyOffset: number | undefined, offset: number): unknown {
    const { spans } = this.options;
    const pointer = pointerOf(path);
    if (isAlias(node)) {
      this.aliasesExpanded++;
      const target = (node as Alias).resolve(this.options.document);
      if (!target || this.aliasDepth > MAX_ALIAS_DEPTH) {
        const name = (node as Alias).source;
        this.options.diagnostics.push(
          !target
            ? error('yaml-syntax', `\`*${name}\` refers to an anchor \`&${name}\` that is not defined above it`, this.options.locationOf(offset), `define \`&${name}\` on a value above, or fix the name`)
            : error('yaml-syntax', `aliases nested more than ${MAX_ALIAS_DEPTH} deep at \`*${name}\``, this.options.locationOf(offset), 'use fewer nested aliases'),
        );
        spans.set(pointer, { valueOffset: offset, ...(keyOffset !== undefined && { keyOffset }), shape: 'empty' });
        return null;
      }
      this.aliasDepth++;
      const value = this.convert(target, path, keyOffset, offset);
      this.aliasDepth--;
      const span = spans.get(pointer);
      if (span) spans.set(pointer, { ...span, valueOffset: offset });
      return value;
    }
    const base = { valueOffset: offset, ...(keyOffset !== undefined && { keyOffset }) };
    if (isMap(node)) {
      spans.set(pointer, { ...base, shape: 'mapping' });
      return this.convertMap(node.items as Pair[], path);
    }
    if (isSeq(node)) {
      spans.set(pointer, { ...base, shape: 'list' });
      return node.items.map((item, index) => this.convertItem(item, [...path, index], offset));
    }
    if (isScalar(node)) {
      const raw = scalarText(node);
      if (node.value === null || node.value === undefined) {
        spans.set(pointer, { ...base, raw, shape: 'empty' });
        return null;
      }
      spans.set(pointer, { ...base, raw, shape: 'scalar' });
      return this.convertScalar(node, raw, path);
    }
    spans.set(pointer, { ...base, shape: 'empty' });
    return null;
  }

  private convertItem(item: unknown, path: readonly PathSegment[], listOffset: number): unknown {
    const value = this.convert(item, path, undefined, listOffset);
    // An empty image to push would be pushed as `:latest`, which is no image at all.
    const isPushItem = path.length === 4 && path[0] === 'steps' && path[2] === 'push';
    if (isPushItem && (value === null || (typeof value === 'string' && value.trim() === ''))) {
      this.reportEmptyItem({ path, listOffset, consequence: 'ACR pushes it as `:latest`, which names no image', hint: 'remove the item, or write the image to push' });
      return '';
    }
    if (value !== null) return value;
    const type = this.options.typeAt(path);
    if (type === 'string') return '';
    if (type === 'integer') return 0;
    if (type === 'object') {
      this.reportEmptyItem({ path, listOffset, consequence: 'ACR crashes on an empty list item', hint: 'remove the bare `-` (or `~`) item, or fill it in' });
    }
    return null;
  }

  private reportEmptyItem(input: { path: readonly PathSegment[]; listOffset: number; consequence: string; hint: string }): void {
    const { path, listOffset, consequence, hint } = input;
    const listName = String(path[path.length - 2] ?? 'list');
    const where = dashBefore(this.options.text, this.options.spans.get(pointerOf(path))?.valueOffset ?? listOffset);
    this.options.diagnostics.push(
      error(
        'empty-item',
        `\`${listName}\` item ${Number(path[path.length - 1]) + 1} is empty; ${consequence}`,
        this.options.locationOf(where),
        hint,
      ),
    );
  }

  private convertMap(pairs: readonly Pair[], path: readonly PathSegment[]): { [key: string]: unknown } {
    const result: { [key: string]: unknown } = {};
    const seenKeys = new Map<string, number>();
    const merged: Pair[] = [];
    for (const pair of pairs) {
      const key = pair.key;
      if (isScalar(key) && typeof key.value === 'symbol') {
        merged.push(...this.mergedPairs(pair.value));
        continue;
      }
      const name = keyText(key);
      const keyOffset = nodeOffset(key) ?? 0;
      const earlier = seenKeys.get(name);
      if (earlier !== undefined) {
        const { line } = this.options.locationOf(keyOffset);
        this.options.diagnostics.push(
          warning(
            'duplicate-key',
            `\`${name}\` is written again on line ${line}; ACR uses the last one and ignores this one`,
            this.options.locationOf(earlier),
            `remove one of the two \`${name}\` keys`,
          ),
        );
      }
      seenKeys.set(name, keyOffset);
      this.assign(result, name, pair.value, [...path, name], keyOffset);
    }
    // Merge keys (`<<: *base`) fill in only what the mapping does not write itself.
    for (const pair of merged) {
      const name = keyText(pair.key);
      if (seenKeys.has(name)) continue;
      seenKeys.set(name, nodeOffset(pair.key) ?? 0);
      this.assign(result, name, pair.value, [...path, name], nodeOffset(pair.key));
    }
    return result;
  }

  private assign(
    result: { [key: string]: unknown },
    name: string,
    valueNode: unknown,
    path: readonly PathSegment[],
    keyOffset: number | undefined,
  ): void {
    const value = this.convert(valueNode, path, keyOffset, keyOffset ?? 0);
    // yaml.v2 leaves a field at its zero value for `key:` or `key: ~`: the same as not writing it.
    if (value === null) delete result[name];
    // An own property even for `__proto__`, which a plain assignment would turn into the prototype.
    else Object.defineProperty(result, name, { value, enumerable: true, writable: true, configurable: true });
  }

  private mergedPairs(value: unknown): Pair[] {
    const resolved = isAlias(value) ? (value as Alias).resolve(this.options.document) : value;
    if (isMap(resolved)) return resolved.items as Pair[];
    if (isSeq(resolved)) return resolved.items.flatMap((item) => this.mergedPairs(item));
    return [];
  }

  private convertScalar(node: Scalar, raw: string, path: readonly PathSegment[]): unknown {
    const value: unknown = node.value;
    if (typeof value === 'string') return value;
    const type = this.options.typeAt(path);
    if (type === 'string') return raw;
    if (type === 'integer' && typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)) {
      const truncated = Math.trunc(value);
      const name = String(path[path.length - 1]);
      this.options.diagnostics.push(
        warning(
          'number-truncated',
          `\`${name}\` must be a whole number; ACR truncates ${raw} to ${truncated}`,
          this.options.locationOf(nodeOffset(node) ?? 0),
          `write \`${name}: ${truncated}\``,
        ),
      );
      return truncated;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    return raw;
  }
}

/** The `-` of a block list item whose value (at `offset`) is empty or `~`; `offset` itself in a flow list. */
function dashBefore(text: string, offset: number): number {
  let at = offset - 1;
  while (at >= 0 && (text[at] === ' ' || text[at] === '\t')) at--;
  return text[at] === '-' ? at : offset;
}

function nodeOffset(node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

function scalarText(node: Scalar): string {
  const source = (node as Scalar & { source?: unknown }).source;
  if (typeof source === 'string') return source;
  return typeof node.value === 'string' ? node.value : String(node.value);
}

function keyText(key: unknown): string {
  if (isScalar(key)) return scalarText(key);
  return String(key);
}
