import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/diagnostics.js';
import { encodeGoBytes } from '../../src/load/go-bytes.js';
import { describeReadError, readTaskFile } from '../../src/load/read-task-file.js';
import { locate } from '../../src/source-text.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskrun-read-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readError(path: string): Promise<InputError> {
  try {
    await readTaskFile(path);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('readTaskFile', () => {
  it('reads UTF-8 text with line origins', async () => {
    const path = join(dir, 'plain.yaml');
    await writeFile(path, 'steps:\n  - cmd: echo ✓\n');
    expect(await readTaskFile(path)).toEqual({ file: path, original: 'steps:\n  - cmd: echo ✓\n', text: 'steps:\n  - cmd: echo ✓\n', origins: [1, 2, 3] });
  });

  it('keeps a byte-order mark and CRLF line endings, as acb does', async () => {
    const path = join(dir, 'windows.yaml');
    await writeFile(path, '\uFEFFversion: v1.1.0\r\nsteps:\r\n  - cmd: x\r\n');
    const source = await readTaskFile(path);
    expect(source).toEqual({
      file: path,
      original: '\uFEFFversion: v1.1.0\r\nsteps:\r\n  - cmd: x\r\n',
      text: '\uFEFFversion: v1.1.0\r\nsteps:\r\n  - cmd: x\r\n',
      origins: [1, 2, 3, 4],
    });
    expect(locate(source, 3, 5)).toEqual({ file: path, line: 3, col: 5 });
  });

  it('keeps an invalid UTF-8 byte as that byte', async () => {
    const path = join(dir, 'latin1.yaml');
    const bytes = Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]);
    await writeFile(path, bytes);
    const source = await readTaskFile(path);
    expect(source.text).toBe('a: \uDCE9\n');
    expect(encodeGoBytes(source.text)).toEqual(bytes);
  });

  it('explains a missing file', async () => {
    const err = await readError('no-such-task.yaml');
    expect(err.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'file-unreadable',
        message: "cannot read task file 'no-such-task.yaml': no such file",
        hint: 'check the path; taskrun looks relative to the current folder',
      },
    ]);
  });

  it('explains a folder', async () => {
    const err = await readError(dir);
    expect(err.diagnostics.map((d) => [d.message, d.hint])).toEqual([
      [`cannot read task file '${dir}': it is a folder, not a file`, 'name the file itself, not the folder that holds it'],
    ]);
  });
});

describe('describeReadError', () => {
  const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('explains a permission error', () => {
    expect(describeReadError({ what: 'task file', code: 'file-unreadable', path: 'a.yaml', cause: failure('EACCES', 'EACCES: permission denied, open') })).toEqual({
      severity: 'error',
      code: 'file-unreadable',
      message: "cannot read task file 'a.yaml': permission denied",
      hint: 'make the file readable for the current user (chmod +r)',
    });
  });

  it('falls back to the OS message for other errors', () => {
    expect(describeReadError({ what: 'values file', code: 'values-unreadable', path: 'v.yaml', cause: failure('EIO', 'EIO: i/o error, read') })).toEqual({
      severity: 'error',
      code: 'values-unreadable',
      message: "cannot read values file 'v.yaml': EIO: i/o error, read",
    });
  });

  it('uses the caller\'s hint for a missing file and keeps the location', () => {
    const location = { file: 'acr-task.yaml', line: 3, col: 7 };
    expect(describeReadError({ what: 'alias src', code: 'alias-src-unreadable', path: 'x.yaml', cause: failure('ENOENT', 'ENOENT'), location, missingHint: 'relative to the task' })).toEqual({
      severity: 'error',
      code: 'alias-src-unreadable',
      message: "cannot read alias src 'x.yaml': no such file",
      location,
      hint: 'relative to the task',
    });
  });
});
