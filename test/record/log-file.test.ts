import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLogFile } from '../../src/record/log-file.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('openLogFile', () => {
  it('appends every chunk in order and closes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'taskrun-log-file-'));
    folders.push(folder);
    const sink = openLogFile({ path: join(folder, 'log.ndjson') });
    for (let index = 0; index < 1000; index++) sink.write(`line ${index}\n`);
    await sink.close();
    const lines = readFileSync(join(folder, 'log.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines.at(-1)).toBe('line 999');
    expect(sink.failure()).toBeUndefined();
  });

  // /dev/full answers every write with ENOSPC, like a full disk.
  it('on a full disk reports the failure once, drops later lines and still closes (no retry loop)', async () => {
    const failures: Error[] = [];
    const sink = openLogFile({ path: '/dev/full', onError: (cause) => failures.push(cause) });
    for (let index = 0; index < 100; index++) sink.write(`line ${index}\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    sink.write('after the failure\n');
    sink.flushSync();
    await sink.close();
    expect(failures).toHaveLength(1);
    expect((failures[0] as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect((sink.failure() as NodeJS.ErrnoException).code).toBe('ENOSPC');
  });

  it('gives up on a synchronous flush at exit after one failed attempt', () => {
    const failures: Error[] = [];
    const sink = openLogFile({ path: '/dev/full', onError: (cause) => failures.push(cause) });
    sink.write('pending\n');
    sink.flushSync();
    sink.flushSync();
    expect(failures).toHaveLength(1);
  });
});
