import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/run/events.js';
import { createMasker } from '../../src/record/masker.js';
import {
  createRecordWriter,
  listRecords,
  readRecord,
  redactArguments,
  settleStatus,
  STALE_AFTER_MS,
} from '../../src/record/record.js';
import type { RunRecord } from '../../src/record/record.js';
import { ensureDistBuilt } from './build-dist.js';

const homes: string[] = [];
function makeHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'taskrun-record-'));
  homes.push(home);
  return home;
}
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

function readRecordFile(home: string, id: string): RunRecord {
  return JSON.parse(readFileSync(join(home, 'runs', id, 'record.json'), 'utf8')) as RunRecord;
}

function makeWriter(home: string, runId = 'tr1', secrets: readonly string[] = []) {
  mkdirSync(join(home, 'runs', runId), { recursive: true });
  return createRecordWriter({
    home,
    runId,
    taskFile: 'ci/acr-task.yaml',
    taskText: 'version: v1.1.0\n',
    renderedTask: 'version: v1.1.0\nsteps: []\n',
    arguments: ['run', '-f', 'ci/acr-task.yaml', '--secret', 'TOKEN=abc12345', '--secret=B=zz'],
    engine: 'podman',
    masker: createMasker(secrets),
    now: () => T0,
  });
}

const FULL_RUN: readonly RunEvent[] = [
  { type: 'run-start', runId: 'tr1', time: T0, stepIds: ['build', 'push', 'test', 'never'] },
  { type: 'step-start', stepId: 'build', kind: 'build', time: T0 + 10, attempt: 1, command: ['podman', 'build', '-t', 'img:1', '.'] },
  { type: 'step-output', stepId: 'build', stream: 'stdout', text: 'STEP 1/2\n', time: T0 + 20 },
  { type: 'step-retry', stepId: 'build', attempt: 2, delayMs: 5000, reason: 'exited with code 1', time: T0 + 30 },
  { type: 'step-start', stepId: 'build', kind: 'build', time: T0 + 40, attempt: 2, command: ['podman', 'build', '-t', 'img:1', '.'] },
  { type: 'image-built', stepId: 'build', image: { reference: 'localhost:5000/img:1' }, time: T0 + 50 },
  { type: 'step-end', stepId: 'build', status: 'succeeded', time: T0 + 60, durationMs: 50, attempts: 2, exitCode: 0 },
  { type: 'step-start', stepId: 'push', kind: 'push', time: T0 + 70, attempt: 1 },
  { type: 'image-pushed', stepId: 'push', image: { reference: 'localhost:5000/img:1', digest: 'sha256:aaa' }, time: T0 + 80 },
  { type: 'manifest-pushed', stepId: 'push', image: { reference: 'localhost:5000/img:multi', digest: 'sha256:bbb' }, mediaType: 'application/vnd.oci.image.index.v1+json', time: T0 + 85 },
  { type: 'step-end', stepId: 'push', status: 'succeeded', time: T0 + 90, durationMs: 20, attempts: 1 },
  { type: 'warning', stepId: 'test', message: 'network host is ignored', time: T0 + 95 },
  { type: 'step-start', stepId: 'test', kind: 'cmd', time: T0 + 100, attempt: 1 },
  { type: 'step-end', stepId: 'test', status: 'failed', time: T0 + 200, durationMs: 100, attempts: 1, exitCode: 3, error: 'exited with code 3' },
  { type: 'run-end', runId: 'tr1', status: 'failed', time: T0 + 210, durationMs: 210, error: "step 'test' failed" },
];

