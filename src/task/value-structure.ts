// Stage 3, validate: a value (`--set`, `--values`, a secret) may hold a line break; rendered
// into the file where the break is not inside a string, it adds YAML of its own: keys, list
// items, whole steps. ACR lets that through. Here each such value is rendered once more with its
// line breaks as blanks, and if the file's structure differs, the value is refused by name.

import { parse } from 'yaml';
import { error, type Diagnostic } from '../diagnostics.js';
import { locate, splitLines, type SourceText } from '../source-text.js';
import type { TemplateData, Values } from '../template/data.js';
import { renderTemplate } from '../template/render.js';

/** As yaml's default: an alias bomb fails here too instead of filling memory (parse-yaml refuses it first). */
const MAX_ALIAS_COUNT = 100;

interface MultiLineValue {
  /** How the user names it: `--set`/`--values` key `a.b`, or secret `id`. */
  readonly label: string;
  /** The data with this value's line breaks made blanks. */
  readonly flatten: (data: TemplateData) => TemplateData;
}

/** At most this many values are rendered one by one to find which changes the structure. */
const MAX_NAMED_VALUES = 20;

function isPlainObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

const flattenText = (text: string) => text.replace(/\r?\n/g, ' ');

function findMultiLineValues(data: TemplateData): MultiLineValue[] {
  const found: MultiLineValue[] = [];
  const visit = (values: Values, path: readonly string[]) => {
    for (const [key, value] of Object.entries(values)) {
      const keyPath = [...path, key];
      if (typeof value === 'string' && value.includes('\n')) {
        found.push({ label: `value \`${keyPath.join('.')}\``, flatten: (current) => ({ ...current, Values: replaceAt(current.Values, keyPath, flattenText) }) });
      } else if (isPlainObject(value)) {
        visit(value, keyPath);
      }
    }
  };
  visit(data.Values, []);
  for (const [id, secret] of Object.entries(data.Secrets)) {
    if (secret.includes('\n')) found.push({ label: `secret \`${id}\``, flatten: (current) => ({ ...current, Secrets: { ...current.Secrets, [id]: flattenText(secret) } }) });
  }
  return found;
}

/** `values` with the string at `keyPath` replaced by `change(it)`; the maps on the way are copied. */
function replaceAt(values: Values, keyPath: readonly string[], change: (text: string) => string): Values {
  const [key, ...rest] = keyPath;
  if (key === undefined) return values;
  const child = values[key];
  if (rest.length === 0) return typeof child === 'string' ? { ...values, [key]: change(child) } : values;
  return isPlainObject(child) ? { ...values, [key]: replaceAt(child, rest, change) } : values;
}

/** The file's YAML structure: every key and list position, none of the scalar values. */
function shapeOf(text: string): string | undefined {
  let value: unknown;
  try {
    value = parse(text, { version: '1.1', uniqueKeys: false, maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return undefined;
  }
  const shape = (node: unknown): unknown =>
    Array.isArray(node) ? node.map(shape) : isPlainObject(node) ? Object.fromEntries(Object.entries(node).map(([key, child]) => [key, shape(child)])) : null;
  return JSON.stringify(shape(value));
}

function firstDifferentLine(a: string, b: string): number {
  const linesA = splitLines(a);
  const linesB = splitLines(b);
  const index = linesA.findIndex((line, i) => line !== linesB[i]);
  return index < 0 ? 1 : index + 1;
}

export function checkValuesKeepStructure(input: { text: SourceText; data: TemplateData; rendered: SourceText }): Diagnostic[] {
  const values = findMultiLineValues(input.data);
  if (values.length === 0) return [];
  const shape = shapeOf(input.rendered.text);
  // One more render with every such value flattened tells whether any of them matters; only
  // then is each one rendered on its own to name it.
  const allFlattened = values.reduce<TemplateData>((data, value) => value.flatten(data), input.data);
  const changesShape = (data: TemplateData) => {
    const flattened = renderTemplate(input.text, data).source;
    return flattened !== undefined && shapeOf(flattened.text) !== shape ? flattened : undefined;
  };
  if (!changesShape(allFlattened)) return [];
  const diagnostics: Diagnostic[] = [];
  for (const value of values.slice(0, MAX_NAMED_VALUES)) {
    const flattened = changesShape(value.flatten(input.data));
    if (!flattened) continue;
    const line = firstDifferentLine(input.rendered.text, flattened.text);
    diagnostics.push(
      error(
        'value-changes-structure',
        `the ${value.label} holds a line break that changes the task's YAML structure where it is rendered (it could add keys or steps; ACR lets that through)`,
        locate(input.rendered, line, 1),
        'remove the line break from the value, or render it where a line break stays text: in a quoted string, or in a block scalar (`cmd: |`) with the value indented',
      ),
    );
  }
  return diagnostics;
}
