// Stage 5, execute: what a run creates around its steps and removes on every path:
// the run network (or the task's networks), the home volume, the secret-volume folders.

import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  buildNetworkCreateArgv,
  buildNetworkRemoveArgv,
  buildRemoveContainersArgv,
  buildVolumeCreateArgv,
  buildVolumeRemoveArgv,
} from '../engine/argv.js';
import { describeFailure } from '../engine/describe-failure.js';
import type { Engine } from '../engine/engine.js';
import { homeVolumeName, runLabelFilters, runLabels, runNetworkName, sanitiseEngineName, uniqueNamePart, type RunScope } from '../engine/names.js';
import { CLEANUP_TIMEOUT_MS, listLabelled, removeContainers, runEngine } from '../engine/run-engine.js';
import type { LabelledKind } from '../engine/run-engine.js';
import { ACB_DEFAULT_NETWORK } from '../steps/container-run.js';
import type { RunResources, StepCommand, WorkspaceMode } from '../steps/context.js';
import { isManifestOnly, usesStepContainers } from '../steps/cmd.js';
import type { Task } from '../task/types.js';
import type { PlatformEngine } from '../engine/platform-engines.js';
import { routedImagesOf } from '../steps/build-platform.js';
import { describeFillCommands, describeVolumeFillCommands, fillVolume, fillWorkspace, firstSnapshotDir, planWorkspace, taskVolumeName } from './workspace.js';

export interface NetworkToCreate {
  readonly name: string;
  readonly driver?: string;
  readonly ipv6: boolean;
}

export interface ResourcePlan {
  readonly resources: RunResources;
  readonly networksToCreate: readonly NetworkToCreate[];
  /** False when no step starts a container (only builds, pushes and host `docker …`): no network or volume is made. */
  readonly usesContainers: boolean;
  /** Copy mode with a cmd step other than `docker manifest`: the workspace volume is made and filled. */
  readonly usesWorkspaceVolume: boolean;
}

/** Networks every engine has: a step id cannot be an alias on them. */
const BUILTIN_NETWORKS = new Set(['host', 'none', 'bridge', 'default', 'podman', 'nat']);

// Pure: the same task and run id always give the same names and commands (dry run shows them).
export function planRunResources(input: {
  task: Task;
  runId: string;
  homeKey: string;
  engine: Engine;
  contextDir: string;
  scratchDir: string;
  workspaceMode: WorkspaceMode;
  platformEngines?: readonly PlatformEngine[];
  secretValues?: readonly string[];
}): ResourcePlan {
  const { task, runId, homeKey } = input;
  const scope: RunScope = { runId, homeKey };
  const usesContainers = task.steps.some((step) => step.kind === 'cmd' && usesStepContainers(step));
  const workspace = planWorkspace({ ...scope, mode: input.workspaceMode, contextDir: input.contextDir });
  // Host `docker …` steps may mount it by name ({{.Run.SharedVolume}}); builds alone read a host snapshot.
  const usesWorkspaceVolume =
    workspace.mode === 'copy' && task.steps.some((step) => step.kind === 'cmd' && !isManifestOnly(step));
  const declared = task.networks.filter((network) => network.name !== ACB_DEFAULT_NETWORK);
  const base = {
    runId,
    homeKey,
    engine: input.engine,
    workspace,
    hostWorkspaceDir: workspace.mode === 'bind' ? workspace.contextDir : firstSnapshotDir(input.scratchDir),
    homeVolume: homeVolumeName(scope),
    scratchDir: input.scratchDir,
    secretValues: input.secretValues ?? [],
    volumeDirs: Object.fromEntries(task.volumes.map((volume) => [volume.name, volumeDirFor(input.scratchDir, volume.name)])),
    // With the copy, no step mounts a host folder: the engine may be on another machine.
    engineVolumes:
      workspace.mode === 'copy' && usesContainers ? Object.fromEntries(task.volumes.map((volume) => [volume.name, taskVolumeName(scope, volume.name)])) : {},
    platformEngines: input.platformEngines ?? [],
    routedImages: routedImagesOf(task.steps, input.platformEngines ?? []),
  };
  if (declared.length === 0) {
    const name = runNetworkName(scope);
    return { resources: { ...base, defaultNetwork: name, aliasNetworks: [name] }, networksToCreate: usesContainers ? [{ name, ipv6: false }] : [], usesContainers, usesWorkspaceVolume };
  }
  const defaultNetwork = declared.filter((network) => network.isDefault).at(-1)?.name;
  return {
    resources: {
      ...base,
      ...(defaultNetwork !== undefined && { defaultNetwork }),
      aliasNetworks: declared.map((network) => network.name).filter((name) => !BUILTIN_NETWORKS.has(name)),
    },
    networksToCreate: declared
      .filter((network) => usesContainers && !network.skipCreation)
      .map((network) => ({ name: network.name, ipv6: network.ipv6, ...(network.driver !== undefined && { driver: network.driver }) })),
    usesContainers,
    usesWorkspaceVolume,
  };
}

