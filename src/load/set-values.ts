// Load stage: `--set` values and how values merge, apart from values.ts: these run on every
// render, the YAML parser values.ts needs only for `--values` files (prepare.ts loads it then).

import { error, type Diagnostic } from '../diagnostics.js';
import type { Values } from '../template/data.js';

export type MutableValues = { [key: string]: unknown };

// `--set KEY=VALUE`: split at the first `=`, values stay strings, no comma splitting, and a
// dotted key stays one literal top-level key, as on acb.
export function parseSetFlags(items: readonly string[]): { values: Record<string, string>; diagnostics: Diagnostic[] } {
  const values: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  for (const item of items) {
    const equals = item.indexOf('=');
    if (equals < 0) {
      diagnostics.push(error('set-invalid', `--set '${item}': expected KEY=VALUE`, undefined, `write --set ${item === '' ? 'name' : item}=value`));
      continue;
    }
    const key = item.slice(0, equals);
    if (key === '') {
      diagnostics.push(error('set-invalid', `--set '${item}': the key before '=' is empty`, undefined, 'write --set name=value'));
      continue;
    }
    setOwn(values, key, item.slice(equals + 1));
  }
  return { values, diagnostics };
}

/** `--set` replaces whole top-level keys of the files' values. */
export function mergeValues(fromFiles: Values, fromSet: Record<string, string>): Values {
  const merged: MutableValues = { ...fromFiles };
  for (const [key, value] of Object.entries(fromSet)) setOwn(merged, key, value);
  return merged;
}

export function isPlainObject(value: unknown): value is MutableValues {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function mergeDeep(base: MutableValues, over: Values): MutableValues {
  const merged: MutableValues = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const previous = merged[key];
    setOwn(merged, key, isPlainObject(previous) && isPlainObject(value) ? mergeDeep(previous, value) : value);
  }
  return merged;
}

/** Assigns as an own property, so a key named `__proto__` is data, not a prototype change. */
function setOwn(target: MutableValues, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
