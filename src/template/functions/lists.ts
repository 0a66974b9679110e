// Template stage: Sprig v2.22's list and dict functions. Lists are copied, as Sprig copies them;
// `set`, `unset`, `merge` and `mergeOverwrite` change the dict they are given, as in Go.

import { deepEqual, isGoMap, markedGoType, sortedKeys, stringOf, withGoType, type GoMap } from '../go-values.js';
import { compareGoStrings } from './strings.js';
import {
  asMap,
  asString,
  callError,
  fn,
  isEmpty,
  isPresent,
  MANY,
  reflectKindOf,
  toInt64,
  toStrings,
  unary,
  withMapParams,
  withStringParams,
} from './support.js';
import type { CallContext, FunctionFamily } from './types.js';

const NIL_DEREFERENCE = 'runtime error: invalid memory address or nil pointer dereference';
// Positions of variadic map or string parameters after the first (Go checks each one's type).
const REST = Array.from({ length: 63 }, (_, i) => i + 1);

/** The list Sprig's reflect code requires, or its panic: `Cannot <verb> on type <kind>`. */
function listOf(context: CallContext, value: unknown, panicText: (kind: string) => string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) callError(context, NIL_DEREFERENCE);
  return callError(context, panicText(reflectKindOf(value)));
}

const cannot = (verb: string) => (kind: string) => `Cannot ${verb} on type ${kind}`;

function mutable(context: CallContext, value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) callError(context, 'assignment to entry in nil map');
  return asMap(value) as Record<string, unknown>;
}

// imdario/mergo v0.3.13's Merge of map[string]interface{} values, rule by rule: maps on both
// sides merge recursively, and a src map never replaces a non-empty dst value; `mergeOverwrite`
// otherwise takes every src value (empty and nil ones too); `merge` only fills keys that `dst`
// lacks or holds empty, and never with nil.
function mergeInto(dst: Record<string, unknown>, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const from = src[key];
    const isSet = Object.hasOwn(dst, key);
    const to = dst[key];
    if (from === null || from === undefined) {
      if (overwrite) dst[key] = from;
    } else if (isGoMap(from)) {
      if (isSet && isGoMap(to) && !markedGoType(to)) mergeInto(to as Record<string, unknown>, from, overwrite);
      if (!isSet || isEmpty(dst[key])) dst[key] = from;
    } else if (overwrite || !isSet || isEmpty(to)) dst[key] = from;
  }
}

function merge(args: readonly unknown[], context: CallContext, overwrite: boolean): unknown {
  const dst = mutable(context, args[0]);
  for (const src of args.slice(1)) if (isPresent(src)) mergeInto(dst, asMap(src), overwrite);
  return dst;
}

/** copystructure.Copy for template values: lists and maps copied deeply, Go types kept. */
function deepCopy(value: unknown): unknown {
  const type = markedGoType(value);
  const keep = <T extends object>(copy: T): T => (type ? withGoType(copy, type) : copy);
  if (Array.isArray(value)) return keep(value.map(deepCopy));
  if (isGoMap(value)) return keep(Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deepCopy(item)])));
  return value;
}

// Go's reflect.Value.Slice, which Sprig's `slice` calls with toInt'd bounds.
function sliceList(args: readonly unknown[], context: CallContext): unknown {
  const list = args[0];
  if (list === null || list === undefined) callError(context, NIL_DEREFERENCE);
  if (!Array.isArray(list)) callError(context, `list should be type of slice or array but ${reflectKindOf(list)}`);
  if (list.length === 0) return null;
  const start = args.length > 1 ? toInt64(args[1], context) : 0;
  const end = args.length > 2 ? toInt64(args[2], context) : list.length;
  if (start < 0 || end < start || end > list.length) callError(context, 'reflect.Value.Slice: slice index out of bounds');
  const type = markedGoType(list);
  const part = list.slice(start, end);
  return type ? withGoType(part, type) : part;
}

