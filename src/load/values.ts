// Load stage: builds `.Values` from values files and `--set` flags (acb-spec §2.3).

import { readFile } from '../sync-fs.js';
import { Scalar, isMap, isScalar, parseAllDocuments, visit } from 'yaml';
import type { Document, ScalarTag, Tags } from 'yaml';
import { error, warning } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { fromOriginal } from '../source-text.js';
import type { SourceText } from '../source-text.js';
import type { Values } from '../template/data.js';
import { GoFloat } from '../template/go-values.js';
import { decodeGoBytes, describeInvalidUtf8 } from './go-bytes.js';
import { describeReadError } from './read-task-file.js';
import { describeYamlError, locateOffset, locateYamlError } from './yaml-location.js';
import { isPlainObject, mergeDeep, type MutableValues } from './set-values.js';

// Files are read in order and later ones win. Nested mappings merge deeply, a deliberate
// superset: acb accepts them in the file but then fails to render (acb-spec §2.3).
export async function loadValuesFiles(paths: readonly string[]): Promise<{ values: Values; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  let values: MutableValues = {};
  for (const path of paths) {
    let content: string;
    try {
      content = decodeGoBytes(await readFile(path));
    } catch (cause) {
      diagnostics.push(describeReadError({ what: 'values file', code: 'values-unreadable', path, cause }));
      continue;
    }
    const parsed = parseValuesText({ file: path, content });
    diagnostics.push(...parsed.diagnostics);
    values = mergeDeep(values, parsed.values);
  }
  return { values, diagnostics };
}

/** One values document (YAML 1.1: `no` is false, `0755` octal); empty text gives no values. */
export function parseValuesText(input: { file: string; content: string }): { values: Values; diagnostics: Diagnostic[] } {
  const source = fromOriginal(input.file, input.content.replace(/^\uFEFF/, ''));
  const invalid = describeInvalidUtf8(source, { code: 'values-invalid-utf8', what: `values file '${input.file}'` });
  if (invalid) return { values: {}, diagnostics: [invalid] };
  // Like acb, only the first document of a `---` stream counts.
  const doc = parseAllDocuments(source.text, { version: '1.1', uniqueKeys: false, intAsBigInt: true, customTags: goScalarTags })[0];
  if (doc === undefined || doc.contents === null) {
    return { values: {}, diagnostics: doc?.errors.map((err) => yamlDiagnostic(source, err)) ?? [] };
  }
  if (doc.errors.length > 0) return { values: {}, diagnostics: doc.errors.map((err) => yamlDiagnostic(source, err)) };
  if (!isMap(doc.contents)) {
    const location = locateOffset(source, doc.contents.range?.[0] ?? 0);
    return {
      values: {},
      diagnostics: [error('values-not-mapping', `values file '${input.file}' must be a mapping of names to values`, location, 'write one name: value pair per line')],
    };
  }
  // Keys keep their text, as Go decodes them into strings: `yes:` is the key `yes`, not `true`.
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (isScalar(key) && (['boolean', 'number', 'bigint'].includes(typeof key.value) || key.value instanceof GoFloat) && key.source !== undefined) {
        key.value = key.source;
      }
    },
  });
  return { values: toPlainValues(doc.toJS({ maxAliasCount: 1000 })), diagnostics: describeNonFinite(doc, source) };
}

// acb turns the values into JSON for `.ValuesJSON` before rendering, and Go's encoding/json
// refuses infinities and NaN: ACR fails the whole run. taskrun renders them (Go's +Inf, NaN)
// and says so.
function describeNonFinite(doc: Document, source: SourceText): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || !(node.value instanceof GoFloat) || Number.isFinite(node.value.value)) return;
      diagnostics.push(
        warning(
          'acr-values-not-json',
          `values file '${source.file}': ${node.source ?? String(node.value.value)} is not a JSON number: ACR fails on it (json: unsupported value), taskrun renders it`,
          locateOffset(source, node.range?.[0] ?? 0),
          'quote it to make it text, e.g. "inf", if the task must run on ACR',
        ),
      );
    },
  });
  return diagnostics;
}

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

// Scalars as yaml.v2 decodes them into untyped values: timestamp-like text stays a string,
// floats stay Go float64 even when whole (`2.0`), integers stay exact up to uint64.
function goScalarTags(tags: Tags): Tags {
  return tags
    .filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp')
    .map((tag) => {
      if (typeof tag === 'string' || !('resolve' in tag) || 'collection' in tag) return tag;
      const scalarTag = tag as ScalarTag;
      const resolve = scalarTag.resolve.bind(scalarTag);
      if (scalarTag.tag === INT_TAG) return { ...scalarTag, resolve: (...args: ResolveArgs) => toGoInt(resolve(...args), args[0]) };
      if (scalarTag.tag === FLOAT_TAG) return { ...scalarTag, resolve: (...args: ResolveArgs) => toGoFloat(resolve(...args)) };
      return tag;
    });
}

type ResolveArgs = Parameters<ScalarTag['resolve']>;
type Resolved = ReturnType<ScalarTag['resolve']>;

// Ints that fit a JS number stay numbers; int64/uint64 ones stay bigint; larger decimal ones
// become float64 and larger hex/octal/binary ones stay text, as yaml.v2 decides.
function toGoInt(resolved: Resolved, text: string): Resolved {
  if (typeof resolved !== 'bigint') return resolved;
  if (resolved >= BigInt(Number.MIN_SAFE_INTEGER) && resolved <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(resolved);
  if (resolved >= INT64_MIN && resolved <= UINT64_MAX) return resolved;
  return /^[-+]?[0-9_]+$/.test(text) ? new GoFloat(Number(resolved)) : text;
}

function toGoFloat(resolved: Resolved): Resolved {
  if (resolved instanceof Scalar) {
    resolved.value = new GoFloat(Number(resolved.value));
    return resolved;
  }
  return new GoFloat(Number(resolved));
}

function yamlDiagnostic(source: ReturnType<typeof fromOriginal>, err: Parameters<typeof describeYamlError>[0]): Diagnostic {
  return error('values-yaml-syntax', `values file '${source.file}': ${describeYamlError(err)}`, locateYamlError(source, err), 'fix the YAML syntax of the values file');
}






function toPlainValues(value: unknown): Values {
  return isPlainObject(value) ? value : {};
}
