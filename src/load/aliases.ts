// Load stage (v1.1.0 files): decodes the rendered `alias:` block and merges its definitions
// with `src` files and the built-in globals into one alias table (acb-spec §3.3).

import { readFile, realpath } from '../sync-fs.js';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import { didYouMean, error, warning } from '../diagnostics.js';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { fromOriginal } from '../source-text.js';
import type { SourceText } from '../source-text.js';
import { decodeGoBytes, describeInvalidUtf8 } from './go-bytes.js';
import { describeReadError } from './read-task-file.js';
import { describeYamlError, locateOffset, locateYamlError } from './yaml-location.js';

export type AliasOs = 'linux' | 'windows';

export const defaultDirective = '$';
export const defaultFetchTimeoutMs = 2000;

const runAliases: Readonly<Record<string, string>> = {
  ID: '{{.Run.ID}}',
  SharedVolume: '{{.Run.SharedVolume}}',
  Registry: '{{.Run.Registry}}',
  RegistryName: '{{.Run.RegistryName}}',
  Date: '{{.Run.Date}}',
  OS: '{{.Run.OS}}',
  Architecture: '{{.Run.Architecture}}',
  Commit: '{{.Run.Commit}}',
  Branch: '{{.Run.Branch}}',
};

const imageAliases: Readonly<Record<string, string>> = {
  acr: 'mcr.microsoft.com/acr/acr-cli:0.19',
  az: 'mcr.microsoft.com/acr/azure-cli:2ff604c',
  bash: 'mcr.microsoft.com/acr/bash:2ff604c',
  curl: 'mcr.microsoft.com/acr/curl:2ff604c',
  cssc: 'mcr.microsoft.com/acr/cssc:2ff604c',
};

/** acb's built-in aliases: `.Run` shortcuts everywhere, MCR images on Linux only. */
export function listGlobalAliases(os: AliasOs): ReadonlyMap<string, string> {
  return new Map(Object.entries(os === 'linux' ? { ...runAliases, ...imageAliases } : runAliases));
}

const aliasName = /^[a-zA-Z0-9]+$/;

interface Definition {
  readonly value: string;
  /** Where the name was defined, for messages. */
  readonly location?: SourceLocation;
  readonly origin: string;
}

interface DecodedBlock {
  readonly src: readonly { uri: string; location: SourceLocation }[];
  readonly values: ReadonlyMap<string, Definition>;
  readonly directive?: { text: string; location: SourceLocation };
}

/**
 * Where local `src` files may be: inside these folders (symlinks resolved), or anywhere when the
 * user said so (`--allow-outside-context`). acb reads any path of the agent.
 */
export type AliasSourceScope = { readonly allowedDirs: readonly string[] } | 'anywhere';

// Precedence, highest first: inline `values`, `src` entries from last to first, globals.
// `src` files are resolved relative to the task file's folder (acb: its working directory).
export async function resolveAliases(input: {
  aliasBlock: SourceText;
  taskDir: string;
  os: AliasOs;
  fetchTimeoutMs?: number;
  /** Default: the task file's folder only. */
  srcScope?: AliasSourceScope;
}): Promise<{ aliases: ReadonlyMap<string, string>; directive: string; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const block = decodeAliasBlock(input.aliasBlock, diagnostics);
  const merged = new Map<string, Definition>(block.values);
  for (const entry of [...block.src].reverse()) {
    const loaded = await loadAliasSource({
      ...entry,
      taskDir: input.taskDir,
      fetchTimeoutMs: input.fetchTimeoutMs ?? defaultFetchTimeoutMs,
      scope: input.srcScope ?? { allowedDirs: [input.taskDir] },
    });
    diagnostics.push(...loaded.diagnostics);
    for (const [name, definition] of loaded.values) if (!merged.has(name)) merged.set(name, definition);
  }
  for (const [name, value] of listGlobalAliases(input.os)) {
    if (!merged.has(name)) merged.set(name, { value, origin: 'built-in' });
  }
  for (const [name, definition] of merged) {
    if (aliasName.test(name)) continue;
    diagnostics.push(
      error(
        'alias-invalid-name',
        `alias name '${name}' ${definition.origin} is invalid: alias key names only support alphanumeric characters`,
        definition.location,
        'use only the letters A-Z, a-z and the digits 0-9 in alias names',
      ),
    );
  }
  const directive = checkDirective(block.directive, diagnostics);
  const aliases = new Map([...merged].filter(([name]) => aliasName.test(name)).map(([name, d]) => [name, d.value] as const));
  return { aliases, directive, diagnostics };
}

