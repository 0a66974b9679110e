// End-to-end: a run on an engine that cannot see this machine's folders. A podman service is
// started in its own mount namespace with an empty tmpfs over the folder that holds the test's
// contexts, and the docker CLI reaches it over its socket (DOCKER_HOST), as a remote engine.
// With the copy (the default), the multi-arch sample and a generate-then-build task pass there.

import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { labEngineFor, requireLab } from '../helpers/lab.js';
import { newRunId, runOnLab } from './run-on-lab.js';
import { hashTree } from './tree-hash.js';

const SAMPLE_DIR = fileURLToPath(new URL('../../samples/multi-arch', import.meta.url));
const SERVICE_START_MS = 30_000;

let lab: LabEnv;
let hiddenDir: string;
let socketDir: string;
let service: ChildProcess | undefined;
let remote: Engine;

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request('http://d/_ping', { socketPath, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

beforeAll(async () => {
  lab = await requireLab();
  hiddenDir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-remote-ctx-'));
  socketDir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-remote-sock-'));
  const socketPath = path.join(socketDir, 'podman.sock');
  const podman = labEngineFor(lab, 'podman');
  // The service sees an empty tmpfs where this machine has the contexts: no folder of ours exists for it.
  service = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs "$1" && exec "$2" system service --time=0 "unix://$3"', 'sh', hiddenDir, podman.binary, socketPath],
    { env: { ...process.env, ...podman.env }, stdio: 'ignore' },
  );
  const deadline = Date.now() + SERVICE_START_MS;
  while (!(await ping(socketPath))) {
    if (Date.now() > deadline || service.exitCode !== null) throw new Error(`the podman service in its own mount namespace did not answer on ${socketPath}`);
    await sleep(200);
  }
  const docker = createEngine({ name: 'docker', labVars: lab.vars, processEnv: {} });
  remote = { ...docker, env: { ...docker.env, DOCKER_HOST: `unix://${socketPath}` } };
}, SERVICE_START_MS + 10_000);

afterAll(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((resolve) => service!.once('exit', resolve));
    service.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (service.exitCode === null) service.kill('SIGKILL');
  }
  await rm(hiddenDir, { recursive: true, force: true });
  await rm(socketDir, { recursive: true, force: true });
});

async function contextIn(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(path.join(hiddenDir, 'ctx-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

describe('a run on an engine that cannot see this machine\'s folders', () => {
  it('really cannot: a bind mount of the context fails there', { timeout: 60_000 }, async () => {
    const contextDir = await contextIn({ 'a.txt': 'here\n' });
    // Without --rm: the docker CLI over podman's API reports 0 for a failed `run --rm`.
    const probe = `taskrun-e2e-remote-probe-${process.pid}`;
    const result = await execa(remote.binary, ['run', '--name', probe, '--mount', `type=bind,source=${contextDir},target=/x`, 'busybox', 'cat', '/x/a.txt'], {
      env: { ...process.env, ...remote.env },
      reject: false,
      all: true,
    });
    await execa(remote.binary, ['rm', '--force', probe], { env: { ...process.env, ...remote.env }, reject: false });
    expect(result.all).not.toContain('here');
    expect(result.exitCode).not.toBe(0);
    // With --bind the same run fails, naming the step.
    const run = await runOnLab({ lab, engine: 'docker-on-podman', files: {}, contextDir: await contextIn({ 'acr-task.yaml': 'steps:\n  - cmd: busybox cat /workspace/acr-task.yaml\n' }), workspace: 'bind', engineOverride: remote });
    expect(run.outcome.status).toBe('failed');
  });

  it('generates a file in a cmd step and builds an image holding it; the folder stays unchanged', { timeout: 120_000 }, async () => {
    const runId = newRunId('docker-on-podman');
    const image = `${lab.registry}/taskrun-e2e/${runId}:remote`;
    const contextDir = await contextIn({
      Dockerfile: 'FROM busybox\nCOPY gen.txt /gen.txt\n',
      'acr-task.yaml': [
        'steps:',
        '  - id: generate',
        "    cmd: busybox sh -c 'echo generated remotely > gen.txt'",
        '  - id: build',
        `    build: -t ${image} .`,
        '  - id: check',
        `    cmd: ${image} cat /gen.txt`,
        '',
      ].join('\n'),
    });
    const before = await hashTree(contextDir);
    const run = await runOnLab({ lab, engine: 'docker-on-podman', runId, files: {}, contextDir, engineOverride: remote });
    expect(run.outcome.error).toBeUndefined();
    expect(run.output('check')).toEqual(['generated remotely']);
    expect(await hashTree(contextDir)).toBe(before);
  });

  it('runs the multi-arch sample', { timeout: 240_000 }, async () => {
    const files: Record<string, string> = {};
    for (const name of await readdir(SAMPLE_DIR)) files[name] = await readFile(path.join(SAMPLE_DIR, name), 'utf8');
    const run = await runOnLab({ lab, engine: 'docker-on-podman', files: {}, contextDir: await contextIn(files), engineOverride: remote });
    expect(run.outcome.error).toBeUndefined();
    expect(run.outcome.status).toBe('succeeded');
    expect(run.outcome.imagesPushed.map((image) => image.reference)).toHaveLength(2);
    const ran = run.outcome.steps.filter((step) => step.kind === 'cmd').map((step) => step.status);
    expect(ran.every((status) => status === 'succeeded')).toBe(true);
  });
});
