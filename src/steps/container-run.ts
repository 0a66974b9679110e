// Stage 5, execute: a cmd step's container options → the `run` argv input
// (acb-spec §4.2 adapted: no docker socket, the workspace volume (or with --bind the context folder)
// at /workspace, per-run home volume).

import path from 'node:path';
import type { RunArgvInput, VolumeBinding } from '../engine/argv.js';
import { placeSecretValues } from './secret-env.js';
import { containerNameFor, runLabels } from '../engine/names.js';
import type { CmdStep, ContainerOptions } from '../task/types.js';
import type { RunResources } from './context.js';

export const WORKSPACE_DIR = '/workspace';
export const HOME_DIR = '/acb/home';
/** The network acb creates when a task declares none; taskrun creates its own run network instead. */
export const ACB_DEFAULT_NETWORK = 'acb_default_network';

// Like acb (context.go:285-292): absolute → cleaned; relative or empty → under /workspace.
export function normaliseWorkdir(dir: string): string {
  const joined = path.posix.isAbsolute(dir) ? dir : path.posix.join(WORKSPACE_DIR, dir);
  const cleaned = path.posix.normalize(joined);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

/** The host folder for a container working directory: under the workspace's host folder when it is under /workspace. */
export function hostDirFor(options: ContainerOptions, contextDir: string): string {
  if (options.disableWorkingDirectoryOverride) return contextDir;
  const workdir = normaliseWorkdir(options.workingDirectory);
  if (workdir === WORKSPACE_DIR) return contextDir;
  if (!workdir.startsWith(`${WORKSPACE_DIR}/`)) return contextDir;
  return path.join(contextDir, workdir.slice(WORKSPACE_DIR.length + 1));
}

export function resolveStepNetwork(options: ContainerOptions, resources: RunResources): string | undefined {
  if (options.network === undefined || options.network === ACB_DEFAULT_NETWORK) return resources.defaultNetwork;
  return options.network;
}

/**
 * The docker CLI over podman's compat API (podman 4.3) reports exit code 0 for a failed `run --rm`,
 * so with docker a foreground container runs without --rm and taskrun removes it after it exits.
 */
export function isRemovedAfterExit(input: { step: CmdStep; resources: RunResources }): boolean {
  return input.resources.engine.name === 'docker' && !input.step.keep && !input.step.detach;
}

/** A cmd step's `run`: its argv input, and the values that reach the engine CLI by its environment (secrets). */
export type ContainerRun = RunArgvInput & { readonly engineEnv: Readonly<Record<string, string>> };

/**
 * A container command of a cmd step's list after the first: its words and its 1-based position.
 * It runs with the step's env, mounts, network, workdir, user and privileges, in the foreground,
 * and is removed after; the step's ports, expose, entryPoint, keep and detach are its own container's.
 */
export interface LaterContainer {
  readonly words: readonly string[];
  readonly position: number;
}

export function describeContainerRun(input: { step: CmdStep; resources: RunResources; later?: LaterContainer }): ContainerRun {
  const { resources, later } = input;
  const step: CmdStep = later ? { ...input.step, words: later.words, keep: false, detach: false, ports: [], expose: [] } : input.step;
  const network = resolveStepNetwork(step, resources);
  const volumes: VolumeBinding[] = [
    resources.workspace.mode === 'bind'
      ? { kind: 'bind', source: resources.workspace.contextDir, target: WORKSPACE_DIR }
      : { kind: 'volume', source: resources.workspace.volume, target: WORKSPACE_DIR },
    { kind: 'volume', source: resources.homeVolume, target: HOME_DIR },
    ...step.volumeMounts.map((mount): VolumeBinding => {
      const engineVolume = resources.engineVolumes[mount.name];
      if (engineVolume !== undefined) return { kind: 'volume', source: engineVolume, target: mount.mountPath };
      const dir = resources.volumeDirs[mount.name];
      return dir !== undefined ? { kind: 'bind', source: dir, target: mount.mountPath } : { kind: 'volume', source: mount.name, target: mount.mountPath };
    }),
  ];
  const [image = '', ...args] = step.words;
  const env = placeSecretValues([`HOME=${HOME_DIR}`, ...step.env], resources.secretValues);
  return {
    image,
    args,
    containerName: containerNameFor(resources, step.id, later?.position),
    remove: !step.keep && !isRemovedAfterExit({ step, resources }),
    detach: step.detach,
    ports: step.ports,
    expose: step.expose,
    privileged: step.privileged,
    ...(step.user !== undefined && { user: step.user }),
    ...(network !== undefined && { network }),
    ...(network !== undefined && !later && resources.aliasNetworks.includes(network) && { networkAlias: step.id }),
    // podman has no --isolation; it is a Windows (Hyper-V) option of docker.
    ...(step.isolation !== undefined && resources.engine.name === 'docker' && { isolation: step.isolation }),
    ...(step.cpus !== undefined && { cpus: step.cpus }),
    ...(step.entryPoint !== undefined && !later && { entryPoint: step.entryPoint }),
    labels: runLabels(resources),
    volumes,
    env: env.items,
    engineEnv: env.env,
    ...(!step.disableWorkingDirectoryOverride && { workdir: normaliseWorkdir(step.workingDirectory) }),
  };
}

/** `KEY=value` items → an environment object for a host process (a later item wins; `KEY` alone is skipped). */
export function envRecordOf(items: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at > 0) env[item.slice(0, at)] = item.slice(at + 1);
  }
  return env;
}