/** Just the run id and home key of a run's resources: what names and labels are made of. */
function scopeOf(resources: RunScope): RunScope {
  return { runId: resources.runId, homeKey: resources.homeKey };
}

function volumeDirFor(scratchDir: string, volumeName: string): string {
  return path.join(scratchDir, 'volumes', sanitiseEngineName(uniqueNamePart(volumeName)));
}

export function describeSetupCommands(plan: ResourcePlan, options: { hasDockerignore: boolean } = { hasDockerignore: false }): StepCommand[] {
  const { engine, homeVolume, workspace, engineVolumes, volumeDirs } = plan.resources;
  const labels = runLabels(plan.resources);
  const fill = plan.usesWorkspaceVolume ? describeFillCommands({ ...scopeOf(plan.resources), engine, spec: workspace, hasDockerignore: options.hasDockerignore }) : [];
  return [
    ...plan.networksToCreate.map((network) => ({ argv: [engine.binary, ...buildNetworkCreateArgv({ ...network, labels })] })),
    ...(plan.usesContainers ? [{ argv: [engine.binary, ...buildVolumeCreateArgv({ name: homeVolume, labels })] }] : []),
    ...(fill.length > 0 && workspace.mode === 'copy' ? [{ argv: [engine.binary, ...buildVolumeCreateArgv({ name: workspace.volume, labels })] }, ...fill] : []),
    ...Object.entries(engineVolumes).flatMap(([name, volume]) => [
      { argv: [engine.binary, ...buildVolumeCreateArgv({ name: volume, labels })] },
      ...describeVolumeFillCommands({ ...scopeOf(plan.resources), engine, volume, sourceDir: volumeDirs[name] ?? '' }),
    ]),
  ];
}

export function describeCleanupCommands(plan: ResourcePlan, containerNames: readonly string[]): StepCommand[] {
  const { engine, homeVolume } = plan.resources;
  const networks = plan.networksToCreate.map((network) => network.name);
  return [
    ...(containerNames.length > 0 ? [{ argv: [engine.binary, ...buildRemoveContainersArgv({ engine: engine.name, names: containerNames })] }] : []),
    ...(networks.length > 0 ? [{ argv: [engine.binary, ...buildNetworkRemoveArgv({ names: networks })] }] : []),
    ...(volumesOf(plan).length > 0 ? [{ argv: [engine.binary, ...buildVolumeRemoveArgv({ names: volumesOf(plan) })] }] : []),
  ];
}

function volumesOf(plan: ResourcePlan): string[] {
  const { homeVolume, workspace } = plan.resources;
  return [
    ...(plan.usesContainers ? [homeVolume] : []),
    ...(plan.usesWorkspaceVolume && workspace.mode === 'copy' ? [workspace.volume] : []),
    ...Object.values(plan.resources.engineVolumes),
  ];
}

/** What was created, so cleanup removes exactly that. */
export interface CreatedResources {
  networks: string[];
  homeVolume?: string;
  workspaceVolume?: string;
  /** Copy mode: the engine volumes holding task `volumes`. */
  taskVolumes?: string[];
  /** Removals of helper containers left to finish in the background; cleanup waits for them. */
  backgroundRemovals?: Promise<unknown>[];
  scratchDir?: string;
}

