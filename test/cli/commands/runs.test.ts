import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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

interface RunSpec {
  status: Exclude<RunStatus, 'running' | 'interrupted'> | 'open';
  offsetMs: number;
  pushed?: string[];
  manifests?: string[];
  taskFile?: string;
}

function recordRun(home: string, id: string, { status, offsetMs, pushed = [], manifests = [], taskFile = '/srv/ci/acr-task.yaml' }: RunSpec): void {
  mkdirSync(join(home, 'runs', id), { recursive: true });
  const writer = createRecordWriter({
    home,
    runId: id,
    taskFile,
    taskText: 'steps: []\n',
    renderedTask: 'steps: []\n',
    arguments: ['run', '--run-id', id],
    engine: 'podman',
    now: () => T0 + offsetMs + 1500,
  });
  writer.handle({ type: 'run-start', runId: id, time: T0 + offsetMs, stepIds: ['build'] });
  writer.handle({ type: 'step-start', stepId: 'build', kind: 'build', time: T0 + offsetMs, attempt: 1, command: ['podman', 'build', '-t', 'r/app:1', 'a b'] });
  if (status === 'open') return writer.close();
  for (const reference of pushed) writer.handle({ type: 'image-pushed', stepId: 'build', image: { reference, digest: 'sha256:abc' }, time: T0 + offsetMs });
  for (const reference of manifests) {
    writer.handle({ type: 'manifest-pushed', stepId: 'build', image: { reference, digest: 'sha256:def' }, mediaType: 'application/vnd.oci.image.index.v1+json', time: T0 + offsetMs });
  }
  if (status === 'failed') writer.handle({ type: 'warning', stepId: 'build', message: 'cache: enabled is ignored', time: T0 + offsetMs });
  const failure = status === 'succeeded' ? {} : { error: 'exited with code 1' };
  writer.handle({ type: 'step-end', stepId: 'build', status: status === 'succeeded' ? 'succeeded' : 'failed', time: T0 + offsetMs + 1500, durationMs: 1500, attempts: 1, exitCode: status === 'succeeded' ? 0 : 1, ...failure });
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
        'ID   STATUS     TASK              STARTED               DURATION  IMAGES',
        'tr2  failed     ci/acr-task.yaml  2026-03-04 05:07:07Z  1.5 s',
        'tr1  succeeded  ci/acr-task.yaml  2026-03-04 05:06:07Z  1.5 s     localhost:5000/app:tr1',
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
    expect(records.map((record) => [record.id, record.status, record.task.file, record.task.argument, record.steps.length])).toEqual([
      ['tr1', 'succeeded', '/srv/ci/acr-task.yaml', '/srv/ci/acr-task.yaml', 1],
    ]);
  });

  it('fits 120 columns: many images as the first one and a count, long task paths cut at the start', async () => {
    const home = makeHome();
    const deep = `/home/someone/projects/${'very-long-folder-name/'.repeat(4)}build/acr-task.yaml`;
    const images = Array.from({ length: 12 }, (_, index) => `registry.example.com:5000/organisation/team/some-long-image-name:${'x'.repeat(20)}-${index}`);
    recordRun(home, 'a-rather-long-run-id-7', { status: 'succeeded', offsetMs: 0, pushed: images, manifests: ['registry.example.com:5000/organisation/team/app:latest'], taskFile: deep });
    recordRun(home, 'tr2', { status: 'failed', offsetMs: 1000, taskFile: '/x/ci/acr-task.yaml' });
    const lines = (await runCli(home, ['runs'])).stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    const row = lines.find((line) => line.startsWith('a-rather-long-run-id-7'))!;
    // The manifest list is the run's product: it comes first, cut in the middle to fit, then how many more.
    expect(row).toMatch(/ registry\.exam[^ ]*…[^ ]*app:latest \+12$/);
    expect(lines.some((line) => line.length === 120)).toBe(true);
    expect(row).toContain('build/acr-task.yaml');
  });

  it('tells task files with the same name apart by their nearest differing folder', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0, taskFile: '/repo/app/ci/acr-task.yaml' });
    recordRun(home, 'tr2', { status: 'succeeded', offsetMs: 1000, taskFile: '/repo/lib/ci/acr-task.yaml' });
    recordRun(home, 'tr3', { status: 'succeeded', offsetMs: 2000, taskFile: '/repo/samples/multi-arch/acr-task.yaml' });
    const tasks = (await runCli(home, ['runs'])).stdout.split('\n').slice(1, -1).map((line) => line.split(/ {2,}/)[2]);
    expect(tasks).toEqual(['multi-arch/acr-task.yaml', 'lib/ci/acr-task.yaml', 'app/ci/acr-task.yaml']);
  });

  it("gives an interrupted run's duration up to its last event in the log", async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'open', offsetMs: 0 });
    const lastEvent = { level: 'info', time: new Date(T0 + 6_200).toISOString(), runId: 'tr1', event: 'step-output', stepId: 'build', msg: 'still building' };
    writeFileSync(join(home, 'runs', 'tr1', 'log.ndjson'), `${JSON.stringify({ ...lastEvent, time: new Date(T0).toISOString() })}\n${JSON.stringify(lastEvent)}\n{"torn`);
    const table = (await runCli(home, ['runs'])).stdout;
    expect(table).toMatch(/tr1 +interrupted +ci\/acr-task\.yaml +2026-03-04 05:06:07Z +6\.2 s/);
    expect((await runCli(home, ['runs', 'show', 'tr1'])).stdout).toContain('Duration:     6.2 s (up to its last event; the process died)');
  });

  it('reads records written before task paths were absolute', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0 });
    const file = join(home, 'runs', 'tr1', 'record.json');
    const old = JSON.parse(readFileSync(file, 'utf8')) as { task: Record<string, unknown> };
    old.task = { file: 'acr-task.yaml', sha256: old.task.sha256, rendered: old.task.rendered };
    writeFileSync(file, JSON.stringify(old));
    expect((await runCli(home, ['runs'])).stdout).toMatch(/tr1 +succeeded +acr-task\.yaml /);
    expect((await runCli(home, ['runs', 'show', 'tr1'])).stdout).toContain('Task:         acr-task.yaml\n');
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
    recordRun(home, 'tr1', { status: 'failed', offsetMs: 0, pushed: ['r/app:1'], manifests: ['r/app:multi'] });
    const { stdout, exitCode } = await runCli(home, ['runs', 'show', 'tr1']);
    expect(exitCode).toBe(0);
    expect(stdout.replace(/Process: +\d+ on .*\n/, 'Process:      PID on HOST\n')).toBe(
      [
        'Run:          tr1  failed',
        'Task:         /srv/ci/acr-task.yaml',
        'Task sha256:  315b81de5a786a8106206c4da56557e62ebd1907bf9a7345d7bec96eccdbc104',
        'Engine:       podman',
        'Started:      2026-03-04 05:06:07Z',
        'Ended:        2026-03-04 05:06:08Z',
        'Duration:     1.5 s',
        'Process:      PID on HOST',
        'Command:      taskrun run --run-id tr1',
        '',
        'Steps:',
        '  STEP   KIND   STATUS  DURATION  ATTEMPTS  EXIT',
        '  build  build  failed  1.5 s     1         1',
        '',
        'Step errors:',
        '  build: exited with code 1',
        '',
        'Commands:',
        "  build: podman build -t r/app:1 'a b'",
        '',
        'Images pushed:',
        '  r/app:1  sha256:abc  (step build)',
        '',
        'Manifest lists pushed:',
        '  r/app:multi  sha256:def  application/vnd.oci.image.index.v1+json  (step build)',
        '',
        'Warnings:',
        '  build: cache: enabled is ignored',
        '',
        'Logs: taskrun logs tr1',
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

  it('removes temp files a killed writer left, and keeps those of live writers', async () => {
    const home = makeHome();
    recordRun(home, 'tr1', { status: 'succeeded', offsetMs: 0 });
    // Above Linux's largest pid: no such process.
    const deadPid = 4_194_399;
    const dead = [join(home, 'runs', 'tr1', `.record.json.${deadPid}.tmp`), join(home, 'runs', `.counter.${deadPid}.tmp`)];
    const live = join(home, 'runs', 'tr1', `.record.json.${process.pid}.tmp`);
    for (const file of [...dead, live]) writeFileSync(file, '');
    expect((await runCli(home, ['runs', 'prune'])).exitCode).toBe(0);
    expect([...dead, live].map((file) => existsSync(file))).toEqual([false, false, true]);
  });
});
