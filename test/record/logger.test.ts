import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/run/events.js';
import { createRunLogger } from '../../src/record/logger.js';
import type { LogLine } from '../../src/record/logger.js';
import { createMasker } from '../../src/record/masker.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

async function logEvents(events: readonly RunEvent[], secrets: readonly string[] = []): Promise<{ file: LogLine[]; stdout: string }> {
  const home = mkdtempSync(join(tmpdir(), 'taskrun-logger-'));
  homes.push(home);
  mkdirSync(join(home, 'runs', 'tr1'), { recursive: true });
  let stdout = '';
  const logger = createRunLogger({
    home,
    runId: 'tr1',
    masker: createMasker(secrets),
    jsonStream: { write: (text: string) => void (stdout += text) },
  });
  for (const event of events) logger.handle(event);
  await logger.close();
  const text = readFileSync(join(home, 'runs', 'tr1', 'log.ndjson'), 'utf8');
  return { file: text.trim().split('\n').map((line) => JSON.parse(line) as LogLine), stdout };
}

describe('createRunLogger', () => {
  it('writes one NDJSON line per event with run id, step id, event type, time and durations', async () => {
    const { file } = await logEvents([
      { type: 'run-start', runId: 'tr1', time: T0, stepIds: ['a'] },
      { type: 'step-start', stepId: 'a', kind: 'cmd', time: T0 + 1, attempt: 1, command: ['podman', 'run', 'busybox'] },
      { type: 'step-end', stepId: 'a', status: 'succeeded', time: T0 + 1500, durationMs: 1499, attempts: 1, exitCode: 0 },
      { type: 'run-end', runId: 'tr1', status: 'succeeded', time: T0 + 1501, durationMs: 1501 },
    ]);
    expect(file).toEqual([
      { level: 'info', runId: 'tr1', time: '2026-03-04T05:06:07.000Z', event: 'run-start', stepIds: ['a'], msg: 'run tr1 started' },
      {
        level: 'info',
        runId: 'tr1',
        time: '2026-03-04T05:06:07.001Z',
        event: 'step-start',
        stepId: 'a',
        kind: 'cmd',
        attempt: 1,
        command: ['podman', 'run', 'busybox'],
        msg: 'step a started',
      },
      {
        level: 'info',
        runId: 'tr1',
        time: '2026-03-04T05:06:08.500Z',
        event: 'step-end',
        stepId: 'a',
        status: 'succeeded',
        durationMs: 1499,
        attempts: 1,
        exitCode: 0,
        msg: 'step a succeeded in 1.5 s',
      },
      {
        level: 'info',
        runId: 'tr1',
        time: '2026-03-04T05:06:08.501Z',
        event: 'run-end',
        status: 'succeeded',
        durationMs: 1501,
        msg: 'run tr1 succeeded in 1.5 s',
      },
    ]);
  });

  it('writes step output as one line per output line, the last partial line at the step end', async () => {
    const { file } = await logEvents([
      { type: 'step-output', stepId: 'a', stream: 'stdout', text: 'one\ntw', time: T0 },
      { type: 'step-output', stepId: 'a', stream: 'stderr', text: 'oops\r\n', time: T0 + 1 },
      { type: 'step-output', stepId: 'a', stream: 'stdout', text: 'o\nthree', time: T0 + 2 },
      { type: 'step-end', stepId: 'a', status: 'failed', time: T0 + 3, durationMs: 3, attempts: 1, exitCode: 1, error: 'exited with code 1' },
    ]);
    expect(file.map((line) => [line.event, line.stepId, line['stream'], line.msg, line.level])).toEqual([
      ['step-output', 'a', 'stdout', 'one', 'info'],
      ['step-output', 'a', 'stderr', 'oops', 'info'],
      ['step-output', 'a', 'stdout', 'two', 'info'],
      ['step-output', 'a', 'stdout', 'three', 'info'],
      ['step-end', 'a', undefined, 'step a failed in 3 ms: exited with code 1', 'error'],
    ]);
  });

  it('logs retries, images, manifest lists and warnings', async () => {
    const { file } = await logEvents([
      { type: 'step-retry', stepId: 'a', attempt: 2, delayMs: 5000, reason: 'exited with code 1', time: T0 },
      { type: 'image-built', stepId: 'a', image: { reference: 'r/x:1' }, time: T0 },
      { type: 'image-pushed', stepId: 'p', image: { reference: 'r/x:1', digest: 'sha256:1' }, time: T0 },
      { type: 'manifest-pushed', stepId: 'm', image: { reference: 'r/x:all', digest: 'sha256:2' }, mediaType: 'application/vnd.oci.image.index.v1+json', time: T0 },
      { type: 'warning', message: 'careful', time: T0 },
    ]);
    expect(file.map((line) => [line.level, line.event, line.msg])).toEqual([
      ['warn', 'step-retry', 'step a will retry (attempt 2) in 5.0 s: exited with code 1'],
      ['info', 'image-built', 'built r/x:1'],
      ['info', 'image-pushed', 'pushed r/x:1@sha256:1'],
      ['info', 'manifest-pushed', 'pushed manifest list r/x:all@sha256:2'],
      ['warn', 'warning', 'careful'],
    ]);
    expect(file[2]).toMatchObject({ image: 'r/x:1', digest: 'sha256:1' });
    expect(file[3]).toMatchObject({ mediaType: 'application/vnd.oci.image.index.v1+json' });
  });

  it('writes the same lines to the JSON stream as to the file', async () => {
    const { file, stdout } = await logEvents([
      { type: 'run-start', runId: 'tr1', time: T0, stepIds: [] },
      { type: 'run-end', runId: 'tr1', status: 'cancelled', time: T0, durationMs: 0 },
    ]);
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(file);
  });

  it('masks secrets in every field, also when output splits them across chunks', async () => {
    const secret = 'sup3r-s3cret';
    const { file, stdout } = await logEvents(
      [
        { type: 'step-start', stepId: 'a', kind: 'cmd', time: T0, attempt: 1, command: ['-e', `T=${secret}`] },
        { type: 'step-output', stepId: 'a', stream: 'stdout', text: `token: sup3r`, time: T0 },
        { type: 'step-output', stepId: 'a', stream: 'stdout', text: `-s3cret\n`, time: T0 },
        { type: 'warning', stepId: 'a', message: `saw ${secret}`, time: T0 },
        { type: 'step-end', stepId: 'a', status: 'failed', time: T0, durationMs: 1, attempts: 1, error: `bad ${secret}` },
      ],
      [secret],
    );
    expect(stdout).not.toContain(secret);
    expect(JSON.stringify(file)).not.toContain(secret);
    expect(file.map((line) => line.msg)).toEqual(['step a started', 'token: ***', 'saw ***', 'step a failed in 1 ms: bad ***']);
    expect(file[0]).toMatchObject({ command: ['-e', 'T=***'] });
  });
});

