// Test support for end-to-end tests: the running container lab (`npm run lab`), its three engine
// paths and the environment each CLI needs for them, and leak checks for what a test created.

import { request } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { execa } from 'execa';
import { labPointerPath, parseLabEnvFile, readLabEnv, socketPathOf } from '../../src/engine/lab-env.js';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';

/**
 * The three ways taskrun meets an engine in the lab: the real Docker Engine through Debian's
 * docker CLI, podman's CLI, and the docker CLI over podman's Docker API socket.
 */
export type EnginePath = 'docker' | 'podman' | 'docker-on-podman';
export const ENGINE_PATHS: readonly EnginePath[] = ['docker', 'podman', 'docker-on-podman'];

const PODMAN_VARS = ['CONTAINERS_CONF', 'CONTAINERS_REGISTRIES_CONF', 'CONTAINERS_STORAGE_CONF'] as const;
const REGISTRY_URL = 'http://127.0.0.1:5000/v2/';
const PROBE_TIMEOUT_MS = 3_000;

let checkedLab: Promise<LabEnv> | undefined;

/** The running lab; throws (tests that need it fail, never skip) naming what is missing. */
export function requireLab(): Promise<LabEnv> {
  checkedLab ??= checkLab();
  // A failed check is retried by the next caller: the lab may have come up meanwhile.
  checkedLab.catch(() => {
    checkedLab = undefined;
  });
  return checkedLab;
}

async function checkLab(): Promise<LabEnv> {
  const lab = await readLabEnv();
  if (!lab) throw labMissing(await describeMissingPointer());
  for (const [what, variable] of [
    ['the Docker Engine', 'DOCKER_HOST'],
    ['the podman service', 'TASKRUN_LAB_PODMAN_HOST'],
  ] as const) {
    const socketPath = socketPathOf(lab.vars[variable] ?? '');
    if (!socketPath) throw labMissing(`${variable} is not a unix:// socket in the lab's environment`);
    if (!(await isAnswering({ socketPath, url: 'http://d/_ping' }))) throw labMissing(`${what} does not answer on ${socketPath}`);
  }
  if (!(await isAnswering({ url: REGISTRY_URL }))) {
    throw labMissing(`the registry does not answer on ${REGISTRY_URL}`);
  }
  return lab;
}

function labMissing(what: string): Error {
  return new Error(`the container lab is not running: run \`npm run lab\` (${what})`);
}

async function describeMissingPointer(): Promise<string> {
  const pointer = labPointerPath();
  let text: string;
  try {
    text = await readFile(pointer, 'utf8');
  } catch {
    return `no lab pointer file at ${pointer}`;
  }
  const vars = parseLabEnvFile(text);
  const absent = ['DOCKER_HOST', 'TASKRUN_LAB_DIR', 'TASKRUN_LAB_REGISTRY'].filter((key) => !vars[key]);
  if (absent.length > 0) return `${pointer} lacks ${absent.join(', ')}`;
  const socketPath = socketPathOf(vars.DOCKER_HOST ?? '');
  if (!socketPath) return `DOCKER_HOST in ${pointer} is not a unix:// socket: ${vars.DOCKER_HOST}`;
  const isSocket = await stat(socketPath).then(
    (s) => s.isSocket(),
    () => false,
  );
  return isSocket ? `${pointer} is unreadable` : `the Docker Engine's socket ${socketPath} is gone`;
}

