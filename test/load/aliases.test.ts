import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitAliasBlock } from '../../src/load/alias-block.js';
import { listGlobalAliases, resolveAliases } from '../../src/load/aliases.js';
import { fromOriginal } from '../../src/source-text.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskrun-aliases-'));
  await writeFile(join(dir, 'a.yaml'), 'x: from-a\ny: from-a\nz: from-a\n');
  await writeFile(join(dir, 'b.yaml'), 'y: from-b\nz: from-b\n');
  await writeFile(join(dir, 'bad-name.yaml'), 'ok: 1\n"bad-name": 2\n');
  await writeFile(join(dir, 'list.yaml'), '- a\n- b\n');
  await writeFile(join(dir, 'nested.yaml'), 'a: b\nc:\n  d: e\n');
  await writeFile(join(dir, 'broken.yaml'), 'a: [b\n');
  await writeFile(join(dir, 'empty.yaml'), '');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The alias block of a task file, as the pipeline hands it over (rendering changes nothing here). */
function blockOf(text: string) {
  return splitAliasBlock(fromOriginal('acr-task.yaml', text)).aliasBlock;
}

async function resolveText(text: string, os: 'linux' | 'windows' = 'linux') {
  return resolveAliases({ aliasBlock: blockOf(text), taskDir: dir, os });
}

describe('listGlobalAliases', () => {
  it('has run shortcuts and MCR images on Linux', () => {
    expect(Object.fromEntries(listGlobalAliases('linux'))).toEqual({
      ID: '{{.Run.ID}}',
      SharedVolume: '{{.Run.SharedVolume}}',
      Registry: '{{.Run.Registry}}',
      RegistryName: '{{.Run.RegistryName}}',
      Date: '{{.Run.Date}}',
      OS: '{{.Run.OS}}',
      Architecture: '{{.Run.Architecture}}',
      Commit: '{{.Run.Commit}}',
      Branch: '{{.Run.Branch}}',
      acr: 'mcr.microsoft.com/acr/acr-cli:0.19',
      az: 'mcr.microsoft.com/acr/azure-cli:2ff604c',
      bash: 'mcr.microsoft.com/acr/bash:2ff604c',
      curl: 'mcr.microsoft.com/acr/curl:2ff604c',
      cssc: 'mcr.microsoft.com/acr/cssc:2ff604c',
    });
  });

  it('has only the run shortcuts on Windows', () => {
    expect([...listGlobalAliases('windows').keys()]).toEqual(['ID', 'SharedVolume', 'Registry', 'RegistryName', 'Date', 'OS', 'Architecture', 'Commit', 'Branch']);
  });
});

