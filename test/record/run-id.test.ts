import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { allocateRunId, claimRunId, validateRunId } from '../../src/record/run-id.js';
import { readRecord } from '../../src/record/record.js';
import { ensureDistBuilt } from './build-dist.js';

const homes: string[] = [];
function makeHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'taskrun-run-id-'));
  homes.push(home);
  return home;
}
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function runChild(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout.trim()) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

describe('allocateRunId', () => {
  it('hands out tr1, tr2, … in one home', async () => {
    const home = makeHome();
    expect([await allocateRunId(home), await allocateRunId(home), await allocateRunId(home)]).toEqual(['tr1', 'tr2', 'tr3']);
  });

  it('counts in base 36', async () => {
    const home = makeHome();
    await allocateRunId(home);
    writeFileSync(join(home, 'runs', '.counter'), '35\n');
    expect(await allocateRunId(home)).toBe('tr10');
  });

  it('skips IDs that are taken, even when the counter hint is stale', async () => {
    const home = makeHome();
    for (let i = 0; i < 12; i++) await allocateRunId(home);
    writeFileSync(join(home, 'runs', '.counter'), '0\n');
    expect(await allocateRunId(home)).toBe('trd');
    rmSync(join(home, 'runs', '.counter'));
    expect(await allocateRunId(home)).toBe('tre');
  });

  it('does not hand out an ID claimed with --run-id', async () => {
    const home = makeHome();
    await claimRunId(home, 'tr1');
    expect(await allocateRunId(home)).toBe('tr2');
  });
});

describe('allocateRunId across processes', () => {
  beforeAll(() => ensureDistBuilt(), 120_000);

  it('gives 20 concurrent runs 20 distinct IDs and 20 intact records', async () => {
    const home = makeHome();
    const script = fileURLToPath(new URL('fixtures/allocate-run.mjs', import.meta.url));
    const ids = await Promise.all(Array.from({ length: 20 }, () => runChild(script, [home])));
    expect(new Set(ids).size).toBe(20);
    expect([...ids].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `tr${(i + 1).toString(36)}`).sort());
    for (const id of ids) {
      const record = await readRecord(home, id);
      expect(record?.id).toBe(id);
      expect(record?.status).toBe('succeeded');
      expect(record?.steps).toEqual([
        expect.objectContaining({ id: 'a', status: 'succeeded', attempts: 1, exitCode: 0, kind: 'cmd' }),
      ]);
      expect(() => JSON.parse(readFileSync(join(home, 'runs', id, 'record.json'), 'utf8'))).not.toThrow();
    }
  });
});

describe('validateRunId', () => {
  it('accepts letters, digits, -, _ and .', () => {
    expect(validateRunId('ci-1234_build.7')).toBeUndefined();
  });

  it.each([
    ['', '--run-id is empty'],
    ['a b', "--run-id 'a b' contains a space"],
    ['../etc', "--run-id '../etc' starts with '.'"],
    ['run/1', "--run-id 'run/1' contains '/'"],
    ['-x', "--run-id '-x' starts with '-'"],
    ['x'.repeat(65), `--run-id '${'x'.repeat(65)}' is 65 characters long (at most 64)`],
  ])('refuses %j', (id, message) => {
    expect(validateRunId(id)).toEqual({
      severity: 'error',
      code: 'invalid-run-id',
      message,
      hint: "use letters, digits, '-', '_' and '.', starting with a letter or digit, at most 64 characters",
    });
  });
});

describe('claimRunId', () => {
  it('claims a free ID by creating its folder', async () => {
    const home = makeHome();
    await claimRunId(home, 'ci-42');
    expect(statSync(join(home, 'runs', 'ci-42')).isDirectory()).toBe(true);
  });

  it('refuses an ID already in the store with an InputError (exit 2)', async () => {
    const home = makeHome();
    await claimRunId(home, 'ci-42');
    const failure = await claimRunId(home, 'ci-42').catch((cause: unknown) => cause);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as InputError).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'run-id-taken',
        message: `--run-id 'ci-42' is already used by a run in ${join(home, 'runs')}`,
        hint: "choose another ID, or see that run with 'taskrun runs show ci-42'",
      },
    ]);
  });

  it('refuses an invalid ID before touching the store', async () => {
    const home = makeHome();
    const failure = await claimRunId(home, 'a/b').catch((cause: unknown) => cause);
    expect((failure as InputError).diagnostics.map((d) => d.message)).toEqual(["--run-id 'a/b' contains '/'"]);
  });
});
