// Full and read-only TASKRUN_HOME (issue 12 point 1): an error naming the folder, never a hang
// or "internal error"; a run the disk stopped is cleaned up and its record kept, marked incomplete.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { runCli } from '../helpers/cli.js';
import { requireLab, type EnginePath } from '../helpers/lab.js';
import { allFiles, createTally, emptyFolder, engineObjects, mountTmpfs, removeTempDirs, startRun, taskIn, tempDir, uniqueId } from './helpers.js';

const tally = createTally('disk');
let lab: LabEnv;
let tmpfs: Awaited<ReturnType<typeof mountTmpfs>>;

beforeAll(async () => {
  lab = await requireLab();
  tmpfs = await mountTmpfs(384);
});
afterAll(async () => {
  await tmpfs?.readOnly(false).catch(() => undefined);
  await tmpfs?.unmount();
  removeTempDirs();
  tally.report();
});

const tempFiles = (dir: string) => allFiles(dir).filter((file) => file.endsWith('.tmp'));

function quietTask(): string {
  return taskIn(tempDir('quiet'), `steps:\n  - id: a\n    cmd: ${lab.registry}/busybox echo hello\n  - id: b\n    cmd: ${lab.registry}/busybox echo again\n`);
}

describe('a full TASKRUN_HOME', () => {
  // podman with an allocated run ID, docker with --run-id (claimed).
  it.each<EnginePath>(['podman', 'docker'])('before the run (%s): exit 2 naming the folder, no run folder or temp file left', async (engine) => {
    emptyFolder(tmpfs.dir);
    await tmpfs.fill();
    const idArgs = engine === 'docker' ? ['--run-id', uniqueId('full')] : [];
    const result = await runCli(['run', quietTask(), '--engine', engine, ...idArgs], { env: { ...process.env, TASKRUN_HOME: tmpfs.dir } });
    const runsFolder = path.join(tmpfs.dir, 'runs');
    const held =
      result.exitCode === 2 &&
      result.stderr.includes(`cannot write to ${runsFolder}`) &&
      result.stderr.includes('the disk is full (ENOSPC)') &&
      !result.stderr.includes('internal error') &&
      readdirSync(runsFolder).length === 0 &&
      tempFiles(tmpfs.dir).length === 0;
    expect(tally.record('full before the run', held), result.stderr).toBe(true);
  });

  it.each<EnginePath>(['podman', 'docker'])('during the run (%s): stopped and cleaned up, exit 1, record kept and marked, no hang', { timeout: 90_000 }, async (engine) => {
    emptyFolder(tmpfs.dir);
    const runId = uniqueId('disk');
    const file = taskIn(
      tempDir('loud'),
      [
        'steps:',
        '  - id: talk',
        `    cmd: ${lab.registry}/busybox sh -c 'for i in $(seq 1 3000); do echo line $i ..........................................................; sleep 0.01; done'`,
        '  - id: after',
        `    cmd: ${lab.registry}/busybox echo after`,
        '',
      ].join('\n'),
    );
    const run = startRun({ lab, file, runId, home: tmpfs.dir, engine });
    await run.waitFor('line 20 ');
    await tmpfs.fill();
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    const exitCode = await run.exited;
    clearTimeout(timer);
    const record = JSON.parse(readFileSync(path.join(tmpfs.dir, 'runs', runId, 'record.json'), 'utf8'));
    const leftovers = await engineObjects(lab, runId, engine);
    const held =
      exitCode === 1 &&
      run.output().includes('the disk is full (ENOSPC)') &&
      !run.output().includes('internal error') &&
      !run.output().includes('after\n') &&
      record.status === 'failed' &&
      /ENOSPC/.test(record.error) &&
      (record.incomplete ?? []).some((note: string) => note.includes('ENOSPC')) &&
      leftovers.length === 0 &&
      tempFiles(tmpfs.dir).length === 0;
    expect(tally.record('full during the run', held), `${run.output().slice(-2000)}\n${JSON.stringify(record)}\n${leftovers.join(' ')}`).toBe(true);
  });
});

describe('a read-only TASKRUN_HOME', () => {
  it('run: exit 2 naming the folder; runs, runs show and logs read it; prune says why it removed nothing', async () => {
    emptyFolder(tmpfs.dir);
    const runId = uniqueId('ro');
    const env = { ...process.env, TASKRUN_HOME: tmpfs.dir };
    const first = await runCli(['run', quietTask(), '--engine', 'podman', '--run-id', runId], { env });
    expect(first.exitCode, first.stderr).toBe(0);
    await tmpfs.readOnly(true);
    try {
      const run = await runCli(['run', quietTask(), '--engine', 'podman'], { env });
      const runs = await runCli(['runs'], { env });
      const show = await runCli(['runs', 'show', runId], { env });
      const logs = await runCli(['logs', runId], { env });
      const prune = await runCli(['runs', 'prune', '--keep', '0'], { env });
      const everything = [run, runs, show, logs, prune].map((result) => result.stdout + result.stderr).join('\n');
      const checks = {
        run: tally.record('read-only: run', run.exitCode === 2 && run.stderr.includes('the file system is read-only (EROFS)') && run.stderr.includes(tmpfs.dir)),
        runs: tally.record('read-only: runs', runs.exitCode === 0 && runs.stdout.includes(runId)),
        show: tally.record('read-only: runs show', show.exitCode === 0 && show.stdout.includes('succeeded')),
        logs: tally.record('read-only: logs', logs.exitCode === 0 && logs.stdout.includes('again')),
        prune: tally.record('read-only: runs prune', prune.exitCode === 2 && prune.stderr.includes('read-only (EROFS): no run was removed')),
        noBug: tally.record('read-only: never internal error', !everything.includes('internal error')),
      };
      expect(checks, everything).toEqual({ run: true, runs: true, show: true, logs: true, prune: true, noBug: true });
    } finally {
      await tmpfs.readOnly(false);
    }
  });
});
