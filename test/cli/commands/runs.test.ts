import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerRunsCommand } from '../../../src/cli/commands/runs.js';
import type { RunStatus } from '../../../src/run/events.js';
import { createRecordWriter } from '../../../src/record/record.js';
import type { RunRecord } from '../../../src/record/record.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  process.exitCode = undefined;
});

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

function makeHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'taskrun-runs-'));
  homes.push(home);
  return home;
}

function recordRun(home: string, id: string, { status, offsetMs, pushed = [] }: { status: Exclude<RunStatus, 'running' | 'interrupted'> | 'open'; offsetMs: number; pushed?: string[] }): void {
  mkdirSync(join(home, 'runs', id), { recursive: true });
  const writer = createRecordWriter({
    home,
    runId: id,
    taskFile: 'acr-task.yaml',
    taskText: 'steps: []\n',
    renderedTask: 'steps: []\n',
    arguments: ['run', '--run-id', id],
    engine: 'podman',
    now: () => T0 + offsetMs + 1500,
  });
  writer.handle({ type: 'run-start', runId: id, time: T0 + offsetMs, stepIds: ['build'] });
  writer.handle({ type: 'step-start', stepId: 'build', kind: 'build', time: T0 + offsetMs, attempt: 1 });
  if (status === 'open') return writer.close();
  for (const reference of pushed) writer.handle({ type: 'image-pushed', stepId: 'build', image: { reference, digest: 'sha256:abc' }, time: T0 + offsetMs });
  writer.handle({ type: 'step-end', stepId: 'build', status: status === 'succeeded' ? 'succeeded' : 'failed', time: T0 + offsetMs + 1500, durationMs: 1500, attempts: 1, exitCode: status === 'succeeded' ? 0 : 1 });
  writer.handle({ type: 'run-end', runId: id, status, time: T0 + offsetMs + 1500, durationMs: 1500 });
  writer.close();
}

async function runCli(home: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('taskrun').exitOverride();
  registerRunsCommand(program, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: { TASKRUN_HOME: home } });
  await program.parseAsync([...args], { from: 'user' });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

describe('taskrun runs', () => {
  it('lists runs newest first as a table', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0, pushed: ['localhost:5000/app:tr1'] });
    recordRun(home, 'tr2', { status: 'failed', offsetMs: 60_000 });
    expect(await runCli(home, ['runs'])).toEqual({
      stdout: [
        'ID   STATUS     TASK           STARTED               DURATION  IMAGES',
        'tr2  failed     acr-task.yaml  2026-03-04 05:07:07Z  1.5 s',
        'tr1  succeeded  acr-task.yaml  2026-03-04 05:06:07Z  1.5 s     localhost:5000/app:tr1',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });

  it('filters by --status and cuts at --limit', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0 });
    recordRun(home, 'tr2', { status: 'failed', offsetMs: 1000 });
    recordRun(home, 'tr3', { status: 'succeeded', offsetMs: 2000 });
    const ids = (output: string) => output.split('\n').slice(1, -1).map((line) => line.split(' ')[0]);
    expect(ids((await runCli(home, ['runs', '--status', 'succeeded'])).stdout)).toEqual(['tr3', 'tr1']);
    expect(ids((await runCli(home, ['runs', '--limit', '2'])).stdout)).toEqual(['tr3', 'tr2']);
  });

  it('prints the records as JSON with --json', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0 });
    const { stdout } = await runCli(home, ['runs', '--json']);
    const records = JSON.parse(stdout) as RunRecord[];
    expect(records.map((record) => [record.id, record.status, record.task.file, record.steps.length])).toEqual([['tr1', 'succeeded', 'acr-task.yaml', 1]]);
  });

  it('says so when there are no runs', async () => {
    const home = makeHome();
    expect((await runCli(home, ['runs'])).stdout).toBe(`No runs in ${join(home, 'runs')}.\n`);
  });

  it('refuses an unknown --status with exit 2 and a suggestion', async () => {
    const home = makeHome();
    expect(await runCli(home, ['runs', '--status', 'faild'])).toEqual({
      stdout: '',
      stderr: "error: --status 'faild' is not a run status\n  hint: did you mean 'failed'? Use one of running, succeeded, failed, cancelled, interrupted\n",
      exitCode: 2,
    });
  });

  it('refuses a --limit that is not a positive whole number', async () => {
    const home = makeHome();
    expect(await runCli(home, ['runs', '--limit', '0'])).toEqual({
      stdout: '',
      stderr: "error: --limit '0' is not a whole number of at least 1\n  hint: for example --limit 20\n",
      exitCode: 2,
    });
  });
});

