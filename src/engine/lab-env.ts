// Execute stage: find the local container lab (`npm run lab`) through its per-user pointer file,
// so taskrun can reach its podman socket and registry without the user exporting anything.

import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LabEnv {
  /** The lab's folder (`.lab/` of the checkout that started it). */
  readonly dir: string;
  /** Registry host the lab serves, e.g. `localhost:5000`. */
  readonly registry: string;
  /** Everything the lab wrote: DOCKER_HOST, CONTAINERS_CONF, CONTAINERS_REGISTRIES_CONF, … */
  readonly vars: Readonly<Record<string, string>>;
}

/** Where `scripts/lab.sh up` writes the lab's environment and `down` removes it. */
export function labPointerPath(env: NodeJS.ProcessEnv = process.env): string {
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(stateHome, 'taskrun', 'lab.env');
}

/** `KEY=VALUE` lines; blank lines, `#` comments and lines without `=` are ignored. */
export function parseLabEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    const eq = trimmed.indexOf('=');
    if (trimmed.startsWith('#') || eq <= 0) continue;
    vars[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return vars;
}

/** The socket path of a `unix://` DOCKER_HOST, or undefined for any other scheme. */
export function socketPathOf(dockerHost: string): string | undefined {
  return dockerHost.startsWith('unix://') ? dockerHost.slice('unix://'.length) : undefined;
}

/** The running lab's environment, or undefined when no lab is up (pointer missing or socket gone). */
export async function readLabEnv(env: NodeJS.ProcessEnv = process.env): Promise<LabEnv | undefined> {
  let text: string;
  try {
    text = await readFile(labPointerPath(env), 'utf8');
  } catch {
    return undefined;
  }
  const vars = parseLabEnvFile(text);
  const dir = vars.TASKRUN_LAB_DIR;
  const registry = vars.TASKRUN_LAB_REGISTRY;
  const socketPath = socketPathOf(vars.DOCKER_HOST ?? '');
  if (!dir || !registry || !socketPath) return undefined;
  const isSocket = await stat(socketPath).then(
    (s) => s.isSocket(),
    () => false,
  );
  return isSocket ? { dir, registry, vars } : undefined;
}
