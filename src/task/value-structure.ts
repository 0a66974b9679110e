// Stage 3, validate: a value (`--set`, `--values`, a secret) may hold a line break; rendered
// into the file where the break is not inside a string, it adds YAML of its own: keys, list
// items, whole steps. ACR lets that through. Here each such value is rendered once more with its
// line breaks as blanks, and if the file's structure differs, the value is refused by name.

import { parse } from 'yaml';
import { error, type Diagnostic } from '../diagnostics.js';
import { locate, splitLines, type SourceText } from '../source-text.js';
import type { TemplateData, Values } from '../template/data.js';
import { renderTemplate } from '../template/render.js';

interface MultiLineValue {
  /** How the user names it: `--set`/`--values` key `a.b`, or secret `id`. */
  readonly label: string;
  /** The data with this value's line breaks made blanks. */
  readonly flattened: TemplateData;
}

function isPlainObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function findMultiLineValues(data: TemplateData): MultiLineValue[] {
  const found: MultiLineValue[] = [];
  const visit = (values: Values, path: readonly string[], replace: (next: Values) => Values) => {
    for (const [key, value] of Object.entries(values)) {
      const at = (next: unknown) => replace({ ...values, [key]: next });
      if (typeof value === 'string' && value.includes('\n')) {
        found.push({ label: `value \`${[...path, key].join('.')}\``, flattened: { ...data, Values: at(value.replace(/\r?\n/g, ' ')) } });
      } else if (isPlainObject(value)) {
        visit(value, [...path, key], (next) => at(next));
      }
    }
  };
  visit(data.Values, [], (next) => next);
  for (const [id, secret] of Object.entries(data.Secrets)) {
    if (secret.includes('\n')) found.push({ label: `secret \`${id}\``, flattened: { ...data, Secrets: { ...data.Secrets, [id]: secret.replace(/\r?\n/g, ' ') } } });
  }
  return found;
}

/** The file's YAML structure: every key and list position, none of the scalar values. */
function shapeOf(text: string): string | undefined {
  let value: unknown;
  try {
    value = parse(text, { version: '1.1', uniqueKeys: false, maxAliasCount: -1 });
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
  const diagnostics: Diagnostic[] = [];
  for (const value of values) {
    const flattened = renderTemplate(input.text, value.flattened).source;
    if (!flattened || shapeOf(flattened.text) === shape) continue;
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
