// Test support for end-to-end tests: the running container lab (`npm run lab`), the environment
// each engine CLI needs to use it, and leak checks for containers and networks a test created.

import { request } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { execa } from 'execa';
import { labPointerPath, parseLabEnvFile, readLabEnv, socketPathOf } from '../../src/engine/lab-env.js';
import type { LabEnv } from '../../src/engine/lab-env.js';

export type LabEngine = 'podman' | 'docker';

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
  const socketPath = socketPathOf(lab.vars.DOCKER_HOST ?? '') ?? '';
  if (!(await isAnswering({ socketPath, url: 'http://d/_ping' }))) {
    throw labMissing(`the podman service does not answer on ${socketPath}`);
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
  return isSocket ? `${pointer} is unreadable` : `the podman socket ${socketPath} is gone`;
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

/** process.env plus what one engine CLI needs to use the lab: CONTAINERS_* for podman, DOCKER_HOST for docker. */
export function engineEnv(lab: LabEnv, engine: LabEngine): NodeJS.ProcessEnv {
  const keys: readonly string[] = engine === 'podman' ? PODMAN_VARS : ['DOCKER_HOST'];
  const added: Record<string, string> = {};
  for (const key of keys) {
    const value = lab.vars[key];
    if (value === undefined) throw new Error(`the lab environment has no ${key}; run \`npm run lab\` again`);
    added[key] = value;
  }
  return { ...process.env, ...added };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function runPodman(lab: LabEnv, args: readonly string[]): Promise<string> {
  const { stdout } = await execa('podman', args, { env: engineEnv(lab, 'podman'), extendEnv: false });
  return stdout;
}

/** Names of the containers (running or not) whose name starts with namePrefix, sorted. */
export async function listContainers(lab: LabEnv, namePrefix: string): Promise<string[]> {
  // podman's name filter is a regular expression; startsWith keeps the match exact.
  const stdout = await runPodman(lab, [
    'ps', '--all', '--filter', `name=^${escapeRegExp(namePrefix)}`, '--format', '{{.Names}}',
  ]);
  return splitNames(stdout).filter((name) => name.startsWith(namePrefix));
}

/** Force-removes the containers whose name starts with namePrefix; returns their names. */
export async function removeContainers(lab: LabEnv, namePrefix: string): Promise<string[]> {
  const names = await listContainers(lab, namePrefix);
  if (names.length > 0) await runPodman(lab, ['rm', '--force', '--time', '0', ...names]);
  return names;
}

/** Names of the networks whose name starts with namePrefix, sorted. */
export async function listNetworks(lab: LabEnv, namePrefix: string): Promise<string[]> {
  const stdout = await runPodman(lab, ['network', 'ls', '--format', '{{.Name}}']);
  return splitNames(stdout).filter((name) => name.startsWith(namePrefix));
}

/** Force-removes the networks (and containers on them) whose name starts with namePrefix; returns their names. */
export async function removeNetworks(lab: LabEnv, namePrefix: string): Promise<string[]> {
  const names = await listNetworks(lab, namePrefix);
  if (names.length > 0) await runPodman(lab, ['network', 'rm', '--force', ...names]);
  return names;
}

function splitNames(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
}