function checkDirective(written: DecodedBlock['directive'], diagnostics: Diagnostic[]): string {
  if (written === undefined || written.text === '') return defaultDirective;
  const text = written.text;
  if ([...text].length !== 1) {
    diagnostics.push(
      error('alias-invalid-directive', `alias directive '${text}' must be a single character`, written.location, "pick one character that is not a letter or digit, e.g. '&'"),
    );
    return defaultDirective;
  }
  if (aliasName.test(text)) {
    diagnostics.push(
      error('alias-invalid-directive', `alias directive '${text}' may not be a letter or digit`, written.location, "pick one character that is not a letter or digit, e.g. '&'"),
    );
    return defaultDirective;
  }
  return text;
}

/** An `alias:` with no value: everything decoded before it is dropped. */
const RESET: unique symbol = Symbol('reset');

/** The keys acb reads from a task's `alias:` block. */
const ALIAS_KEYS: readonly string[] = ['src', 'values', 'directive'];

function decodeAliasBlock(source: SourceText, diagnostics: Diagnostic[]): DecodedBlock {
  const empty: DecodedBlock = { src: [], values: new Map() };
  if (source.text.trim() === '') return empty;
  const doc = parseDocument(source.text, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      diagnostics.push(error('alias-decode', `alias block: ${describeYamlError(err)}`, locateYamlError(source, err), 'fix the YAML of the alias: block'));
    }
    return empty;
  }
  const at = (node: YamlNode | null | undefined) => locateOffset(source, node?.range?.[0] ?? 0);
  const wrongShape = (node: YamlNode | null | undefined, message: string, hint: string) => {
    diagnostics.push(error('alias-decode', message, at(node), hint));
  };
  const root = doc.contents;
  if (!isMap(root)) return empty;
  // yaml.v2 decodes a repeated key into the same struct: two `alias:` blocks (or two `values:`
  // in one) merge, a later `src:` or `directive:` replaces the earlier one, and a null resets.
  const src: { uri: string; location: SourceLocation }[] = [];
  const values = new Map<string, Definition>();
  let directive: DecodedBlock['directive'];
  const aliasPairs = root.items.filter((item) => isScalar(item.key) && scalarText(doc, item.key) === 'alias');
  const items = aliasPairs.flatMap((pair): (Pair<unknown, unknown> | typeof RESET)[] => {
    const alias = resolveNode(doc, pair.value as YamlNode | null | undefined);
    if (alias === undefined || (isScalar(alias) && alias.value === null)) return [RESET];
    if (isMap(alias)) return alias.items;
    wrongShape(alias, 'alias: expected a mapping with src, values and directive', 'write alias: with src:, values: and directive: below it');
    return [];
  });
  for (const item of items) {
    if (item === RESET) {
      src.length = 0;
      values.clear();
      directive = undefined;
      continue;
    }
    const key = isScalar(item.key) ? scalarText(doc, item.key) : undefined;
    const value = resolveNode(doc, item.value as YamlNode | null | undefined);
    const isNull = value === undefined || (isScalar(value) && value.value === null);
    if (key === 'src') {
      src.length = 0;
      if (isNull) continue;
      if (!isSeq(value)) {
        wrongShape(value, 'alias src: expected a list of files or URLs', 'write src: as a list, e.g. src: [aliases.yaml]');
        continue;
      }
      for (const entry of value.items) {
        const node = resolveNode(doc, entry as YamlNode | null);
        const text = node && isScalar(node) ? scalarText(doc, node) : undefined;
        if (text === undefined) wrongShape(node, 'alias src: each entry must be a file path or URL', 'write one path or URL per list item');
        else src.push({ uri: text, location: at(node) });
      }
    } else if (key === 'values') {
      if (isNull) values.clear();
      if (isNull) continue;
      if (!isMap(value)) {
        wrongShape(value, 'alias values: expected a mapping of alias names to text', 'write values: with one name: text pair per line');
        continue;
      }
      for (const entry of value.items) {
        const name = isScalar(entry.key) ? scalarText(doc, entry.key) : undefined;
        const node = resolveNode(doc, entry.value as YamlNode | null | undefined);
        const text = node === undefined ? '' : isScalar(node) ? scalarText(doc, node) : undefined;
        if (name === undefined || text === undefined) {
          wrongShape(name === undefined ? (entry.key as YamlNode) : node, `alias values: '${name ?? '?'}' must be a name with a text value`, 'quote the value or use a block scalar (|) for multi-line text');
          continue;
        }
        values.set(name, { value: text, location: at(entry.key as YamlNode), origin: 'in alias values' });
      }
    } else if (key === 'directive') {
      directive = undefined;
      if (isNull) continue;
      const text = isScalar(value) ? scalarText(doc, value) : undefined;
      if (text === undefined) wrongShape(value, 'alias directive: expected a single character', "write e.g. directive: '&'");
      else directive = { text, location: at(value) };
    } else if (key !== undefined) {
      const suggestion = didYouMean(key, ALIAS_KEYS);
      diagnostics.push(
        warning(
          'unknown-key',
          `unknown key \`${key}\` in \`alias\` (ACR ignores it)${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
          at(item.key as YamlNode),
          suggestion ? `rename it to \`${suggestion}\`` : `known keys here: ${ALIAS_KEYS.map((name) => `\`${name}\``).join(', ')}`,
        ),
      );
    }
  }
  return { src, values, directive };
}

/** Follows YAML `*anchor` references; `undefined` for a missing node. */
function resolveNode(doc: Document, node: YamlNode | null | undefined): YamlNode | undefined {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) return resolveNode(doc, node.resolve(doc) as YamlNode | undefined);
  return node;
}

/** A scalar as Go decodes it into a string: resolved text for quoted/block scalars, raw text for plain ones (`yes` stays `yes`), null → ''. */
function scalarText(doc: Document, node: YamlNode): string | undefined {
  const resolved = resolveNode(doc, node);
  if (!resolved || !isScalar(resolved)) return undefined;
  if (resolved.value === null || resolved.value === undefined) return '';
  if (typeof resolved.value === 'string') return resolved.value;
  return resolved.source ?? String(resolved.value);
}

async function loadAliasSource(input: {
  uri: string;
  location: SourceLocation;
  taskDir: string;
  fetchTimeoutMs: number;
  scope: AliasSourceScope;
}): Promise<{ values: ReadonlyMap<string, Definition>; diagnostics: Diagnostic[] }> {
  const isRemote = input.uri.startsWith('https://') || input.uri.startsWith('http://');
  const shownPath = isRemote || isAbsolute(input.uri) ? input.uri : join(input.taskDir, input.uri);
  if (!isRemote) {
    const outside = await describeOutsideScope({ path: resolve(input.taskDir, input.uri), uri: input.uri, scope: input.scope, location: input.location });
    if (outside) return { values: new Map(), diagnostics: [outside] };
  }
  let content: string;
  try {
    content = decodeGoBytes(isRemote ? await fetchBytes(input.uri, input.fetchTimeoutMs) : await readFile(resolve(input.taskDir, input.uri)));
  } catch (cause) {
    const problem = isRemote
      ? error('alias-src-unreadable', `cannot fetch alias src '${input.uri}': ${(cause as Error).message}`, input.location, `check the URL; taskrun waits at most ${input.fetchTimeoutMs} ms for it`)
      : describeReadError({
          what: 'alias src',
          code: 'alias-src-unreadable',
          path: shownPath,
          cause,
          location: input.location,
          missingHint: "src paths are relative to the task file's folder",
        });
    return { values: new Map(), diagnostics: [problem] };
  }
  return decodeAliasFile({ source: fromOriginal(shownPath, content.replace(/^\uFEFF/, '')), isRemote, srcLocation: input.location });
}

// Checked before the file is read, so nothing of a file outside is ever read, let alone quoted.
async function describeOutsideScope(input: { path: string; uri: string; scope: AliasSourceScope; location: SourceLocation }): Promise<Diagnostic | undefined> {
  if (input.scope === 'anywhere') return undefined;
  // A missing file is the read's own error, reported as before.
  const real = await realpath(input.path).catch(() => undefined);
  if (real === undefined) return undefined;
  const roots = await Promise.all(input.scope.allowedDirs.map((dir) => realpath(dir).catch(() => resolve(dir))));
  if (roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`))) return undefined;
  const via = real === input.path ? '' : ` (through a symbolic link, ${real})`;
  const folders = [...new Set(roots)];
  return error(
    'alias-src-outside-context',
    `alias src '${input.uri}' is ${input.path}${via}, outside ${folders.length > 1 ? 'the folders' : 'the folder'} ${folders.join(' and ')} (the task file's and the context)`,
    input.location,
    'keep alias files beside the task file or in the context folder, or pass --allow-outside-context to read files elsewhere',
  );
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Uint8Array> {
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs} ms`);
    const reason = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : (cause as Error).message;
    throw new Error(reason);
  }
  if (response.status > 299) {
    const body = Buffer.from(bytes).toString('utf8').trim();
    throw new Error(`HTTP ${response.status}${body === '' ? '' : `: ${body}`}`);
  }
  return bytes;
}

/** An alias `src` file: a flat mapping of names to text. */
function decodeAliasFile(input: {
  source: SourceText;
  isRemote: boolean;
  srcLocation: SourceLocation;
}): { values: ReadonlyMap<string, Definition>; diagnostics: Diagnostic[] } {
  const { source } = input;
  const diagnostics: Diagnostic[] = [];
  const values = new Map<string, Definition>();
  // Remote files cannot be shown with a caret, so their problems point at the src entry.
  const at = (offset: number) => (input.isRemote ? input.srcLocation : locateOffset(source, offset));
  if (source.text.trim() === '') return { values, diagnostics };
  const invalid = describeInvalidUtf8(source, { code: 'alias-decode', what: `alias src '${source.file}'` });
  if (invalid) return { values, diagnostics: [input.isRemote ? { ...invalid, location: input.srcLocation } : invalid] };
  const doc = parseDocument(source.text, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = input.isRemote ? ` (line ${lineOf(source.text, err.pos[0])})` : '';
      diagnostics.push(error('alias-decode', `alias src '${source.file}': ${describeYamlError(err)}${line}`, at(err.pos[0]), 'fix the YAML of the alias file'));
    }
    return { values, diagnostics };
  }
  const root = resolveNode(doc, doc.contents);
  if (root === undefined || (isScalar(root) && root.value === null)) return { values, diagnostics };
  if (!isMap(root)) {
    diagnostics.push(error('alias-decode', `alias src '${source.file}': expected a mapping of alias names to text`, at(root.range?.[0] ?? 0), 'write one name: text pair per line'));
    return { values, diagnostics };
  }
  for (const entry of root.items) {
    const keyNode = entry.key as YamlNode;
    const name = isScalar(keyNode) ? scalarText(doc, keyNode) : undefined;
    const node = resolveNode(doc, entry.value as YamlNode | null | undefined);
    const text = node === undefined ? '' : isScalar(node) ? scalarText(doc, node) : undefined;
    const offset = (name === undefined ? keyNode : node)?.range?.[0] ?? 0;
    if (name === undefined || text === undefined) {
      const line = input.isRemote ? ` (line ${lineOf(source.text, offset)})` : '';
      diagnostics.push(error('alias-decode', `alias src '${source.file}': '${name ?? '?'}' must be a name with a text value${line}`, at(offset), 'quote the value or use a block scalar (|) for multi-line text'));
      continue;
    }
    values.set(name, { value: text, location: at(keyNode.range?.[0] ?? 0), origin: `in alias src '${source.file}'` });
  }
  return { values, diagnostics };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}