describe('createRecordWriter', () => {
  it('writes a record with status running as soon as it is created', () => {
    const home = makeHome();
    const writer = makeWriter(home);
    expect(readRecordFile(home, 'tr1')).toEqual({
      formatVersion: 1,
      id: 'tr1',
      status: 'running',
      task: {
        file: resolve('ci/acr-task.yaml'),
        argument: 'ci/acr-task.yaml',
        sha256: 'f877d59c8f78f13ed12a4aab05537a7ab396b117aedfbccafc286dc7bb5ddc23',
        rendered: 'version: v1.1.0\nsteps: []\n',
      },
      arguments: ['run', '-f', 'ci/acr-task.yaml', '--secret', 'TOKEN=***', '--secret=B=***'],
      engine: 'podman',
      startedAt: '2026-03-04T05:06:07.000Z',
      updatedAt: '2026-03-04T05:06:07.000Z',
      process: { pid: process.pid, hostname: hostname() },
      steps: [],
      images: { built: [], pushed: [] },
      manifests: [],
      warnings: [],
    });
    writer.close();
  });

  it('folds a stream of events into the record', () => {
    const home = makeHome();
    const writer = makeWriter(home);
    for (const event of FULL_RUN) writer.handle(event);
    writer.close();
    const record = readRecordFile(home, 'tr1');
    expect(record.status).toBe('failed');
    expect(record.endedAt).toBe('2026-03-04T05:06:07.210Z');
    expect(record.durationMs).toBe(210);
    expect(record.error).toBe("step 'test' failed");
    expect(record.steps).toEqual([
      {
        id: 'build',
        kind: 'build',
        status: 'succeeded',
        attempts: 2,
        startedAt: '2026-03-04T05:06:07.010Z',
        endedAt: '2026-03-04T05:06:07.060Z',
        durationMs: 50,
        exitCode: 0,
        command: ['podman', 'build', '-t', 'img:1', '.'],
      },
      {
        id: 'push',
        kind: 'push',
        status: 'succeeded',
        attempts: 1,
        startedAt: '2026-03-04T05:06:07.070Z',
        endedAt: '2026-03-04T05:06:07.090Z',
        durationMs: 20,
      },
      {
        id: 'test',
        kind: 'cmd',
        status: 'failed',
        attempts: 1,
        startedAt: '2026-03-04T05:06:07.100Z',
        endedAt: '2026-03-04T05:06:07.200Z',
        durationMs: 100,
        exitCode: 3,
        error: 'exited with code 3',
      },
      { id: 'never', status: 'skipped', attempts: 0 },
    ]);
    expect(record.images).toEqual({
      built: [{ stepId: 'build', reference: 'localhost:5000/img:1' }],
      pushed: [{ stepId: 'push', reference: 'localhost:5000/img:1', digest: 'sha256:aaa' }],
    });
    expect(record.manifests).toEqual([
      { stepId: 'push', reference: 'localhost:5000/img:multi', digest: 'sha256:bbb', mediaType: 'application/vnd.oci.image.index.v1+json' },
    ]);
    expect(record.warnings).toEqual(['test: network host is ignored']);
  });

  it('writes status changes at once and coalesces other events into one later write', async () => {
    const home = makeHome();
    const writer = makeWriter(home);
    writer.handle({ type: 'run-start', runId: 'tr1', time: T0, stepIds: ['a'] });
    expect(readRecordFile(home, 'tr1').steps).toEqual([{ id: 'a', status: 'queued', attempts: 0 }]);
    writer.handle({ type: 'step-start', stepId: 'a', kind: 'cmd', time: T0, attempt: 1 });
    expect(readRecordFile(home, 'tr1').steps[0]?.status).toBe('running');
    writer.handle({ type: 'warning', message: 'one', time: T0 });
    writer.handle({ type: 'warning', message: 'two', time: T0 });
    expect(readRecordFile(home, 'tr1').warnings).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(readRecordFile(home, 'tr1').warnings).toEqual(['one', 'two']);
    writer.close();
  });

  it('leaves no temporary files behind', () => {
    const home = makeHome();
    const writer = makeWriter(home);
    for (const event of FULL_RUN) writer.handle(event);
    writer.close();
    expect(readdirSync(join(home, 'runs', 'tr1'))).toEqual(['record.json']);
  });

  it('masks secrets everywhere in the record', () => {
    const home = makeHome();
    const writer = makeWriter(home, 'tr1', ['p4ssw0rd']);
    writer.handle({ type: 'run-start', runId: 'tr1', time: T0, stepIds: ['a'] });
    writer.handle({ type: 'step-start', stepId: 'a', kind: 'cmd', time: T0, attempt: 1, command: ['podman', 'run', '-e', 'PW=p4ssw0rd'] });
    writer.handle({ type: 'step-end', stepId: 'a', status: 'failed', time: T0, durationMs: 1, attempts: 1, error: 'bad password p4ssw0rd' });
    writer.close();
    const text = readFileSync(join(home, 'runs', 'tr1', 'record.json'), 'utf8');
    expect(text).not.toContain('p4ssw0rd');
    expect(readRecordFile(home, 'tr1').steps[0]).toMatchObject({ command: ['podman', 'run', '-e', 'PW=***'], error: 'bad password ***' });
  });
});

