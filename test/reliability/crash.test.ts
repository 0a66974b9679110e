// kill -9 at random points of a run (the record reads `interrupted`, the next run of the home
// removes what it left on the engine) and 30 concurrent runs on one TASKRUN_HOME (unique IDs, intact records and logs).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, TASKRUN_BIN } from '../helpers/cli.js';
import { cliEngineFor, ENGINE_PATHS, type EnginePath } from '../helpers/lab.js';
import { allFiles, engineObjects, startRun, taskIn, tempDir, uniqueId, useReliabilitySuite } from './helpers.js';

const { tally, lab } = useReliabilitySuite('crash');

/** Per engine path. */
const KILL_TRIALS = 3;

describe('kill -9 at a random point', () => {
  it(`leaves an interrupted record (or none); the next run of the home removes what it left, and says so (${KILL_TRIALS} trials per engine path)`, { timeout: 300_000 }, async () => {
    const failures: string[] = [];
    const next = taskIn(tempDir('k9-next'), `steps:\n  - id: hello\n    cmd: ${lab().registry}/busybox echo hello\n`);
    for (const engine of ENGINE_PATHS.flatMap((path) => Array<EnginePath>(KILL_TRIALS).fill(path))) {
      const selection = cliEngineFor(lab(), engine);
      const home = tempDir('home');
      const runId = uniqueId('k9');
      const file = taskIn(tempDir('k9'), `steps:\n  - id: one\n    cmd: ${lab().registry}/busybox sh -c "echo one; sleep 2"\n  - id: two\n    cmd: ${lab().registry}/busybox sh -c "echo two; sleep 2"\n`);
      const run = startRun({ lab: lab(), file, runId, home, engine });
      // From before the ID is claimed to the second step.
      const delayMs = 100 + Math.floor(Math.random() * 3500);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      run.child.kill('SIGKILL');
      await run.exited;
      const env = { ...process.env, ...selection.env, TASKRUN_HOME: home };
      const show = await runCli(['runs', 'show', runId, '--json'], { env });
      const status = show.exitCode === 0 ? (JSON.parse(show.stdout) as { status: string }).status : 'no record';
      const left = await engineObjects(lab(), runId, engine);
      // No `runs prune`: the next run cleans up by itself.
      const nextRun = await runCli(['run', next, ...selection.args, '--progress', 'plain'], { env });
      const leftovers = await engineObjects(lab(), runId, engine);
      const saysSo = left.length === 0 || nextRun.stderr.includes(`taskrun: removed what 1 interrupted run (${runId}) left:`);
      const held =
        ['interrupted', 'no record', 'succeeded'].includes(status) && nextRun.exitCode === 0 && leftovers.length === 0 && saysSo && !`${show.stderr}${nextRun.stderr}`.includes('internal error');
      if (!tally.record(`kill -9 at a random point, then the next run cleans up (${engine})`, held)) {
        failures.push(`${engine}, after ${delayMs} ms: status ${status}, left ${left.join(' ')}, still there ${leftovers.join(' ')}, next run (exit ${nextRun.exitCode}): ${nextRun.stderr}`);
      }
      const prune = await runCli(['runs', 'prune'], { env });
      if (!tally.record(`runs prune after that (${engine})`, prune.exitCode === 0 && (await engineObjects(lab(), runId, engine)).length === 0)) {
        failures.push(`${engine}, after ${delayMs} ms: runs prune (exit ${prune.exitCode}): ${prune.stderr}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('30 concurrent runs on one home', () => {
  it('get 30 distinct IDs, 30 intact records and 30 complete logs', { timeout: 120_000 }, async () => {
    const home = tempDir('home');
    // In-process `docker manifest inspect`: the store is what is tested, not the engine.
    const file = taskIn(tempDir('many'), `steps:\n  - id: look\n    cmd: docker manifest inspect ${lab().registry}/busybox\n`);
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
