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
/** Values a document may expand to through aliases before it counts as an alias bomb. */
const MAX_CONVERTED_NODES = 200_000;

export function pointerOf(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function parseYaml({ source, typeAt }: ParseYamlInput): ParseYamlResult {
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
  diagnostics.push(...describeYamlProblems({ text: source.text, errors: first.errors, warnings: first.warnings, locationOf }));
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
  const value = converter.convert(root, [], undefined);
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
  private convertedNodes = 0;
  constructor(private readonly options: ConverterOptions) {}

  convert(node: unknown, path: readonly PathSegment[], keyOffset: number | undefined, fallbackOffset = 0): unknown {
    const { spans } = this.options;
    const pointer = pointerOf(path);
    const offset = nodeOffset(node) ?? fallbackOffset;
    this.convertedNodes++;
    if (this.convertedNodes === MAX_CONVERTED_NODES) {
      // yaml.v2 refuses "excessive aliasing" too (the billion-laughs document).
      this.options.diagnostics.push(error('yaml-syntax', 'the document expands to too many values through aliases (`*name`)', this.options.locationOf(offset), 'use fewer nested aliases'));
    }
    if (this.convertedNodes >= MAX_CONVERTED_NODES) return null;
    if (isAlias(node)) {
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
