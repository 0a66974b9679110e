import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labPointerPath, parseLabEnvFile, readLabEnv, socketPathOf } from '../../src/engine/lab-env.js';

let home: string;
let server: Server | undefined;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'taskrun-lab-env-'));
});

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await rm(home, { recursive: true, force: true });
});

async function listenOnSocket(socketPath: string): Promise<void> {
  server = createServer();
  await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
}

async function writePointer(stateHome: string, text: string): Promise<void> {
  await mkdir(join(stateHome, 'taskrun'), { recursive: true });
  await writeFile(join(stateHome, 'taskrun', 'lab.env'), text);
}

function pointerText(socketPath: string): string {
  return [
    `DOCKER_HOST=unix://${socketPath}`,
    `CONTAINERS_CONF=${home}/lab/containers.conf`,
    `TASKRUN_LAB_DIR=${home}/lab`,
    'TASKRUN_LAB_REGISTRY=localhost:5000',
    '',
  ].join('\n');
}

describe('labPointerPath', () => {
  it('prefers XDG_STATE_HOME', () => {
    expect(labPointerPath({ XDG_STATE_HOME: '/state', HOME: '/home/u' })).toBe('/state/taskrun/lab.env');
  });

  it('falls back to HOME/.local/state', () => {
    expect(labPointerPath({ HOME: '/home/u' })).toBe('/home/u/.local/state/taskrun/lab.env');
  });
});

describe('parseLabEnvFile', () => {
  it('reads KEY=VALUE lines and keeps = inside values', () => {
    expect(parseLabEnvFile('# lab\nA=1\n\nB=x=y\nnot a pair\n=z\n')).toEqual({ A: '1', B: 'x=y' });
  });
});

describe('socketPathOf', () => {
  it('returns the path of a unix:// host only', () => {
    expect(socketPathOf('unix:///run/podman.sock')).toBe('/run/podman.sock');
    expect(socketPathOf('tcp://127.0.0.1:2375')).toBeUndefined();
  });
});

describe('readLabEnv', () => {
  it('returns the lab when the pointer names a live socket', async () => {
    const socketPath = join(home, 's.sock');
    await listenOnSocket(socketPath);
    await writePointer(join(home, '.local', 'state'), pointerText(socketPath));
    expect(await readLabEnv({ HOME: home })).toEqual({
      dir: `${home}/lab`,
      registry: 'localhost:5000',
      vars: {
        DOCKER_HOST: `unix://${socketPath}`,
        CONTAINERS_CONF: `${home}/lab/containers.conf`,
        TASKRUN_LAB_DIR: `${home}/lab`,
        TASKRUN_LAB_REGISTRY: 'localhost:5000',
      },
    });
  });

  it('reads the pointer under XDG_STATE_HOME', async () => {
    const socketPath = join(home, 's.sock');
    await listenOnSocket(socketPath);
    await writePointer(join(home, 'xdg'), pointerText(socketPath));
    expect((await readLabEnv({ HOME: '/nonexistent', XDG_STATE_HOME: join(home, 'xdg') }))?.dir).toBe(`${home}/lab`);
  });

  it('returns undefined without a pointer file', async () => {
    expect(await readLabEnv({ HOME: home })).toBeUndefined();
  });

  it('returns undefined when the socket is gone', async () => {
    await writePointer(join(home, '.local', 'state'), pointerText(join(home, 'gone.sock')));
    expect(await readLabEnv({ HOME: home })).toBeUndefined();
  });

  it('returns undefined when DOCKER_HOST names a regular file', async () => {
    await writeFile(join(home, 'file.sock'), '');
    await writePointer(join(home, '.local', 'state'), pointerText(join(home, 'file.sock')));
    expect(await readLabEnv({ HOME: home })).toBeUndefined();
  });

  it('returns undefined when the pointer lacks the registry', async () => {
    const socketPath = join(home, 's.sock');
    await listenOnSocket(socketPath);
    await writePointer(join(home, '.local', 'state'), `DOCKER_HOST=unix://${socketPath}\nTASKRUN_LAB_DIR=${home}/lab\n`);
    expect(await readLabEnv({ HOME: home })).toBeUndefined();
  });
});