describe('taskrun runs show', () => {
  it('prints one run in a readable form', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'failed', offsetMs: 0, pushed: ['r/app:1'] });
    const { stdout, exitCode } = await runCli(home, ['runs', 'show', 'tr1']);
    expect(exitCode).toBe(0);
    expect(stdout.replace(/Process: +\d+ on .*\n/, 'Process:   PID on HOST\n')).toBe(
      [
        'Run:       tr1',
        'Status:    failed',
        'Task:      acr-task.yaml (sha256 315b81de5a78)',
        'Engine:    podman',
        'Started:   2026-03-04 05:06:07Z',
        'Ended:     2026-03-04 05:06:08Z',
        'Duration:  1.5 s',
        'Process:   PID on HOST',
        'Arguments: run --run-id tr1',
        '',
        'STEP   KIND   STATUS  ATTEMPTS  EXIT  DURATION  ERROR',
        'build  build  failed  1         1     1.5 s',
        '',
        'Pushed:',
        '  r/app:1 sha256:abc',
        '',
      ].join('\n'),
    );
  });

  it('prints the record as JSON with --json, before or after the ID', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0 });
    for (const args of [['runs', 'show', 'tr1', '--json'], ['runs', 'show', '--json', 'tr1']]) {
      const record = JSON.parse((await runCli(home, args)).stdout) as RunRecord;
      expect([record.id, record.status, record.engine]).toEqual(['tr1', 'succeeded', 'podman']);
    }
  });

  it('shows a run whose process is gone as interrupted', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'open', offsetMs: 0 });
    const record = JSON.parse((await runCli(home, ['runs', 'show', 'tr1', '--json'])).stdout) as RunRecord;
    expect(record.status).toBe('interrupted');
  });

  it('exits 2 with a clear message for an unknown run ID', async () => {
    const home = makeHome();
    recordRun(home, 'tr12', { status: 'succeeded', offsetMs: 0 });
    expect(await runCli(home, ['runs', 'show', 'tr13'])).toEqual({
      stdout: '',
      stderr: `error: no run 'tr13' in ${join(home, 'runs')}\n  hint: did you mean 'tr12'? 'taskrun runs' lists the recorded runs\n`,
      exitCode: 2,
    });
  });
});

describe('taskrun runs prune', () => {
  it('keeps the newest N runs and every running one', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0 });
    recordRun(home, 'tr2', { status: 'failed', offsetMs: 1000 });
    recordRun(home, 'tr3', { status: 'succeeded', offsetMs: 2000 });
    recordRun(home, 'tr4', { status: 'succeeded', offsetMs: 3000 });
    expect(await runCli(home, ['runs', 'prune', '--keep', '2'])).toEqual({ stdout: 'Removed 2 runs; kept 2.\n', stderr: '', exitCode: 0 });
    expect(['tr1', 'tr2', 'tr3', 'tr4'].map((id) => existsSync(join(home, 'runs', id)))).toEqual([false, false, true, true]);
  });

  it('removes old run folders that never got a record', async () => {
    const home = makeHome();
    const folder = join(home, 'runs', 'tr9');
    mkdirSync(folder, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(folder, twoHoursAgo, twoHoursAgo);
    mkdirSync(join(home, 'runs', 'tr10'));
    expect((await runCli(home, ['runs', 'prune'])).stdout).toBe('Removed 0 runs and 1 empty run folder; kept 0.\n');
    expect([existsSync(folder), existsSync(join(home, 'runs', 'tr10'))]).toEqual([false, true]);
  });
});