export const LIST_FUNCTIONS: FunctionFamily = {
  list: fn(0, MANY, (args) => [...args]),
  tuple: fn(0, MANY, (args) => [...args]),
  append: fn(2, 2, (args, context) => [...listOf(context, args[0], cannot('push')), args[1]]),
  push: fn(2, 2, (args, context) => [...listOf(context, args[0], cannot('push')), args[1]]),
  prepend: fn(2, 2, (args, context) => [args[1], ...listOf(context, args[0], cannot('prepend'))]),
  first: unary((value, context) => listOf(context, value, cannot('find first'))[0] ?? null),
  last: unary((value, context) => {
    const list = listOf(context, value, cannot('find last'));
    return list[list.length - 1] ?? null;
  }),
  rest: unary((value, context) => listOf(context, value, cannot('find rest')).slice(1)),
  initial: unary((value, context) => listOf(context, value, cannot('find initial')).slice(0, -1)),
  reverse: unary((value, context) => [...listOf(context, value, cannot('find reverse'))].reverse()),
  compact: unary((value, context) => listOf(context, value, cannot('compact')).filter((item) => !isEmpty(item))),
  uniq: unary((value, context) => {
    const out: unknown[] = [];
    for (const item of listOf(context, value, cannot('find uniq'))) if (!out.some((kept) => deepEqual(kept, item))) out.push(item);
    return out;
  }),
  without: fn(1, MANY, (args, context) => {
    const omit = args.slice(1);
    return listOf(context, args[0], cannot('find without')).filter((item) => !omit.some((other) => deepEqual(other, item)));
  }),
  has: fn(2, 2, (args, context) => {
    if (args[1] === null || args[1] === undefined) return false;
    return listOf(context, args[1], cannot('find has')).some((item) => deepEqual(item, args[0]));
  }),
  slice: fn(1, MANY, sliceList),
  concat: fn(0, MANY, (args, context) =>
    args.flatMap((list) => listOf(context, list, (kind) => `Cannot concat type ${kind} as list`)),
  ),
  sortAlpha: unary((value) => {
    if (!Array.isArray(value)) return withGoType([stringOf(value)], '[]string');
    return withGoType(toStrings(value).sort(compareGoStrings), '[]string');
  }),

  dict: fn(0, MANY, (args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) out[stringOf(args[i])] = i + 1 < args.length ? args[i + 1] : '';
    return out;
  }),
  set: withMapParams([0], withStringParams([1], fn(3, 3, (args, context) => {
    const map = mutable(context, args[0]);
    map[asString(args[1])] = args[2];
    return map;
  }))),
  unset: withMapParams([0], withStringParams([1], fn(2, 2, (args, context) => {
    const map = mutable(context, args[0]);
    delete map[asString(args[1])];
    return map;
  }))),
  // A nil map (from a variable or `( … )`; the evaluator rejects a missing field) has no keys.
  hasKey: {
    ...withStringParams([1], fn(2, 2, (args) => isPresent(args[0]) && Object.hasOwn(asMap(args[0]), asString(args[1])), true)),
    mapParams: [0],
  },
  pluck: withMapParams(REST, withStringParams([0], fn(1, MANY, (args) => {
    const key = asString(args[0]);
    return args.slice(1).filter(isPresent).map(asMap).filter((map) => Object.hasOwn(map, key)).map((map) => map[key]);
  }))),
  // Go ranges over a map in random order, so `keys` and `values` are unordered on ACR; taskrun sorts by key.
  keys: withMapParams('all', fn(1, MANY, (args) => withGoType(args.filter(isPresent).flatMap((map) => sortedKeys(asMap(map))), '[]string'))),
  values: withMapParams([0], unary((value) => {
    if (!isPresent(value)) return [];
    const map = asMap(value);
    return sortedKeys(map).map((key) => map[key]);
  })),
  pick: withMapParams([0], withStringParams(REST, fn(1, MANY, (args) => {
    const map = isPresent(args[0]) ? asMap(args[0]) : {};
    const out: Record<string, unknown> = {};
    for (const key of args.slice(1).map(asString)) if (Object.hasOwn(map, key)) out[key] = map[key];
    return out;
  }))),
  omit: withMapParams([0], withStringParams(REST, fn(1, MANY, (args) => {
    const map = isPresent(args[0]) ? asMap(args[0]) : {};
    const omitted = new Set(args.slice(1).map(asString));
    return Object.fromEntries(Object.entries(map).filter(([key]) => !omitted.has(key)));
  }))),
  merge: withMapParams('all', fn(1, MANY, (args, context) => merge(args, context, false))),
  mergeOverwrite: withMapParams('all', fn(1, MANY, (args, context) => merge(args, context, true))),
  deepCopy: unary((value) => deepCopy(value)),
};
