import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeValues, parseSetFlags } from '../../src/load/set-values.js';
import { loadValuesFiles, parseValuesText } from '../../src/load/values.js';
import { GoFloat } from '../../src/template/go-values.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskrun-values-'));
  await writeFile(join(dir, 'base.yaml'), 'image: alpine\nport: 8080\nflags:\n  debug: no\n  level: 1\nlist: [a, b]\n');
  await writeFile(join(dir, 'override.yaml'), 'image: busybox\nflags:\n  level: 2\nlist: [c]\n');
  await writeFile(join(dir, 'empty.yaml'), '');
  await writeFile(join(dir, 'comments.yaml'), '# only a comment\n');
  await writeFile(join(dir, 'list.yaml'), '# values\n- a\n- b\n');
  await writeFile(join(dir, 'broken.yaml'), 'a: b\nc: [d\n');
  await mkdir(join(dir, 'folder'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadValuesFiles', () => {
  it('reads one file with YAML 1.1 scalars', async () => {
    const result = await loadValuesFiles([join(dir, 'base.yaml')]);
    expect(result).toEqual({ values: { image: 'alpine', port: 8080, flags: { debug: false, level: 1 }, list: ['a', 'b'] }, diagnostics: [] });
  });

  it('lets later files win and merges nested mappings deeply', async () => {
    const result = await loadValuesFiles([join(dir, 'base.yaml'), join(dir, 'empty.yaml'), join(dir, 'override.yaml'), join(dir, 'comments.yaml')]);
    expect(result).toEqual({ values: { image: 'busybox', port: 8080, flags: { debug: false, level: 2 }, list: ['c'] }, diagnostics: [] });
  });

  it('gives no values for no files', async () => {
    expect(await loadValuesFiles([])).toEqual({ values: {}, diagnostics: [] });
  });

  it('rejects a document that is not a mapping, at its line', async () => {
    const path = join(dir, 'list.yaml');
    const result = await loadValuesFiles([path]);
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'values-not-mapping',
        message: `values file '${path}' must be a mapping of names to values`,
        location: { file: path, line: 2, col: 1 },
        hint: 'write one name: value pair per line',
      },
    ]);
  });

  it('reports YAML syntax errors at file:line:col', async () => {
    const path = join(dir, 'broken.yaml');
    const result = await loadValuesFiles([path]);
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'values-yaml-syntax',
        message: `values file '${path}': Flow sequence in block collection must be sufficiently indented and end with a ]`,
        location: { file: path, line: 3, col: 1 },
        hint: 'fix the YAML syntax of the values file',
      },
    ]);
  });

  it('names an unreadable file and keeps going', async () => {
    const missing = join(dir, 'missing.yaml');
    const folder = join(dir, 'folder');
    const result = await loadValuesFiles([missing, join(dir, 'override.yaml'), folder]);
    expect(result.values).toEqual({ image: 'busybox', flags: { level: 2 }, list: ['c'] });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'values-unreadable',
        message: `cannot read values file '${missing}': no such file`,
        hint: 'check the path; taskrun looks relative to the current folder',
      },
      {
        severity: 'error',
        code: 'values-unreadable',
        message: `cannot read values file '${folder}': it is a folder, not a file`,
        hint: 'name the file itself, not the folder that holds it',
      },
    ]);
  });
});