describe('redactArguments', () => {
  it('keeps secret names and drops their values', () => {
    expect(redactArguments(['--secret', 'A=1', '--secret=B=2=3', '--secret-env', 'C=HOME', '--set', 'x=y'])).toEqual([
      '--secret',
      'A=***',
      '--secret=B=***',
      '--secret-env',
      'C=HOME',
      '--set',
      'x=y',
    ]);
  });

  it('drops --set-secret values and the user and password of a URL (a git context)', () => {
    expect(redactArguments(['--set-secret', 'K=v', '--set-secret=L=w', 'https://me:tok3n@host/org/repo.git#main', 'https://host/x.git'])).toEqual([
      '--set-secret',
      'K=***',
      '--set-secret=L=***',
      'https://***@host/org/repo.git#main',
      'https://host/x.git',
    ]);
  });
});

describe('readRecord and listRecords', () => {
  it('returns undefined for an unknown run', async () => {
    expect(await readRecord(makeHome(), 'tr9')).toBeUndefined();
  });

  it('never reads outside the store for an ID that is not a run ID', async () => {
    const home = makeHome();
    const writer = makeWriter(home, 'tr1');
    writer.close();
    // runs/tr1/runs/.. is runs/tr1, which holds a record.json.
    expect(await readRecord(join(home, 'runs', 'tr1'), '..')).toBeUndefined();
  });

  it('reads a running record of this process as running while it is being written', async () => {
    const home = makeHome();
    const writer = makeWriter(home);
    expect((await readRecord(home, 'tr1'))?.status).toBe('running');
    writer.close();
    // Closed without run-end: nobody writes it any more.
    expect((await readRecord(home, 'tr1'))?.status).toBe('interrupted');
  });

  it('lists records newest first and leaves out folders without a record', async () => {
    const home = makeHome();
    for (const [id, offsetMs] of [['tr1', 0], ['tr2', 2000], ['tr3', 1000]] as const) {
      const writer = makeWriter(home, id);
      writer.handle({ type: 'run-start', runId: id, time: T0 + offsetMs, stepIds: [] });
      writer.handle({ type: 'run-end', runId: id, status: 'succeeded', time: T0 + offsetMs + 5, durationMs: 5 });
      writer.close();
    }
    mkdirSync(join(home, 'runs', 'tr4'));
    writeFileSync(join(home, 'runs', '.counter'), '4\n');
    expect((await listRecords(home)).map((record) => record.id)).toEqual(['tr2', 'tr3', 'tr1']);
  });

  it('returns no records for a home that does not exist yet', async () => {
    expect(await listRecords(join(makeHome(), 'missing'))).toEqual([]);
  });
});

describe('settleStatus', () => {
  const running = (overrides: Partial<RunRecord['process']>, updatedAt: string): RunRecord =>
    ({
      id: 'x',
      status: 'running',
      updatedAt,
      process: { pid: 1, hostname: 'other-host', ...overrides },
    }) as RunRecord;

  it('keeps a record from another host running while it is fresh', () => {
    const nowMs = T0 + STALE_AFTER_MS - 1;
    expect(settleStatus(running({}, new Date(T0).toISOString()), { nowMs, hostname: 'here' }).status).toBe('running');
  });

  it('reads a stale record from another host as interrupted', () => {
    const nowMs = T0 + STALE_AFTER_MS + 1;
    expect(settleStatus(running({}, new Date(T0).toISOString()), { nowMs, hostname: 'here' }).status).toBe('interrupted');
  });

  it('reads a record whose pid is gone on this host as interrupted', () => {
    const record = running({ pid: 2 ** 22 + 12345, hostname: 'here' }, new Date(T0).toISOString());
    expect(settleStatus(record, { nowMs: T0, hostname: 'here' }).status).toBe('interrupted');
  });
});

describe('a run killed with SIGKILL', () => {
  beforeAll(() => ensureDistBuilt(), 120_000);

  it('leaves a record that parses and reads as interrupted, with no secret in any file', async () => {
    const home = makeHome();
    mkdirSync(join(home, 'runs', 'tr1'), { recursive: true });
    const secret = 'k1ll3d-s3cr3t';
    const script = fileURLToPath(new URL('fixtures/killed-run.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, home, 'tr1', secret], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    expect(await exited).toBe(null);

    const record = readRecordFile(home, 'tr1');
    expect(record.status).toBe('running');
    expect(record.steps.map((step) => [step.id, step.status])).toEqual([
      ['build', 'running'],
      ['test', 'queued'],
    ]);
    expect((await readRecord(home, 'tr1'))?.status).toBe('interrupted');
    for (const name of readdirSync(join(home, 'runs', 'tr1'))) {
      expect(readFileSync(join(home, 'runs', 'tr1', name), 'utf8')).not.toContain(secret);
    }
  });
});
