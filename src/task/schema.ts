// Stage 3, validate: the JSON schemas in schemas/ (also usable by editors) checked
// with ajv against the task as written. ajv's findings come back in the user's
// words at the offending value; unknown keys become did-you-mean warnings.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean, error, warning } from '../diagnostics.js';
import { suggestKey } from './key-suggestions.js';
import type { Diagnostic } from '../diagnostics.js';
import type { TaskVersion } from './types.js';
import { describeShape, pointerOf } from './parse-yaml.js';
import type { FieldType, PathSegment, WrittenDocument } from './parse-yaml.js';
import { isRecord } from './written.js';

type SchemaObject = { readonly [key: string]: unknown };

export const SCHEMA_FILES: { readonly [V in TaskVersion]: string } = {
  '1.0-preview-1': 'task-1.0-preview-1.json',
  'v1.0.0': 'task-v1.0.0.json',
  'v1.1.0': 'task-v1.1.0.json',
};
export const COMMON_SCHEMA_FILE = 'task.common.json';

/** Keys measured in seconds, so messages can say so. */
const SECONDS_KEYS = new Set(['stepTimeout', 'timeout', 'startDelay', 'retryDelay', 'cmdDownloadRetryDelay']);

/** ACR's accidental lower-case keys that do something (§1.1): not reported as ignored. */
const HONOURED_ACCIDENTAL_KEYS = new Set(['/steps/*/tags', '/secrets/*/aadresourceid']);

interface LoadedSchemas {
  readonly common: SchemaObject;
  readonly versions: { readonly [V in TaskVersion]: SchemaObject };
}

let loaded: LoadedSchemas | undefined;

/** The names scripts/compile-schemas.mjs exports each version's validator under. */
const VALIDATOR_EXPORTS: { readonly [V in TaskVersion]: string } = { '1.0-preview-1': 'preview1', 'v1.0.0': 'v1_0_0', 'v1.1.0': 'v1_1_0' };

// Validators ajv generated at build time (scripts/compile-schemas.mjs): compiling the schemas
// costs ~80 ms at every start. Running from src/ (tests), they are compiled here instead.
const PRECOMPILED = loadPrecompiledValidators();

function loadPrecompiledValidators(): { readonly [name: string]: ValidateFunction | undefined } {
  try {
    return createRequire(import.meta.url)('./schema-validators.cjs') as { [name: string]: ValidateFunction };
  } catch {
    return {};
  }
}
const compiled = new Map<TaskVersion, ValidateFunction>();
let runtimeAjv: Ajv | undefined;

export function schemaDirectory(): URL {
  return new URL('../../schemas/', import.meta.url);
}

export function readSchemaFile(fileName: string): SchemaObject {
  return JSON.parse(readFileSync(new URL(fileName, schemaDirectory()), 'utf8')) as SchemaObject;
}

function loadSchemas(): LoadedSchemas {
  if (loaded) return loaded;
  const common = readSchemaFile(COMMON_SCHEMA_FILE);
  const versions = {
    '1.0-preview-1': readSchemaFile(SCHEMA_FILES['1.0-preview-1']),
    'v1.0.0': readSchemaFile(SCHEMA_FILES['v1.0.0']),
    'v1.1.0': readSchemaFile(SCHEMA_FILES['v1.1.0']),
  };
  loaded = { common, versions };
  return loaded;
}

function validatorFor(version: TaskVersion): ValidateFunction {
  const precompiled = PRECOMPILED[VALIDATOR_EXPORTS[version]];
  if (precompiled) return precompiled;
  let validate = compiled.get(version);
  if (!validate) {
    const schemas = loadSchemas();
    if (!runtimeAjv) {
      // ajv itself is loaded only on this path; the options match scripts/compile-schemas.mjs.
      const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
      runtimeAjv = new AjvClass({ allErrors: true, strict: false });
      runtimeAjv.addSchema(schemas.common);
    }
    validate = runtimeAjv.compile(schemas.versions[version]);
    compiled.set(version, validate);
  }
  return validate;
}

/** The schema describing the value at `path` in a task file of `version`, if the schema knows it. */
export function schemaAt(version: TaskVersion, path: readonly PathSegment[]): SchemaObject | undefined {
  return memoized(SCHEMA_AT, version, path, () => findSchemaAt(version, path));
}

// Every step of a 1,000-step file asks the same questions: answers are kept per version and
// path shape (list indexes do not change the schema).
const SCHEMA_AT = new Map<string, SchemaObject | undefined>();
const FIELD_TYPE_AT = new Map<string, FieldType | undefined>();
const KNOWN_KEYS_AT = new Map<string, ReadonlyMap<string, { isIgnored: boolean }>>();

function memoized<T>(cache: Map<string, T>, version: TaskVersion, path: readonly PathSegment[], compute: () => T): T {
  let key: string = version;
  for (const segment of path) key += typeof segment === 'number' ? '\u0000#' : `\u0000/${segment}`;
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}