describe('parseValuesText', () => {
  it('keeps keys as written and timestamps as text, like yaml.v2', () => {
    const result = parseValuesText({ file: 'v.yaml', content: '\uFEFFyes: on\n0x1F: 0755\ndate: 2001-12-14\nn: ~\n' });
    expect(result).toEqual({ values: { yes: true, '0x1F': 493, date: '2001-12-14', n: null }, diagnostics: [] });
  });

  it('keeps Go number types: floats stay float64 even when whole, big ints stay exact', () => {
    const content = 'f: 2.0\ne: 1e3\nn: 7\nbig: 12345678901234567891\nhuge: 123456789012345678901234\nhex: 0x1FFFFFFFFFFFFFFFFF\n1.5: k\n';
    expect(parseValuesText({ file: 'v.yaml', content })).toEqual({
      values: {
        f: new GoFloat(2),
        e: new GoFloat(1000),
        n: 7,
        big: 12345678901234567891n,
        huge: new GoFloat(1.2345678901234568e23),
        hex: '0x1FFFFFFFFFFFFFFFFF',
        '1.5': 'k',
      },
      diagnostics: [],
    });
  });

  it('merges a float over a float without treating it as a mapping', async () => {
    await writeFile(join(dir, 'f1.yaml'), 'f: 1.5\n');
    await writeFile(join(dir, 'f2.yaml'), 'f: 2.0\n');
    expect(await loadValuesFiles([join(dir, 'f1.yaml'), join(dir, 'f2.yaml')])).toEqual({ values: { f: new GoFloat(2) }, diagnostics: [] });
  });

  it('keeps .inf and .nan and warns at each that ACR fails on them (json: unsupported value)', () => {
    const parsed = parseValuesText({ file: 'values.yaml', content: 'ok: 1.5\nx: .inf\nlist: [-.Inf, .NaN]\n.inf: key\n' });
    expect(parsed.diagnostics.map((d) => [d.severity, d.code, d.location])).toEqual([
      ['warning', 'acr-values-not-json', { file: 'values.yaml', line: 2, col: 4 }],
      ['warning', 'acr-values-not-json', { file: 'values.yaml', line: 3, col: 8 }],
      ['warning', 'acr-values-not-json', { file: 'values.yaml', line: 3, col: 15 }],
    ]);
    expect(parsed.diagnostics[0]?.message).toContain('.inf is not a JSON number');
    expect((parsed.values['x'] as GoFloat).value).toBe(Infinity);
    expect(parsed.values['.inf']).toBe('key');
  });

  it('uses only the first document and lets the last duplicate key win', () => {
    expect(parseValuesText({ file: 'v.yaml', content: 'a: 1\na: 2\n---\nb: 3\n' })).toEqual({ values: { a: 2 }, diagnostics: [] });
  });

  it('resolves anchors and merge keys', () => {
    const result = parseValuesText({ file: 'v.yaml', content: 'base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n' });
    expect(result.values).toEqual({ base: { x: 1, y: 2 }, other: { x: 1, y: 3 } });
  });

  it('keeps __proto__ as a plain key', () => {
    const result = parseValuesText({ file: 'v.yaml', content: '__proto__: {polluted: true}\n' });
    expect(Object.keys(result.values)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBe(undefined);
  });
});

describe('parseSetFlags (acb base_render_options_test)', () => {
  it('splits at the first = and keeps values as strings', () => {
    expect(parseSetFlags(['a=b', 'c=12345', 'd=e=f', 'g=', 'a=later'])).toEqual({
      values: { a: 'later', c: '12345', d: 'e=f', g: '' },
      diagnostics: [],
    });
  });

  it('does not split at commas and keeps dotted keys literal', () => {
    expect(parseSetFlags(['a=1,b=2', 'x.y=1'])).toEqual({ values: { a: '1,b=2', 'x.y': '1' }, diagnostics: [] });
  });

  it('rejects an item without =', () => {
    expect(parseSetFlags(['foo'])).toEqual({
      values: {},
      diagnostics: [{ severity: 'error', code: 'set-invalid', message: "--set 'foo': expected KEY=VALUE", hint: 'write --set foo=value' }],
    });
  });

  it('rejects an empty key', () => {
    expect(parseSetFlags(['=bar', 'ok=1'])).toEqual({
      values: { ok: '1' },
      diagnostics: [{ severity: 'error', code: 'set-invalid', message: "--set '=bar': the key before '=' is empty", hint: 'write --set name=value' }],
    });
  });
});

describe('mergeValues', () => {
  it('lets --set replace whole top-level keys', () => {
    const fromFiles = { a: { nested: 1 }, b: 'file', c: 3 };
    expect(mergeValues(fromFiles, { a: 'set', b: 'set2', 'a.nested': 'x' })).toEqual({ a: 'set', b: 'set2', c: 3, 'a.nested': 'x' });
    expect(fromFiles).toEqual({ a: { nested: 1 }, b: 'file', c: 3 });
  });
});
