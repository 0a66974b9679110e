import { describe, it, expect } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine, EngineName } from '../../src/engine/engine.js';
import { selectEngine } from '../../src/engine/select-engine.js';

const labVars = {
  DOCKER_HOST: 'unix:///lab/podman.sock',
  CONTAINERS_CONF: '/lab/containers.conf',
  TASKRUN_LAB_DIR: '/lab',
};
const answering = (names: EngineName[]) => async (engine: Engine) => names.includes(engine.name);

async function diagnosticOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error.diagnostics[0];
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('createEngine', () => {
  it('adds only the lab variables the engine reads, and never over an exported one', () => {
    expect(createEngine({ name: 'docker', labVars, processEnv: {} }).env).toEqual({ DOCKER_HOST: 'unix:///lab/podman.sock' });
    expect(createEngine({ name: 'podman', labVars, processEnv: {} }).env).toEqual({ CONTAINERS_CONF: '/lab/containers.conf' });
    expect(createEngine({ name: 'docker', labVars, processEnv: { DOCKER_HOST: 'tcp://x' } }).env).toEqual({});
  });
});

describe('selectEngine', () => {
  it('prefers docker when its daemon answers', async () => {
    const engine = await selectEngine({ env: {}, labVars, isAnswering: answering(['docker', 'podman']) });
    expect(engine).toEqual({ name: 'docker', binary: 'docker', env: { DOCKER_HOST: 'unix:///lab/podman.sock' } });
  });

  it('falls back to podman', async () => {
    const engine = await selectEngine({ env: {}, labVars, isAnswering: answering(['podman']) });
    expect(engine.name).toBe('podman');
  });

  it('takes --engine over TASKRUN_ENGINE', async () => {
    const engine = await selectEngine({ requested: 'podman', env: { TASKRUN_ENGINE: 'docker' }, labVars, isAnswering: answering(['docker', 'podman']) });
    expect(engine.name).toBe('podman');
    const fromEnv = await selectEngine({ env: { TASKRUN_ENGINE: 'podman' }, labVars, isAnswering: answering(['docker', 'podman']) });
    expect(fromEnv.name).toBe('podman');
  });

  it('rejects an unknown engine with a suggestion', async () => {
    const diagnostic = await diagnosticOf(selectEngine({ requested: 'podmn', env: {}, labVars, isAnswering: answering([]) }));
    expect(diagnostic).toEqual({
      severity: 'error',
      code: 'unknown-engine',
      message: '--engine "podmn" is not an engine taskrun knows',
      hint: 'did you mean podman? (docker or podman)',
    });
  });

  it('names both engines and the lab when none answers', async () => {
    const diagnostic = await diagnosticOf(selectEngine({ env: {}, labVars, isAnswering: answering([]) }));
    expect(diagnostic?.message).toBe('no container engine answers: docker (no docker daemon answers), podman (podman is not installed or does not run)');
    expect(diagnostic?.hint).toBe('start the local lab with `npm run lab` (it provides podman and a docker socket), or install docker or podman');
  });

  it('says when the requested engine does not answer', async () => {
    const diagnostic = await diagnosticOf(selectEngine({ env: { TASKRUN_ENGINE: 'docker' }, labVars, isAnswering: answering(['podman']) }));
    expect(diagnostic?.message).toBe('TASKRUN_ENGINE docker: no docker daemon answers');
  });
});