describe('resolveAliases', () => {
  it('gives the globals and $ without an alias block', async () => {
    const result = await resolveText('version: v1.1.0\nsteps: []\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.directive).toBe('$');
    expect(result.aliases).toEqual(listGlobalAliases('linux'));
  });

  it('treats an empty alias: as no definitions', async () => {
    const result = await resolveText('alias:\nsteps: []\n', 'windows');
    expect(result.diagnostics).toEqual([]);
    expect(result.aliases).toEqual(listGlobalAliases('windows'));
  });

  it('ranks inline values over src (last first) over globals', async () => {
    const result = await resolveText(
      ['alias:', '  src:', '    - a.yaml', '    - b.yaml', '  values:', '    z: inline', '    bash: my/bash', 'steps: []'].join('\n'),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.aliases.get('x')).toBe('from-a');
    expect(result.aliases.get('y')).toBe('from-b');
    expect(result.aliases.get('z')).toBe('inline');
    expect(result.aliases.get('bash')).toBe('my/bash');
    expect(result.aliases.get('acr')).toBe('mcr.microsoft.com/acr/acr-cli:0.19');
    expect(result.aliases.size).toBe(17);
  });

  it('keeps the written text of plain scalars, as Go decodes into strings', async () => {
    const result = await resolveText("alias:\n  values:\n    flag: yes\n    mode: 0755\n    none: ~\n    quoted: 'no'\n    multi: |\n      a\n      b\n");
    expect(result.diagnostics).toEqual([]);
    expect(result.aliases.get('flag')).toBe('yes');
    expect(result.aliases.get('mode')).toBe('0755');
    expect(result.aliases.get('none')).toBe('');
    expect(result.aliases.get('quoted')).toBe('no');
    expect(result.aliases.get('multi')).toBe('a\nb\n');
  });

  it('lets the last duplicate key win inside the block', async () => {
    const result = await resolveText('alias:\n  values:\n    a: one\n    a: two\n  directive: "%"\n  directive: "&"\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.aliases.get('a')).toBe('two');
    expect(result.directive).toBe('&');
  });

  it('merges two alias: blocks as acb does: values from both, a later src or directive replaces', async () => {
    const text = 'version: v1.1.0\nalias:\n  values:\n    k: first\n    m: only\n  directive: "&"\nsteps:\n- cmd: x\nalias:\n  values:\n    k: second\n    j: other\n';
    const result = await resolveText(text);
    expect(result.diagnostics).toEqual([]);
    expect([result.aliases.get('k'), result.aliases.get('m'), result.aliases.get('j')]).toEqual(['second', 'only', 'other']);
    expect(result.directive).toBe('&');
  });

  it('merges two values: keys in one block; a null values: or alias: drops what came before', async () => {
    const merged = await resolveText('alias:\n  values:\n    k: one\n  values:\n    j: two\n');
    expect([merged.aliases.get('k'), merged.aliases.get('j')]).toEqual(['one', 'two']);
    const cleared = await resolveText('alias:\n  values:\n    k: one\n  values:\nsteps: []\nalias:\n  directive: "&"\n');
    expect(cleared.aliases.get('k')).toBeUndefined();
    expect(cleared.directive).toBe('&');
    const reset = await resolveText('alias:\n  values:\n    k: one\n  directive: "&"\nsteps: []\nalias:\n');
    expect(reset.aliases.get('k')).toBeUndefined();
    expect(reset.directive).toBe('$');
  });

  it.each([
    ['&', '&'],
    ['🐳', '🐳'],
    ['', '$'],
  ])('accepts directive %j', async (written, expected) => {
    const result = await resolveText(`alias:\n  directive: "${written}"\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.directive).toBe(expected);
  });

  it('rejects a directive of several characters', async () => {
    const result = await resolveText('version: v1.1.0\nalias:\n  directive: "&&&"\n');
    expect(result.directive).toBe('$');
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'alias-invalid-directive',
        message: "alias directive '&&&' must be a single character",
        location: { file: 'acr-task.yaml', line: 3, col: 14 },
        hint: "pick one character that is not a letter or digit, e.g. '&'",
      },
    ]);
  });

  it('warns about unknown keys in the block, with a did-you-mean, and ignores them as ACR does', async () => {
    const result = await resolveText('version: v1.1.0\nalias:\n  valuse:\n    a: b\n  test: x\n');
    expect(result.aliases.get('a')).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'unknown-key',
        message: 'unknown key `valuse` in `alias` (ACR ignores it); did you mean `values`?',
        location: { file: 'acr-task.yaml', line: 3, col: 3 },
        hint: 'rename it to `values`',
      },
      {
        severity: 'warning',
        code: 'unknown-key',
        message: 'unknown key `test` in `alias` (ACR ignores it)',
        location: { file: 'acr-task.yaml', line: 5, col: 3 },
        hint: 'known keys here: `src`, `values`, `directive`',
      },
    ]);
  });

  it('rejects an alphanumeric directive', async () => {
    const result = await resolveText('alias:\n  directive: a\n');
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location?.line, d.location?.col])).toEqual([
      ['alias-invalid-directive', "alias directive 'a' may not be a letter or digit", 2, 14],
    ]);
  });

  it('rejects names that are not alphanumeric, located at the key', async () => {
    const result = await resolveText('alias:\n  values:\n    totallyValid: hello-world\n    "totally&^Invalid": hello-world\n');
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'alias-invalid-name',
        message: "alias name 'totally&^Invalid' in alias values is invalid: alias key names only support alphanumeric characters",
        location: { file: 'acr-task.yaml', line: 4, col: 5 },
        hint: 'use only the letters A-Z, a-z and the digits 0-9 in alias names',
      },
    ]);
    expect(result.aliases.get('totallyValid')).toBe('hello-world');
    expect(result.aliases.has('totally&^Invalid')).toBe(false);
  });

  it('locates a bad name from a src file in that file', async () => {
    const result = await resolveText('alias:\n  src: [bad-name.yaml]\n');
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location])).toEqual([
      [
        'alias-invalid-name',
        `alias name 'bad-name' in alias src '${join(dir, 'bad-name.yaml')}' is invalid: alias key names only support alphanumeric characters`,
        { file: join(dir, 'bad-name.yaml'), line: 2, col: 1 },
      ],
    ]);
    expect(result.aliases.get('ok')).toBe('1');
  });

  it('reports a missing src file at its entry, relative to the task folder', async () => {
    const result = await resolveText('alias:\n  src:\n    - a.yaml\n    - missing.yaml\n');
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'alias-src-unreadable',
        message: `cannot read alias src '${join(dir, 'missing.yaml')}': no such file`,
        location: { file: 'acr-task.yaml', line: 4, col: 7 },
        hint: "src paths are relative to the task file's folder",
      },
    ]);
    expect(result.aliases.get('x')).toBe('from-a');
  });

  it('ignores an empty src file', async () => {
    const result = await resolveText('alias:\n  src: [empty.yaml]\n');
    expect(result.diagnostics).toEqual([]);
  });

  it.each([
    ['list.yaml', 'expected a mapping of alias names to text', 1, 1],
    ['nested.yaml', "'c' must be a name with a text value", 3, 3],
    ['broken.yaml', 'Flow sequence in block collection must be sufficiently indented and end with a ]', 2, 1],
  ])('rejects the content of %s', async (file, problem, line, col) => {
    const result = await resolveText(`alias:\n  src: [${file}]\n`);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location])).toEqual([
      ['alias-decode', `alias src '${join(dir, file)}': ${problem}`, { file: join(dir, file), line, col }],
    ]);
  });

  it('rejects src written as a single string', async () => {
    const result = await resolveText('alias:\n  src: a.yaml\n');
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location?.line, d.location?.col])).toEqual([
      ['alias-decode', 'alias src: expected a list of files or URLs', 2, 8],
    ]);
  });

  it('reports YAML syntax errors of the block at the user\'s line', async () => {
    const result = await resolveText('version: v1.1.0\n# comment\nalias:\n  values: {a: [b}\nsteps: []\n');
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location])).toEqual([
      [
        'alias-decode',
        'alias block: Flow sequence in block collection must be sufficiently indented and end with a ]',
        { file: 'acr-task.yaml', line: 4, col: 17 },
      ],
      [
        'alias-decode',
        'alias block: Flow map in block collection must be sufficiently indented and end with a }',
        { file: 'acr-task.yaml', line: 4, col: 18 },
      ],
    ]);
  });

  it('rejects a scalar alias block', async () => {
    const result = await resolveText('alias: foo\n');
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location?.line, d.location?.col])).toEqual([
      ['alias-decode', 'alias: expected a mapping with src, values and directive', 1, 8],
    ]);
  });
});

describe('resolveAliases with http(s) src', () => {
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/aliases.yaml') response.end('remote: from-remote\ny: from-remote\n');
      else if (request.url === '/slow.yaml') setTimeout(() => response.end('a: b\n'), 500);
      else {
        response.statusCode = 404;
        response.end('no such alias file');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches a remote file and ranks it by position', async () => {
    const result = await resolveText(`alias:\n  src:\n    - ${base}/aliases.yaml\n    - b.yaml\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.aliases.get('remote')).toBe('from-remote');
    expect(result.aliases.get('y')).toBe('from-b');
  });

  it('reports an HTTP error with the response body', async () => {
    const result = await resolveText(`alias:\n  src: [${base}/gone.yaml]\n`);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location?.line, d.location?.col])).toEqual([
      ['alias-src-unreadable', `cannot fetch alias src '${base}/gone.yaml': HTTP 404: no such alias file`, 2, 9],
    ]);
  });

  it('gives up after the timeout', async () => {
    const result = await resolveAliases({ aliasBlock: blockOf(`alias:\n  src: [${base}/slow.yaml]\n`), taskDir: dir, os: 'linux', fetchTimeoutMs: 100 });
    expect(result.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['alias-src-unreadable', `cannot fetch alias src '${base}/slow.yaml': no answer within 100 ms`, 'check the URL; taskrun waits at most 100 ms for it'],
    ]);
  });
});