describe('createRunLogger on a disk that refuses writes', () => {
  // log.ndjson points at /dev/full, which answers every write with ENOSPC.
  it('reports the failure once, keeps feeding the JSON stream and closes without hanging', async () => {
    const home = mkdtempSync(join(tmpdir(), 'taskrun-logger-full-'));
    homes.push(home);
    mkdirSync(join(home, 'runs', 'tr1'), { recursive: true });
    symlinkSync('/dev/full', join(home, 'runs', 'tr1', 'log.ndjson'));
    let stdout = '';
    const failures: Error[] = [];
    const logger = createRunLogger({ home, runId: 'tr1', jsonStream: { write: (text: string) => void (stdout += text) }, onWriteError: (cause) => failures.push(cause) });
    logger.handle({ type: 'run-start', runId: 'tr1', time: T0, stepIds: ['a'] });
    for (let index = 0; index < 200; index++) logger.handle({ type: 'step-output', stepId: 'a', stream: 'stdout', text: `line ${index}\n`, time: T0 + index });
    await new Promise((resolve) => setTimeout(resolve, 20));
    logger.handle({ type: 'run-end', runId: 'tr1', status: 'succeeded', time: T0 + 500, durationMs: 500 });
    await logger.close();
    expect(failures.map((cause) => (cause as NodeJS.ErrnoException).code)).toEqual(['ENOSPC']);
    expect(stdout.trim().split('\n')).toHaveLength(202);
  });
});
