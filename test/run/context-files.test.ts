import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes, selectContextFiles } from '../../src/run/context-files.js';

let dir: string;

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function contextWith(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-ctx-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

describe('selectContextFiles', () => {
  it('lists everything without a .dockerignore, folders before their files', async () => {
    const ctx = await contextWith({ 'a.txt': '12345', 'sub/b.txt': 'xy' });
    await symlink('a.txt', path.join(ctx, 'link'));
    const selection = await selectContextFiles(ctx);
    expect(selection).toEqual({ entries: ['a.txt', 'link', 'sub', 'sub/b.txt'], fileCount: 3, totalBytes: 7, leftOut: [], hasDockerignore: false });
  });

  it('leaves out what .dockerignore says, keeps .dockerignore and re-included files, names the outermost left-out paths', async () => {
    const ctx = await contextWith({
      '.dockerignore': '*.log\nnode_modules\nkept\n!kept/again.txt\n.dockerignore\n',
      'a.log': 'x',
      'app.js': 'js',
      'node_modules/m/index.js': 'm',
      'kept/again.txt': 'again',
      'kept/other.txt': 'other',
    });
    const selection = await selectContextFiles(ctx);
    expect(selection.entries).toEqual(['.dockerignore', 'app.js', 'kept/again.txt']);
    expect(selection.leftOut).toEqual(['a.log', 'kept', 'node_modules']);
    expect(selection.hasDockerignore).toBe(true);
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200.0 MiB');
  });
});
