import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { execa } from 'execa';
import { InputError } from '../../src/diagnostics.js';
import { materializeContext, parseContextArgument, type RunProgram } from '../../src/load/context-source.js';

const runProgram: RunProgram = async (file, args) => {
  const result = await execa(file, args, { reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(result.all ?? '');
};

const scratch = mkdtempSync(path.join(tmpdir(), 'taskrun-context-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseContextArgument', () => {
  it('reads az acr run source locations', () => {
    expect(parseContextArgument('/dev/null')).toEqual({ kind: 'none' });
    expect(parseContextArgument('.')).toEqual({ kind: 'folder', path: '.' });
    expect(parseContextArgument('src.tar.gz')).toEqual({ kind: 'tar', path: 'src.tar.gz' });
    expect(parseContextArgument('https://github.com/org/repo.git')).toEqual({ kind: 'git', url: 'https://github.com/org/repo.git' });
    expect(parseContextArgument('https://github.com/org/repo.git#main:app/sub')).toEqual({ kind: 'git', url: 'https://github.com/org/repo.git', ref: 'main', subfolder: 'app/sub' });
    expect(parseContextArgument('https://github.com/org/repo.git#:app')).toEqual({ kind: 'git', url: 'https://github.com/org/repo.git', subfolder: 'app' });
    expect(() => parseContextArgument('https://example.com/source.tar.gz')).toThrow(InputError);
  });
});

describe('materializeContext', () => {
  it('unpacks a .tar.gz into a folder it removes afterwards', async () => {
    const source = path.join(scratch, 'src');
    mkdirSync(source, { recursive: true });
    writeFileSync(path.join(source, 'Dockerfile'), 'FROM scratch\n');
    const archive = path.join(scratch, 'src.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', source, '.']);
    const local = await materializeContext({ kind: 'tar', path: archive }, runProgram);
    expect(readFileSync(path.join(local.dir, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n');
    await local.cleanup();
    expect(existsSync(local.dir)).toBe(false);
  });

  it('clones a git URL at a branch and uses its subfolder, as az writes it (repo.git#branch:folder)', async () => {
    const work = path.join(scratch, 'work');
    mkdirSync(path.join(work, 'app'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
    git('init', '-q', '-b', 'main');
    writeFileSync(path.join(work, 'app', 'file.txt'), 'on main\n');
    git('add', '.');
    git('commit', '-q', '-m', 'main');
    git('checkout', '-q', '-b', 'feature');
    writeFileSync(path.join(work, 'app', 'file.txt'), 'on feature\n');
    git('commit', '-q', '-am', 'feature');
    const bare = path.join(scratch, 'repo.git');
    execFileSync('git', ['clone', '-q', '--bare', work, bare]);
    const local = await materializeContext(parseContextArgument(`file://${bare}#feature:app`), runProgram);
    expect(readFileSync(path.join(local.dir, 'file.txt'), 'utf8')).toBe('on feature\n');
    await local.cleanup();
    await expect(materializeContext(parseContextArgument(`file://${bare}#main:nope`), runProgram)).rejects.toThrow(InputError);
  });

  it('gives an empty folder for /dev/null and refuses a folder that does not exist', async () => {
    const local = await materializeContext({ kind: 'none' }, runProgram);
    expect(existsSync(local.dir)).toBe(true);
    await local.cleanup();
    await expect(materializeContext({ kind: 'folder', path: path.join(scratch, 'missing') }, runProgram)).rejects.toThrow(InputError);
  });
});
