// Stage 5, execute: where an engine's CLI sends its requests, as its own settings say: docker's
// DOCKER_HOST, DOCKER_CONTEXT or current context; podman's CONTAINER_HOST or CONTAINER_CONNECTION.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Engine } from './engine.js';

export const DOCKER_DEFAULT_HOST = 'unix:///var/run/docker.sock';

/** A variable as the engine process sees it: the engine's own env (lab settings) over the process's. */
function engineVar(engine: Engine, env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = engine.env[name] ?? env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** docker's `currentContext` in its config file (DOCKER_CONFIG or ~/.docker), when one is set. */
function dockerCurrentContext(env: NodeJS.ProcessEnv): string | undefined {
  const configDir = env.DOCKER_CONFIG || path.join(env.HOME || homedir(), '.docker');
  try {
    const config = JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' && config.currentContext !== '' && config.currentContext !== 'default' ? config.currentContext : undefined;
  } catch {
    return undefined;
  }
}

/** One line: `unix:///…`, `ssh://…`, `tcp://…`, `docker context NAME`, `podman connection NAME` or `local podman`. */
export function describeEndpoint(engine: Engine, env: NodeJS.ProcessEnv = process.env): string {
  if (engine.name === 'docker') {
    // docker's own order: DOCKER_HOST beats DOCKER_CONTEXT beats the config's current context.
    const host = engineVar(engine, env, 'DOCKER_HOST');
    if (host !== undefined) return host;
    const context = engineVar(engine, env, 'DOCKER_CONTEXT') ?? dockerCurrentContext(env);
    return context !== undefined ? `docker context ${context}` : DOCKER_DEFAULT_HOST;
  }
  const host = engineVar(engine, env, 'CONTAINER_HOST');
  if (host !== undefined) return host;
  const connection = engineVar(engine, env, 'CONTAINER_CONNECTION');
  return connection !== undefined ? `podman connection ${connection}` : 'local podman';
}

/** podman talks to a service (CONTAINER_HOST, CONTAINER_CONNECTION, podman-remote) instead of its local storage. */
export function isRemotePodman(engine: Engine, env: NodeJS.ProcessEnv = process.env): boolean {
  if (engine.name !== 'podman') return false;
  if (path.basename(engine.binary).includes('remote')) return true;
  return engineVar(engine, env, 'CONTAINER_HOST') !== undefined || engineVar(engine, env, 'CONTAINER_CONNECTION') !== undefined;
}