function isAnswering({ url, socketPath }: { url: string; socketPath?: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { ...(socketPath && { socketPath }), timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The engine taskrun uses for one path: the lab's settings, with DOCKER_HOST on podman's socket for docker-on-podman. */
export function labEngineFor(lab: LabEnv, path: EnginePath): Engine {
  if (path === 'podman') return createEngine({ name: 'podman', labVars: lab.vars, processEnv: {} });
  const engine = createEngine({ name: 'docker', labVars: lab.vars, processEnv: {} });
  return path === 'docker' ? engine : { ...engine, env: { ...engine.env, DOCKER_HOST: podmanHostOf(lab) } };
}

function podmanHostOf(lab: LabEnv): string {
  const host = lab.vars.TASKRUN_LAB_PODMAN_HOST;
  if (!host) throw new Error('the lab environment has no TASKRUN_LAB_PODMAN_HOST; run `npm run lab` again');
  return host;
}

/** process.env plus what one path's CLI needs: CONTAINERS_* for podman, DOCKER_HOST (and TASKRUN_DOCKER) for docker. */
export function engineEnv(lab: LabEnv, path: EnginePath): NodeJS.ProcessEnv {
  const keys: readonly string[] = path === 'podman' ? PODMAN_VARS : ['DOCKER_HOST', 'TASKRUN_DOCKER'];
  const added: Record<string, string> = {};
  for (const key of keys) {
    const value = lab.vars[key];
    if (value === undefined) throw new Error(`the lab environment has no ${key}; run \`npm run lab\` again`);
    added[key] = value;
  }
  if (path === 'docker-on-podman') added.DOCKER_HOST = podmanHostOf(lab);
  return { ...process.env, ...added };
}

/** Runs one path's engine CLI (the binary taskrun would run) with its environment. */
export function runEngineCli(lab: LabEnv, path: EnginePath, args: readonly string[], options: { cwd?: string; all?: boolean; reject?: boolean } = {}) {
  const engine = labEngineFor(lab, path);
  return execa(engine.binary, args, { env: engineEnv(lab, path), extendEnv: false, ...options });
}

/** `taskrun run` flags and environment that select one path (docker-on-podman: DOCKER_HOST on podman's socket). */
export function cliEngineFor(lab: LabEnv, path: EnginePath): { args: string[]; env: Record<string, string> } {
  return {
    args: ['--engine', path === 'podman' ? 'podman' : 'docker'],
    env: path === 'docker-on-podman' ? { DOCKER_HOST: podmanHostOf(lab) } : {},
  };
}

/** The engine whose objects a path creates: docker-on-podman's containers live in podman. */
export function storagePathOf(path: EnginePath): EnginePath {
  return path === 'docker-on-podman' ? 'podman' : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function runStorageCli(lab: LabEnv, path: EnginePath, args: readonly string[]): Promise<string> {
  const { stdout } = await runEngineCli(lab, storagePathOf(path), args);
  return stdout;
}

/** Names of the containers (running or not) whose name starts with namePrefix, sorted. */
export async function listContainers(lab: LabEnv, path: EnginePath, namePrefix: string): Promise<string[]> {
  // The name filter is a regular expression on both engines; startsWith keeps the match exact.
  const stdout = await runStorageCli(lab, path, ['ps', '--all', '--filter', `name=^${escapeRegExp(namePrefix)}`, '--format', '{{.Names}}']);
  return splitNames(stdout).filter((name) => name.startsWith(namePrefix));
}

/** Force-removes the containers whose name starts with namePrefix; returns their names. */
export async function removeContainers(lab: LabEnv, path: EnginePath, namePrefix: string): Promise<string[]> {
  const names = await listContainers(lab, path, namePrefix);
  const noGrace = storagePathOf(path) === 'podman' ? ['--time', '0'] : [];
  if (names.length > 0) await runStorageCli(lab, path, ['rm', '--force', ...noGrace, ...names]);
  return names;
}

/** Names of the networks whose name starts with namePrefix, sorted. */
export async function listNetworks(lab: LabEnv, path: EnginePath, namePrefix: string): Promise<string[]> {
  const stdout = await runStorageCli(lab, path, ['network', 'ls', '--format', '{{.Name}}']);
  return splitNames(stdout).filter((name) => name.startsWith(namePrefix));
}

/** Removes the networks whose name starts with namePrefix (after removeContainers); returns their names. */
export async function removeNetworks(lab: LabEnv, path: EnginePath, namePrefix: string): Promise<string[]> {
  const names = await listNetworks(lab, path, namePrefix);
  if (names.length > 0) await runStorageCli(lab, path, ['network', 'rm', ...names]);
  return names;
}

/** Names of the volumes whose name starts with namePrefix, sorted. */
export async function listVolumes(lab: LabEnv, path: EnginePath, namePrefix: string): Promise<string[]> {
  const stdout = await runStorageCli(lab, path, ['volume', 'ls', '--format', '{{.Name}}']);
  return splitNames(stdout).filter((name) => name.startsWith(namePrefix));
}

/** Ids of the containers carrying a label, running or not. */
export async function listLabelledContainers(lab: LabEnv, path: EnginePath, label: string): Promise<string[]> {
  return splitNames(await runStorageCli(lab, path, ['ps', '--all', '--quiet', '--filter', `label=${label}`]));
}

function splitNames(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
}

/**
 * The containers podman created with a label, in the order it created them, from its event log
 * (the lab keeps it in a file): taskrun creates most step containers through podman's service,
 * where no CLI shim sees them.
 */
export async function podmanCreatedContainers(lab: LabEnv, label: string): Promise<Array<{ name: string; labels: Record<string, string> }>> {
  const stdout = await runStorageCli(lab, 'podman', ['events', '--stream=false', '--filter', 'event=create', '--filter', `label=${label}`, '--format', 'json']);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { Name: string; Attributes?: Record<string, string> })
    .map((event) => ({ name: event.Name, labels: event.Attributes ?? {} }));
}
