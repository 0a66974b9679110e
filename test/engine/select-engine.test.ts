import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine, EngineName } from '../../src/engine/engine.js';
import { isEngineAnswering, selectEngine } from '../../src/engine/select-engine.js';

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

  it('runs the CLI named by TASKRUN_DOCKER / TASKRUN_PODMAN, an exported one before the lab\'s', () => {
    const withCli = { ...labVars, TASKRUN_DOCKER: '/usr/bin/docker' };
    expect(createEngine({ name: 'docker', labVars: withCli, processEnv: {} }).binary).toBe('/usr/bin/docker');
    expect(createEngine({ name: 'docker', labVars: withCli, processEnv: { TASKRUN_DOCKER: '/opt/docker' } }).binary).toBe('/opt/docker');
    expect(createEngine({ name: 'podman', labVars: withCli, processEnv: { TASKRUN_PODMAN: 'podman-remote' } }).binary).toBe('podman-remote');
    expect(createEngine({ name: 'podman', labVars: withCli, processEnv: {} }).binary).toBe('podman');
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

describe('isEngineAnswering for docker with a unix DOCKER_HOST', () => {
  async function withSocket(status: number, check: (socketPath: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-ping-'));
    const socketPath = path.join(dir, 'docker.sock');
    const server = http.createServer((request, response) => response.writeHead(request.url === '/_ping' ? status : 404).end('OK'));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await check(socketPath);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('asks the socket for /_ping instead of running the CLI', async () => {
    await withSocket(200, async (socketPath) => {
      const engine = { name: 'docker' as const, binary: process.execPath, env: { DOCKER_HOST: `unix://${socketPath}` } };
      expect(await isEngineAnswering(engine)).toBe(true);
    });
  });

  it('says no when the daemon answers with an error, or when the CLI is missing', async () => {
    await withSocket(500, async (socketPath) => {
      expect(await isEngineAnswering({ name: 'docker', binary: process.execPath, env: { DOCKER_HOST: `unix://${socketPath}` } })).toBe(false);
    });
    await withSocket(200, async (socketPath) => {
      expect(await isEngineAnswering({ name: 'docker', binary: '/nonexistent/docker', env: { DOCKER_HOST: `unix://${socketPath}` } })).toBe(false);
    });
    expect(await isEngineAnswering({ name: 'docker', binary: process.execPath, env: { DOCKER_HOST: 'unix:///nonexistent.sock' } })).toBe(false);
  });
});
