// Stage 5, execute: which engine a run uses: `--engine`, else TASKRUN_ENGINE, else
// docker when its daemon answers, else podman when it runs; the lab's settings included.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean, error, InputError } from '../diagnostics.js';
import { createEngine, ENGINE_NAMES, isEngineName } from './engine.js';
import type { Engine, EngineName } from './engine.js';
import { readLabEnv, socketPathOf } from './lab-env.js';
import { pingSocket } from './ping-socket.js';
import { runEngine } from './run-engine.js';

const PROBE_TIMEOUT_MS = 10_000;
const LAB_HINT = 'start the local lab with `npm run lab` (it provides podman and a docker socket), or install docker or podman';

/** True when the engine answers: for docker, its daemon (a server version); for podman, the CLI itself. */
export async function isEngineAnswering(engine: Engine): Promise<boolean> {
  // `docker version` takes ~300 ms over podman's socket; with a unix DOCKER_HOST, asking the
  // socket directly (and finding the CLI on PATH) answers the same question in a few ms.
  const socketPath = engine.name === 'docker' ? socketPathOf(engine.env.DOCKER_HOST ?? process.env.DOCKER_HOST ?? '') : undefined;
  if (socketPath !== undefined) return (await isOnPath(engine.binary)) && (await pingSocket(socketPath, PROBE_TIMEOUT_MS));
  const args = engine.name === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : ['version', '--format', '{{.Client.Version}}'];
  const result = await runEngine({ engine, args, timeoutMs: PROBE_TIMEOUT_MS });
  return result.exitCode === 0;
}

async function isOnPath(binary: string): Promise<boolean> {
  const candidates = binary.includes('/') ? [binary] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, binary));
  for (const candidate of candidates) {
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return true;
  }
  return false;
}

export async function selectEngine(input: {
  /** The `--engine` flag as given. */
  requested?: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces the lab lookup (tests). */
  labVars?: Readonly<Record<string, string>>;
  /** Replaces the probe (tests). */
  isAnswering?: (engine: Engine) => Promise<boolean>;
}): Promise<Engine> {
  const env = input.env ?? process.env;
  const isAnswering = input.isAnswering ?? isEngineAnswering;
  const labVars = input.labVars ?? (await readLabEnv(env))?.vars ?? {};
  const fromFlag = input.requested !== undefined && input.requested !== '';
  const requested = fromFlag ? input.requested : env.TASKRUN_ENGINE || undefined;
  const source = fromFlag ? '--engine' : 'TASKRUN_ENGINE';
  if (requested !== undefined) {
    if (!isEngineName(requested)) {
      const suggestion = didYouMean(requested, ENGINE_NAMES);
      throw new InputError([
        error('unknown-engine', `${source} "${requested}" is not an engine taskrun knows`, undefined, suggestion ? `did you mean ${suggestion}? (docker or podman)` : 'use docker or podman'),
      ]);
    }
    const engine = createEngine({ name: requested, labVars, processEnv: env });
    if (!(await isAnswering(engine))) {
      throw new InputError([error('engine-unavailable', `${source} ${requested}: ${describeSilence(requested)}`, undefined, LAB_HINT)]);
    }
    return engine;
  }
  for (const name of ENGINE_NAMES) {
    const engine = createEngine({ name, labVars, processEnv: env });
    if (await isAnswering(engine)) return engine;
  }
  throw new InputError([
    error('engine-unavailable', `no container engine answers: ${ENGINE_NAMES.map((name) => `${name} (${describeSilence(name)})`).join(', ')}`, undefined, LAB_HINT),
  ]);
}

function describeSilence(name: EngineName): string {
  return name === 'docker' ? 'no docker daemon answers' : 'podman is not installed or does not run';
}