// Stops at the first failure with acb's message shape; whatever was created is in `created` for cleanup.
export async function createRunResources(input: { plan: ResourcePlan; task: Task; signal: AbortSignal; created: CreatedResources }): Promise<string | undefined> {
  const { plan, task, signal, created } = input;
  const { engine, scratchDir, volumeDirs } = plan.resources;
  const scope = scopeOf(plan.resources);
  await mkdir(scratchDir, { recursive: true, mode: 0o700 });
  created.scratchDir = scratchDir;
  // Only the owner reaches the scratch folder; inside it, a secret volume's files are readable by any
  // user, as a step running as a non-root `user` must read them through the bind mount.
  await chmod(scratchDir, 0o700);
  for (const volume of task.volumes) {
    const dir = volumeDirs[volume.name] ?? volumeDirFor(scratchDir, volume.name);
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
    for (const [fileName, base64] of Object.entries(volume.secret)) {
      const file = path.join(dir, path.basename(fileName));
      await writeFile(file, Buffer.from(base64, 'base64'));
      await chmod(file, 0o644);
    }
  }
  const workspace = plan.resources.workspace;
  const [networkError, volumeError, workspaceError, taskVolumeError] = await Promise.all([
    plan.usesContainers ? createNetworks({ engine, scope, networks: plan.networksToCreate, signal, created }) : undefined,
    plan.usesContainers ? createHomeVolume({ engine, scope, name: plan.resources.homeVolume, signal, created }) : undefined,
    plan.usesWorkspaceVolume && workspace.mode === 'copy' ? createWorkspaceVolume({ engine, scope, spec: workspace, signal, created }) : undefined,
    createTaskVolumes({ plan, signal, created }),
  ]);
  return networkError ?? volumeError ?? workspaceError ?? taskVolumeError;
}

async function createTaskVolumes(input: { plan: ResourcePlan; signal: AbortSignal; created: CreatedResources }): Promise<string | undefined> {
  const { engine, engineVolumes, volumeDirs } = input.plan.resources;
  const scope = scopeOf(input.plan.resources);
  for (const [name, volume] of Object.entries(engineVolumes)) {
    const result = await runEngine({ engine, args: buildVolumeCreateArgv({ name: volume, labels: runLabels(scope) }), signal: input.signal });
    const failure = describeFailure(result, { command: `${engine.name} volume create` });
    if (failure !== undefined) return `failed to create volume: ${volume}, err: ${failure}, msg: ${result.outputTail.trim()}`;
    (input.created.taskVolumes ??= []).push(volume);
    const sourceDir = volumeDirs[name];
    if (sourceDir === undefined) continue;
    const fillFailure = await fillVolume({ ...scope, engine, volume, sourceDir, containerName: `${volume}-fill`, signal: input.signal, deferRemoval: deferTo(input.created) });
    if (fillFailure !== undefined) return `failed to copy the files of volume ${name} into ${volume}: ${fillFailure}`;
  }
  return undefined;
}

async function createWorkspaceVolume(input: {
  engine: Engine;
  scope: RunScope;
  spec: Extract<RunResources['workspace'], { mode: 'copy' }>;
  signal: AbortSignal;
  created: CreatedResources;
}): Promise<string | undefined> {
  const { engine, spec } = input;
  const result = await runEngine({ engine, args: buildVolumeCreateArgv({ name: spec.volume, labels: runLabels(input.scope) }), signal: input.signal });
  const failure = describeFailure(result, { command: `${engine.name} volume create` });
  if (failure !== undefined) return `failed to create volume: ${spec.volume}, err: ${failure}, msg: ${result.outputTail.trim()}`;
  input.created.workspaceVolume = spec.volume;
  return fillWorkspace({ ...input.scope, engine, spec, signal: input.signal, deferRemoval: deferTo(input.created) });
}