describe('alias src files stay inside the task file\'s folder and the context', () => {
  it('refuses a path or symbolic link that leads outside, before reading it, and names no content', async () => {
    const taskDir = await mkdtemp(join(tmpdir(), 'taskrun-alias-scope-'));
    const outside = await mkdtemp(join(tmpdir(), 'taskrun-alias-outside-'));
    try {
      await writeFile(join(outside, 'secret.yaml'), 'password: hunter2\n');
      await symlink(join(outside, 'secret.yaml'), join(taskDir, 'link.yaml'));
      await writeFile(join(taskDir, 'own.yaml'), 'x: mine\n');
      const block = blockOf(`version: v1.1.0\nalias:\n  src:\n    - ${join(outside, 'secret.yaml')}\n    - link.yaml\n    - own.yaml\nsteps: []\n`);
      const refused = await resolveAliases({ aliasBlock: block, taskDir, os: 'linux' });
      // src entries are read last to first (the last one wins); sorted by line here.
      const found = [...refused.diagnostics].sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
      expect(found.map((d) => [d.code, d.location?.line])).toEqual([
        ['alias-src-outside-context', 4],
        ['alias-src-outside-context', 5],
      ]);
      expect(JSON.stringify(refused.diagnostics)).not.toContain('hunter2');
      expect(found[1]?.message).toContain('through a symbolic link');
      expect(refused.aliases.get('x')).toBe('mine');

      const allowed = await resolveAliases({ aliasBlock: block, taskDir, os: 'linux', srcScope: 'anywhere' });
      expect(allowed.diagnostics).toEqual([]);
      expect(allowed.aliases.get('password')).toBe('hunter2');
      const inContext = await resolveAliases({ aliasBlock: block, taskDir, os: 'linux', srcScope: { allowedDirs: [taskDir, outside] } });
      expect(inContext.diagnostics).toEqual([]);
    } finally {
      await rm(taskDir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
