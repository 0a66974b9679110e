// `taskrun run` through the real binary: the workspace copy by default, `--bind`, what the first
// lines, the record and `--dry-run` say, and `--engine-for` refused when malformed.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { homeKeyOf, runNamePrefix } from '../../src/engine/names.js';
import { resolveTaskrunHome } from '../../src/record/home.js';
import { hashTree } from '../e2e/tree-hash.js';
import { runCli } from '../helpers/cli.js';
import { cliEngineFor, requireLab } from '../helpers/lab.js';

let lab: LabEnv;
const dirs: string[] = [];

beforeEach(async () => {
  lab = await requireLab();
});

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'taskrun-wsflags-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

const WRITING = "steps:\n  - cmd: busybox sh -c 'echo out > hello.txt && sed -i s/a/b/ data.txt'\n";

describe('taskrun run and the workspace', () => {
  it('copies by default: says so in the first lines and the record, and leaves the folder unchanged', async () => {
    const dir = await folderWith({ 'acr-task.yaml': WRITING, 'data.txt': 'aaa\n' });
    const home = await folderWith({});
    const before = await hashTree(dir);
    const selection = cliEngineFor(lab, 'podman');
    const result = await runCli(['run', path.join(dir, 'acr-task.yaml'), ...selection.args, '--run-id', 'wscopy'], { env: { ...process.env, ...selection.env, TASKRUN_HOME: home } });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`Workspace: a copy of ${dir} (volume ${runNamePrefix({ runId: 'wscopy', homeKey: homeKeyOf(home) })}-workspace)\n`);
    expect(result.stderr).toContain('Engine: podman at ');
    expect(await hashTree(dir)).toBe(before);
    const record = JSON.parse(await readFile(path.join(home, 'runs', 'wscopy', 'record.json'), 'utf8'));
    expect(record.setting.workspace).toEqual({ mode: 'copy', contextDir: dir, volume: `${runNamePrefix({ runId: 'wscopy', homeKey: homeKeyOf(home) })}-workspace` });
    expect(typeof record.setting.endpoint).toBe('string');
  });

  it('with --bind, steps write the folder, and the first lines and the record say so', async () => {
    const dir = await folderWith({ 'acr-task.yaml': WRITING, 'data.txt': 'aaa\n' });
    const home = await folderWith({});
    const selection = cliEngineFor(lab, 'podman');
    const result = await runCli(['run', path.join(dir, 'acr-task.yaml'), '--bind', ...selection.args, '--run-id', 'wsbind'], { env: { ...process.env, ...selection.env, TASKRUN_HOME: home } });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`Workspace: ${dir}, bind-mounted: steps write it (--bind)\n`);
    expect(await readFile(path.join(dir, 'hello.txt'), 'utf8')).toBe('out\n');
    expect(await readFile(path.join(dir, 'data.txt'), 'utf8')).toBe('baa\n');
    const record = JSON.parse(await readFile(path.join(home, 'runs', 'wsbind', 'record.json'), 'utf8'));
    expect(record.setting.workspace).toEqual({ mode: 'bind', contextDir: dir });
  });

  it('--dry-run says the mode, the endpoint(s) and what is copied', async () => {
    const dir = await folderWith({ 'acr-task.yaml': 'steps:\n  - build: --platform linux/arm64 -t x .\n', Dockerfile: 'FROM busybox\n', 'a.log': 'x', 'logs/b.txt': 'yy', '.dockerignore': '*.log\nlogs\n' });
    const result = await runCli(['run', '--dry-run', '--engine', 'podman', '--engine-for', 'linux/arm64=unix:///run/arm.sock', path.join(dir, 'acr-task.yaml')]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Workspace: a copy of ${dir} (volume ${runNamePrefix({ runId: 'run-id', homeKey: homeKeyOf(resolveTaskrunHome()) })}-workspace)`);
    expect(result.stdout).toContain('Builds for linux/arm64: podman at unix:///run/arm.sock (--engine-for)');
    expect(result.stdout).toMatch(/Copied: 3 files, \d+ B; \.dockerignore leaves out 2: a\.log, logs\n/);
    expect(result.stdout).toContain('(on unix:///run/arm.sock)');
  });

  it('refuses a malformed --engine-for with exit 2 before anything runs', async () => {
    const dir = await folderWith({ 'acr-task.yaml': 'steps:\n  - build: -t x .\n' });
    const result = await runCli(['run', '--engine', 'podman', '--engine-for', 'arm64', path.join(dir, 'acr-task.yaml')], { env: { ...process.env, TASKRUN_HOME: await folderWith({}) } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--engine-for arm64: "arm64" is not a platform');
  });
});