function deferTo(created: CreatedResources): (removal: Promise<unknown>) => void {
  return (removal) => (created.backgroundRemovals ??= []).push(removal);
}

async function createNetworks(input: {
  engine: Engine;
  scope: RunScope;
  networks: readonly NetworkToCreate[];
  signal: AbortSignal;
  created: CreatedResources;
}): Promise<string | undefined> {
  for (const network of input.networks) {
    const result = await runEngine({
      engine: input.engine,
      args: buildNetworkCreateArgv({ ...network, labels: runLabels(input.scope) }),
      signal: input.signal,
    });
    const failure = describeFailure(result, { command: `${input.engine.name} network create` });
    if (failure !== undefined) return `failed to create network: ${network.name}, err: ${failure}, msg: ${result.outputTail.trim()}`;
    input.created.networks.push(network.name);
  }
  return undefined;
}

async function createHomeVolume(input: { engine: Engine; scope: RunScope; name: string; signal: AbortSignal; created: CreatedResources }): Promise<string | undefined> {
  const result = await runEngine({ engine: input.engine, args: buildVolumeCreateArgv({ name: input.name, labels: runLabels(input.scope) }), signal: input.signal });
  const failure = describeFailure(result, { command: `${input.engine.name} volume create` });
  if (failure !== undefined) return `failed to create volume: ${input.name}, err: ${failure}, msg: ${result.outputTail.trim()}`;
  input.created.homeVolume = input.name;
  return undefined;
}

// Never throws and ignores the run's signal: cleanup must finish after a cancel too. Returns problems as warnings.
export async function removeRunResources(input: {
  engine: Engine;
  scope: RunScope;
  created: CreatedResources;
  containerNames: readonly string[];
  /**
   * Also remove every container, network and volume carrying the run's label: after a stop a create
   * client may have been killed once the engine had made the object, and host `docker run` steps
   * start containers taskrun did not name.
   */
  sweepLabelled: boolean;
}): Promise<string[]> {
  const { engine, created } = input;
  await Promise.all(created.backgroundRemovals ?? []);
  const labels = runLabelFilters(input.scope);
  const sweep = (kind: LabelledKind) => (input.sweepLabelled ? listLabelled({ engine, kind, labels }) : Promise.resolve([]));
  const [labelledContainers, labelledNetworks, labelledVolumes] = await Promise.all([sweep('container'), sweep('network'), sweep('volume')]);
  // Containers first: a network still in use cannot be removed.
  await removeContainers({ engine, names: [...new Set([...input.containerNames, ...labelledContainers])] });
  const networks = [...new Set([...created.networks, ...labelledNetworks])];
  const volumes = [
    ...new Set([...(created.homeVolume !== undefined ? [created.homeVolume] : []), ...(created.workspaceVolume !== undefined ? [created.workspaceVolume] : []), ...(created.taskVolumes ?? []), ...labelledVolumes]),
  ];
  const warnings: string[] = [];
  const removals: Promise<void>[] = [];
  if (networks.length > 0) {
    removals.push(
      runEngine({ engine, args: buildNetworkRemoveArgv({ names: networks }), timeoutMs: CLEANUP_TIMEOUT_MS }).then((result) => {
        if (result.exitCode !== 0) warnings.push(`failed to remove network ${networks.join(', ')}: ${result.outputTail.trim()}`);
      }),
    );
  }
  if (volumes.length > 0) {
    removals.push(
      runEngine({ engine, args: buildVolumeRemoveArgv({ names: volumes }), timeoutMs: CLEANUP_TIMEOUT_MS }).then((result) => {
        if (result.exitCode !== 0) warnings.push(`failed to remove volume ${volumes.join(', ')}: ${result.outputTail.trim()}`);
      }),
    );
  }
  const scratchDir = created.scratchDir;
  if (scratchDir !== undefined) {
    removals.push(rm(scratchDir, { recursive: true, force: true }).catch((caught: unknown) => void warnings.push(`failed to remove ${scratchDir}: ${String(caught)}`)));
  }
  await Promise.all(removals);
  return warnings;
}
