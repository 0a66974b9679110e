import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { createContainerRemovals } from '../../src/steps/container-removals.js';

const fakeEngine = fileURLToPath(new URL('../engine/fixtures/fake-engine', import.meta.url));

describe('createContainerRemovals', () => {
  let dir: string;
  let engine: Engine;
  beforeEach(async () => {
    // The fake engine is a CLI only: no podman service to start.
    vi.stubEnv('TASKRUN_ENGINE_API', '0');
    dir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-removals-'));
    engine = { name: 'podman', binary: fakeEngine, env: { FAKE_ENGINE_LOG: path.join(dir, 'calls.log') } };
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it('removes in batches in the background, tells which names are gone, and hands a name back for reuse once its removal ended', async () => {
    const removals = createContainerRemovals(engine, 3);
    removals.removeLater('c1');
    removals.removeLater('c2');
    expect(removals.isRemoved('c1')).toBe(false);
    // A retry wants c1's name: what waits is removed now.
    await removals.reuse('c1');
    expect(removals.isRemoved('c1')).toBe(false);
    expect(removals.isRemoved('c2')).toBe(true);
    for (const name of ['c3', 'c4', 'c5', 'c6']) removals.removeLater(name);
    await removals.drain();
    expect(['c3', 'c4', 'c5', 'c6'].map((name) => removals.isRemoved(name))).toEqual([true, true, true, true]);
    expect((await readFile(path.join(dir, 'calls.log'), 'utf8')).trim().split('\n')).toEqual([
      'rm|--force|--ignore|--time|0|c1|c2',
      'rm|--force|--ignore|--time|0|c3|c4|c5',
      'rm|--force|--ignore|--time|0|c6',
    ]);
  });

  it('leaves a name whose removal failed to the run cleanup', async () => {
    const removals = createContainerRemovals({ ...engine, env: { ...engine.env, FAKE_EXIT: '1' } });
    removals.removeLater('c1');
    await removals.drain();
    expect(removals.isRemoved('c1')).toBe(false);
  });
});