function findSchemaAt(version: TaskVersion, path: readonly PathSegment[]): SchemaObject | undefined {
  const schemas = loadSchemas();
  let current: SchemaObject | undefined = resolve(schemas.versions[version], schemas.common);
  for (const segment of path) {
    if (!current) return undefined;
    current = resolve(childSchema(current, segment, schemas.common), schemas.common);
  }
  return current;
}

export function fieldTypeAt(version: TaskVersion, path: readonly PathSegment[]): FieldType | undefined {
  return memoized(FIELD_TYPE_AT, version, path, () => findFieldTypeAt(version, path));
}

function findFieldTypeAt(version: TaskVersion, path: readonly PathSegment[]): FieldType | undefined {
  const schema = schemaAt(version, path);
  if (!schema) return undefined;
  const type = [schema, ...allOfParts(schema, loadSchemas().common)].map((part) => part['type']).find(Boolean);
  return type === 'string' || type === 'integer' || type === 'boolean' || type === 'array' || type === 'object'
    ? type
    : undefined;
}

function childSchema(schema: SchemaObject, segment: PathSegment, common: SchemaObject): SchemaObject | undefined {
  if (typeof segment === 'number') return isRecord(schema['items']) ? schema['items'] : undefined;
  for (const part of [schema, ...allOfParts(schema, common)]) {
    const properties = part['properties'];
    if (isRecord(properties) && isRecord(properties[segment])) return properties[segment];
  }
  const additional = schema['additionalProperties'];
  return isRecord(additional) ? additional : undefined;
}

function allOfParts(schema: SchemaObject, common: SchemaObject): SchemaObject[] {
  const parts = schema['allOf'];
  if (!Array.isArray(parts)) return [];
  return parts.flatMap((part) => {
    const resolved = resolve(isRecord(part) ? part : undefined, common);
    return resolved ? [resolved, ...allOfParts(resolved, common)] : [];
  });
}

// Follows `$ref`s into the common file (`task.common.json#/definitions/x` or `#/definitions/x` inside it).
function resolve(schema: SchemaObject | undefined, common: SchemaObject): SchemaObject | undefined {
  let current = schema;
  for (let depth = 0; current && typeof current['$ref'] === 'string' && depth < 10; depth++) {
    const fragment = (current['$ref'] as string).split('#')[1] ?? '';
    let target: unknown = common;
    for (const part of fragment.split('/').filter(Boolean)) target = isRecord(target) ? target[part] : undefined;
    current = isRecord(target) ? target : undefined;
  }
  return current;
}

/** Keys the schema declares at a mapping, with whether each is one of ACR's ignored accidental keys. */
export function knownKeysAt(version: TaskVersion, path: readonly PathSegment[]): ReadonlyMap<string, { isIgnored: boolean }> {
  return memoized(KNOWN_KEYS_AT, version, path, () => findKnownKeysAt(version, path));
}

function findKnownKeysAt(version: TaskVersion, path: readonly PathSegment[]): Map<string, { isIgnored: boolean }> {
  const schemas = loadSchemas();
  const schema = schemaAt(version, path);
  const keys = new Map<string, { isIgnored: boolean }>();
  if (!schema) return keys;
  for (const part of [schema, ...allOfParts(schema, schemas.common)]) {
    const properties = part['properties'];
    if (!isRecord(properties)) continue;
    for (const [key, value] of Object.entries(properties)) {
      keys.set(key, { isIgnored: isRecord(value) && value['deprecated'] === true });
    }
  }
  return keys;
}

export interface ValidateSchemaInput {
  readonly document: WrittenDocument;
  readonly version: TaskVersion;
}

// Types and ranges come from ajv; value formats (version, cache, names, GUIDs) and
// required keys are checked by the rules, which can say more than a pattern can.
export function validateSchema({ document, version }: ValidateSchemaInput): Diagnostic[] {
  const validate = validatorFor(version);
  if (validate(document.written)) return [];
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const problem of validate.errors ?? []) {
    const diagnostic = describeAjvError(problem, document);
    if (!diagnostic || reported.has(problem.instancePath)) continue;
    reported.add(problem.instancePath);
    diagnostics.push(diagnostic);
  }
  return diagnostics;
}

function describeAjvError(problem: ErrorObject, document: WrittenDocument): Diagnostic | undefined {
  const pointer = problem.instancePath;
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = segments[segments.length - 1] ?? '';
  const isItem = /^\d+$/.test(last);
  const name = isItem ? `\`${segments[segments.length - 2] ?? ''}\` item ${Number(last) + 1}` : `\`${last}\``;
  const span = document.spans.get(pointer);
  const got = describeShape(span);
  const location = document.at(pointer);
  // An empty list item is reported while parsing (ACR crashes on it).
  if (problem.keyword === 'type') {
    if (isItem && span?.shape === 'empty') return undefined;
    const expected = String((problem.params as { type?: unknown }).type);
    return error('invalid-type', `${name} must be ${describeType(expected, last)}, got ${got}`, location, hintForType({
      expected,
      key: isItem ? (segments[segments.length - 2] ?? '') : last,
      isItem,
      raw: span?.raw,
      shape: span?.shape,
    }));
  }
  if (problem.keyword === 'minimum') {
    return error(
      'invalid-value',
      `${name} must be 0 or more, got ${span?.raw ?? String(problem.data)}`,
      location,
      `remove \`${last}\` or write \`${last}: 0\``,
    );
  }
  if (problem.keyword === 'maximum') {
    const limit = String((problem.params as { limit?: unknown }).limit);
    return error('invalid-value', `${name} must be at most ${limit} seconds (about 24.8 days), got ${span?.raw ?? String(problem.data)}`, location, `write a smaller \`${last}\``);
  }
  return undefined;
}

