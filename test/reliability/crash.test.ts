// kill -9 at random points of a run (the record reads `interrupted`, `runs prune` removes what
// it left on the engine) and 30 concurrent runs on one TASKRUN_HOME (unique IDs, intact records and logs).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { REPO_ROOT, runCli, TASKRUN_BIN } from '../helpers/cli.js';
import { requireLab } from '../helpers/lab.js';
import { allFiles, createTally, engineObjects, removeTempDirs, startRun, taskIn, tempDir, uniqueId } from './helpers.js';

const tally = createTally('crash');
let lab: LabEnv;

beforeAll(async () => {
  lab = await requireLab();
});
afterAll(() => {
  removeTempDirs();
  tally.report();
});

const KILL_TRIALS = 6;

describe('kill -9 at a random point', () => {
  it(`leaves an interrupted record (or none) that runs prune cleans up after (${KILL_TRIALS} trials)`, { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    for (let trial = 0; trial < KILL_TRIALS; trial++) {
      const home = tempDir('home');
      const runId = uniqueId('k9');
      const file = taskIn(tempDir('k9'), `steps:\n  - id: one\n    cmd: ${lab.registry}/busybox sh -c "echo one; sleep 2"\n  - id: two\n    cmd: ${lab.registry}/busybox sh -c "echo two; sleep 2"\n`);
      const run = startRun({ lab, file, runId, home });
      // From before the ID is claimed to the second step.
      const delayMs = 100 + Math.floor(Math.random() * 3500);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      run.child.kill('SIGKILL');
      await run.exited;
      const env = { ...process.env, TASKRUN_HOME: home };
      const show = await runCli(['runs', 'show', runId, '--json'], { env });
      const status = show.exitCode === 0 ? (JSON.parse(show.stdout) as { status: string }).status : 'no record';
      const prune = await runCli(['runs', 'prune'], { env });
      const leftovers = await engineObjects(lab, runId);
      const held = ['interrupted', 'no record', 'succeeded'].includes(status) && prune.exitCode === 0 && leftovers.length === 0 && !`${show.stderr}${prune.stderr}`.includes('internal error');
      if (!tally.record('kill -9 at a random point', held)) failures.push(`after ${delayMs} ms: status ${status}, left ${leftovers.join(' ')}, prune: ${prune.stderr}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('30 concurrent runs on one home', () => {
  it('get 30 distinct IDs, 30 intact records and 30 complete logs', { timeout: 120_000 }, async () => {
    const home = tempDir('home');
    // In-process `docker manifest inspect`: the store is what is tested, not the engine.
    const file = taskIn(tempDir('many'), `steps:\n  - id: look\n    cmd: docker manifest inspect ${lab.registry}/busybox\n`);
    const runs = await Promise.all(
      Array.from({ length: 30 }, () =>
        execa(process.execPath, [TASKRUN_BIN, 'run', file, '--quiet'], { cwd: REPO_ROOT, env: { ...process.env, TASKRUN_HOME: home }, reject: false, all: true }),
      ),
    );
    const ids = runs.map((result) => /Run ID: (\S+)/.exec(result.all ?? '')?.[1]);
    const folders = readdirSync(path.join(home, 'runs')).filter((name) => !name.startsWith('.'));
    for (const [index, result] of runs.entries()) {
      const id = ids[index];
      let held = result.exitCode === 0 && id !== undefined && ids.indexOf(id) === index;
      if (held && id) {
        const record = JSON.parse(readFileSync(path.join(home, 'runs', id, 'record.json'), 'utf8')) as { id: string; status: string };
        const log = readFileSync(path.join(home, 'runs', id, 'log.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; runId: string });
        held = record.id === id && record.status === 'succeeded' && log.every((line) => line.runId === id) && log.at(-1)?.event === 'run-end';
      }
      tally.record('30 concurrent runs', held);
    }
    expect(new Set(ids).size).toBe(30);
    expect(folders.sort()).toEqual([...ids].sort());
    expect(allFiles(home).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(runs.map((result) => result.exitCode)).toEqual(Array(30).fill(0));
  });
});
