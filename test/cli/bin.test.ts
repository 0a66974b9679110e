// bin/taskrun.cjs runs a bundle through V8's code cache: a missing, stale or damaged cache
// must never change what taskrun does, only how fast it starts. `validate` and `render` start
// from bundles of their own (validate.cjs, render.cjs), every other command from taskrun.cjs.

import { execa } from 'execa';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const SAMPLE = 'samples/multi-arch/acr-task.yaml';
const BUNDLES = [
  { bundle: 'validate.cjs', args: ['validate', SAMPLE], stdout: `${SAMPLE}: valid (8 steps, version v1.1.0)` },
  { bundle: 'render.cjs', args: ['render', SAMPLE, '--run-id', 'bin-test'], stdout: undefined },
  { bundle: 'taskrun.cjs', args: ['graph', SAMPLE], stdout: undefined },
] as const;

let install: string;

// A copy of what `npm pack` ships (bin, dist/bundle, schemas, package.json), without code
// caches, so the test's cache files never race the repository's own.
beforeEach(() => {
  install = mkdtempSync(path.join(tmpdir(), 'taskrun-bin-'));
  for (const part of ['bin', 'dist/bundle', 'schemas', 'package.json', 'samples/multi-arch']) {
    cpSync(path.join(REPO_ROOT, part), path.join(install, part), { recursive: true });
  }
  for (const file of readdirSync(path.join(install, 'dist/bundle'))) {
    if (file.endsWith('.cache')) rmSync(path.join(install, 'dist/bundle', file));
  }
});

afterEach(() => {
  rmSync(install, { recursive: true, force: true });
});

const stampOf = (cache: Buffer) => cache.subarray(0, cache.indexOf(0x0a) + 1).toString('latin1');

describe.each(BUNDLES)('bin/taskrun.cjs $args.0 ($bundle)', ({ bundle, args, stdout }) => {
  const bundleFile = () => path.join(install, 'dist/bundle', bundle);
  const cacheFile = () => `${bundleFile()}.cache`;
  const readCache = () => readFileSync(cacheFile());
  const bundleStamp = () => {
    const { size, mtimeMs } = statSync(bundleFile());
    return `${size}:${mtimeMs}\n`;
  };

  // Every run prints the same, whatever the cache; the first one is the reference.
  let reference: string | undefined;
  beforeEach(() => {
    reference = stdout;
  });
  async function runCommand() {
    const result = await execa(process.execPath, [path.join(install, 'bin/taskrun.cjs'), ...args], { cwd: install, reject: false });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    reference ??= result.stdout;
    expect(result.stdout).toBe(reference);
  }

  it('writes a code cache stamped with the bundle it was made from, and uses it', async () => {
    await runCommand();
    const cache = readCache();
    expect(stampOf(cache)).toBe(bundleStamp());
    expect(cache.length).toBeGreaterThan(bundleStamp().length + 100_000);
    await runCommand();
    // An accepted cache is left alone.
    expect(readCache().equals(cache)).toBe(true);
  });

  it('compiles as usual and replaces a cache that V8 rejects', async () => {
    writeFileSync(cacheFile(), Buffer.concat([Buffer.from(bundleStamp(), 'latin1'), Buffer.alloc(4096, 7)]));
    await runCommand();
    const cache = readCache();
    expect(stampOf(cache)).toBe(bundleStamp());
    expect(cache.length).toBeGreaterThan(bundleStamp().length + 100_000);
  });

  it('ignores a cache made from another build of the bundle', async () => {
    await runCommand();
    const made = readCache();
    writeFileSync(cacheFile(), Buffer.concat([Buffer.from('1:2\n', 'latin1'), made.subarray(bundleStamp().length)]));
    await runCommand();
    expect(stampOf(readCache())).toBe(bundleStamp());
  });

  it('writes only its own bundle\'s cache, and leaves no temporary files behind', async () => {
    const shipped = readdirSync(path.join(install, 'dist/bundle'));
    await Promise.all([runCommand(), runCommand(), runCommand()]);
    expect(readdirSync(path.join(install, 'dist/bundle')).sort()).toEqual([...shipped, `${bundle}.cache`].sort());
  });
});

describe('the bundles', () => {
  it('are ASCII, so bin/taskrun.cjs may read them as Latin-1', () => {
    for (const { bundle } of BUNDLES) {
      expect(readFileSync(path.join(REPO_ROOT, 'dist/bundle', bundle)).some((byte) => byte > 0x7f)).toBe(false);
    }
  });
});