function describeType(expected: string, key: string): string {
  switch (expected) {
    case 'integer':
      return SECONDS_KEYS.has(key) ? 'a whole number of seconds' : 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'a single value';
  }
}

function hintForType(input: {
  expected: string;
  key: string;
  isItem: boolean;
  raw: string | undefined;
  shape: string | undefined;
}): string {
  const { expected, key, raw } = input;
  switch (expected) {
    case 'integer': {
      const digits = /^\d+/.exec(raw ?? '')?.[0];
      return `write a number without quotes or units, e.g. \`${key}: ${digits ?? (SECONDS_KEYS.has(key) ? 600 : 3)}\``;
    }
    case 'boolean':
      return `write \`${key}: true\` or \`${key}: false\` without quotes`;
    case 'array': {
      const item = input.shape === 'scalar' && raw !== undefined ? JSON.stringify(raw) : '"…"';
      return `write the list form: \`${key}: [${item}]\`, or one \`- item\` per line below \`${key}:\``;
    }
    case 'object':
      return key === 'steps'
        ? 'start each step with a key, e.g. `- cmd: alpine echo hello`'
        : `write \`${key}\` as \`key: value\` lines`;
    default:
      return input.isItem ? `write each item of \`${key}\` as one value` : `write \`${key}\` as one value (quote it if needed)`;
  }
}

export interface CheckKeysInput {
  readonly document: WrittenDocument;
  readonly version: TaskVersion;
}

// ACR ignores unknown keys silently; a typo (`stpes`, `retry`) then changes nothing
// without a word, so each one gets a warning with the closest known key.
export function checkKeys({ document, version }: CheckKeysInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Kind of mapping (`/steps/*`) → the line of the first finding that listed its keys.
  const listedAt = new Map<string, number>();
  const visit = (value: unknown, path: PathSegment[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (!isRecord(value)) return;
    const schema = schemaAt(version, path);
    // Maps with free keys (volume files, alias values) and unknown subtrees are not checked.
    if (!schema || fieldTypeAt(version, path) !== 'object' || isRecord(schema['additionalProperties'])) return;
    const known = knownKeysAt(version, path);
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      const pointer = pointerOf(childPath);
      const entry = known.get(key);
      if (!entry) {
        const kindOfMapping = pointerOf(path.map((segment) => (typeof segment === 'number' ? '*' : segment)));
        const finding = describeUnknownKey({ key, path, known, version, location: document.at(pointer, 'key'), listedAtLine: listedAt.get(kindOfMapping) });
        if (finding.hint?.startsWith('known keys here') && finding.location) listedAt.set(kindOfMapping, finding.location.line);
        diagnostics.push(finding);
        continue;
      }
      const genericPointer = pointerOf(childPath.map((segment) => (typeof segment === 'number' ? '*' : segment)));
      if (entry.isIgnored && !HONOURED_ACCIDENTAL_KEYS.has(genericPointer)) {
        diagnostics.push(
          warning(
            'ignored-key',
            `\`${key}\` has no effect in taskrun (ACR accepts it only as an internal field)`,
            document.at(pointer, 'key'),
            `remove \`${key}\``,
          ),
        );
        continue;
      }
      visit(child, childPath);
    }
  };
  visit(document.written, []);
  return diagnostics;
}

function describeUnknownKey(input: {
  key: string;
  path: readonly PathSegment[];
  known: ReadonlyMap<string, { isIgnored: boolean }>;
  version: TaskVersion;
  location: ReturnType<WrittenDocument['at']>;
  /** The line whose finding already listed the known keys of this kind of mapping. */
  listedAtLine?: number;
}): Diagnostic {
  const { key, path, known, version, location } = input;
  if (key === 'alias' && path.length === 0) {
    return warning(
      'unknown-key',
      `\`alias\` has no effect in a ${version} file (ACR ignores it)`,
      location,
      'aliases need `version: v1.1.0`',
    );
  }
  const candidates = [...known].filter(([, entry]) => !entry.isIgnored).map(([name]) => name);
  const suggestion = suggestKey(key, candidates);
  const message = `unknown key \`${key}\` (ACR ignores it)${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`;
  // The known keys are listed once per kind of mapping; later findings point back to that list.
  const hint = suggestion
    ? `rename it to \`${suggestion}\``
    : input.listedAtLine !== undefined
      ? `the known keys are listed at line ${input.listedAtLine}`
      : `known keys here: ${candidates.map((name) => `\`${name}\``).join(', ')}`;
  return warning('unknown-key', message, location, hint);
}
