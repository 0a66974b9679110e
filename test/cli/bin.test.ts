// bin/taskrun.cjs runs the bundle through V8's code cache: a missing, stale or damaged cache
// must never change what taskrun does, only how fast it starts.

import { execa } from 'execa';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

let install: string;
let cacheFile: string;
let bundleStamp: string;

// A copy of what `npm pack` ships (bin, dist/bundle, schemas, package.json), so the test's
// cache files never race the repository's own.
beforeEach(() => {
  install = mkdtempSync(path.join(tmpdir(), 'taskrun-bin-'));
  for (const part of ['bin', 'dist/bundle', 'schemas', 'package.json', 'samples/multi-arch']) {
    cpSync(path.join(REPO_ROOT, part), path.join(install, part), { recursive: true });
  }
  const bundle = path.join(install, 'dist/bundle/taskrun.cjs');
  cacheFile = `${bundle}.cache`;
  rmSync(cacheFile, { force: true });
  const { size, mtimeMs } = statSync(bundle);
  bundleStamp = `${size}:${mtimeMs}\n`;
});

afterEach(() => {
  rmSync(install, { recursive: true, force: true });
});

async function validateSample() {
  const result = await execa(process.execPath, [path.join(install, 'bin/taskrun.cjs'), 'validate', 'samples/multi-arch/acr-task.yaml'], {
    cwd: install,
    reject: false,
  });
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('samples/multi-arch/acr-task.yaml: valid (8 steps, version v1.1.0)');
  expect(result.exitCode).toBe(0);
}

const readCache = () => readFileSync(cacheFile);
const stampOf = (cache: Buffer) => cache.subarray(0, cache.indexOf(0x0a) + 1).toString('latin1');

describe('bin/taskrun.cjs', () => {
  it('writes a code cache stamped with the bundle it was made from, and uses it', async () => {
    await validateSample();
    const cache = readCache();
    expect(stampOf(cache)).toBe(bundleStamp);
    expect(cache.length).toBeGreaterThan(bundleStamp.length + 100_000);
    await validateSample();
    // An accepted cache is left alone.
    expect(readCache().equals(cache)).toBe(true);
  });

  it('compiles as usual and replaces a cache that V8 rejects', async () => {
    writeFileSync(cacheFile, Buffer.concat([Buffer.from(bundleStamp, 'latin1'), Buffer.alloc(4096, 7)]));
    await validateSample();
    const cache = readCache();
    expect(stampOf(cache)).toBe(bundleStamp);
    expect(cache.length).toBeGreaterThan(bundleStamp.length + 100_000);
  });

  it('ignores a cache made from another build of the bundle', async () => {
    await validateSample();
    const made = readCache();
    writeFileSync(cacheFile, Buffer.concat([Buffer.from('1:2\n', 'latin1'), made.subarray(bundleStamp.length)]));
    await validateSample();
    expect(stampOf(readCache())).toBe(bundleStamp);
  });

  it('leaves no temporary files behind', async () => {
    await Promise.all([validateSample(), validateSample(), validateSample()]);
    expect(readdirSync(path.dirname(cacheFile)).sort()).toEqual(['graph-image.cjs', 'schema-validators.cjs', 'taskrun.cjs', 'taskrun.cjs.cache']);
  });
});
