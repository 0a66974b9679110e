// Stage 5, execute: the run's workspace. By default a copy: the context folder (less what
// `.dockerignore` leaves out) streams as a tar through the engine into a per-run volume, so no step
// writes the user's folder and a remote engine needs none of this machine's folders. Builds and host
// `docker …` steps get a host snapshot of that volume, taken again only after a step could write.

import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildRemoveContainersArgv, buildVolumeExportArgv, buildVolumeImportArgv, buildVolumeTarArgv } from '../engine/argv.js';
import { isRemotePodman } from '../engine/endpoint.js';
import { describeFailure } from '../engine/describe-failure.js';
import type { Engine } from '../engine/engine.js';
import { runLabels, runNamePrefix, sanitiseEngineName, uniqueNamePart, workspaceVolumeName, type RunScope } from '../engine/names.js';
import { runPipeline, runProcess, type PipelineResult } from '../engine/process.js';
import { removeContainers, runEngine } from '../engine/run-engine.js';
import type { HostWorkspace, StepCommand, WorkspaceAccess, WorkspaceMode, WorkspaceSpec } from '../steps/context.js';
import { readDockerignore, selectContextFiles } from './context-files.js';

/** The image whose `tar` fills and reads the workspace volume (busybox: small, on every platform). */
export const WORKSPACE_HELPER_IMAGE = 'busybox';
/** The host program that writes and reads tar streams. */
const HOST_TAR = 'tar';

export function planWorkspace(input: RunScope & { mode: WorkspaceMode; contextDir: string }): WorkspaceSpec {
  return input.mode === 'bind'
    ? { mode: 'bind', contextDir: input.contextDir }
    : { mode: 'copy', contextDir: input.contextDir, volume: workspaceVolumeName(input) };
}

/** What `{{.Run.SharedVolume}}` names: the workspace volume, or with --bind the folder a `-v` binds. */
export function sharedVolumeOf(spec: WorkspaceSpec): string {
  return spec.mode === 'copy' ? spec.volume : spec.contextDir;
}

/** The `.Run.SharedVolume` a run's templates see; undefined with --bind (the context folder, the default). */
export function sharedVolumeFlag(mode: WorkspaceMode, scope: RunScope): string | undefined {
  return mode === 'copy' ? workspaceVolumeName(scope) : undefined;
}

/** The first host snapshot's folder (a dry run shows it as the cwd of builds). */
export function firstSnapshotDir(scratchDir: string): string {
  return path.join(scratchDir, 'workspace');
}

function fillContainerName(scope: RunScope): string {
  return `${runNamePrefix(scope)}-workspace-fill`;
}

// The docker CLI over podman's socket reports 0 for a failed `run --rm` (see isRemovedAfterExit).
const removesItself = (engine: Engine) => engine.name === 'podman';

/** Local podman reads and writes a volume's files as tar itself, without starting a container (~0.3 s less). */
const usesVolumeTar = (engine: Engine) => engine.name === 'podman' && !isRemotePodman(engine);

/** The engine command that reads a tar stream on stdin into a volume, and the container it leaves, if any. */
function volumeFillArgv(input: RunScope & { engine: Engine; volume: string; containerName: string }): { argv: string[]; leftContainer?: string } {
  const { engine } = input;
  if (usesVolumeTar(engine)) return { argv: buildVolumeImportArgv({ volume: input.volume }) };
  const argv = buildVolumeTarArgv({
    direction: 'extract',
    image: WORKSPACE_HELPER_IMAGE,
    volume: input.volume,
    containerName: input.containerName,
    labels: runLabels(input),
    remove: removesItself(engine),
  });
  return { argv, ...(!removesItself(engine) && { leftContainer: input.containerName }) };
}

/** The helper container that writes a volume's files as a tar stream to stdout. */
function volumeReadArgv(input: RunScope & { engine: Engine; volume: string; containerName: string }): { argv: string[]; leftContainer?: string } {
  const argv = buildVolumeTarArgv({
    direction: 'create',
    image: WORKSPACE_HELPER_IMAGE,
    volume: input.volume,
    containerName: input.containerName,
    labels: runLabels(input),
    remove: removesItself(input.engine),
  });
  return { argv, ...(!removesItself(input.engine) && { leftContainer: input.containerName }) };
}

/** `tar -c` of the whole folder, or of the listed entries (NUL-separated on stdin) when `.dockerignore` leaves some out. */
function hostTarCreateArgs(contextDir: string, isListed: boolean): string[] {
  return isListed ? ['-c', '--null', '--no-recursion', '-C', contextDir, '-T', '-'] : ['-c', '-C', contextDir, '.'];
}

/** The fill as a dry run shows it (with a `.dockerignore`, tar reads the kept entries on stdin). */
export function describeFillCommands(input: RunScope & { engine: Engine; spec: WorkspaceSpec; hasDockerignore: boolean }): StepCommand[] {
  if (input.spec.mode !== 'copy') return [];
  const fill = volumeFillArgv({ ...input, volume: input.spec.volume, containerName: fillContainerName(input) });
  return [
    { inputFrom: [HOST_TAR, ...hostTarCreateArgs(input.spec.contextDir, input.hasDockerignore)], argv: [input.engine.binary, ...fill.argv] },
    ...(fill.leftContainer !== undefined ? [{ argv: [input.engine.binary, ...buildRemoveContainersArgv({ engine: input.engine.name, names: [fill.leftContainer] })] }] : []),
  ];
}

/** Streams the context into the (created, empty) workspace volume; an error message when it failed. */
export async function fillWorkspace(input: {
  engine: Engine;
  runId: string;
  homeKey: string;
  spec: Extract<WorkspaceSpec, { mode: 'copy' }>;
  signal: AbortSignal;
  deferRemoval?: (removal: Promise<unknown>) => void;
}): Promise<string | undefined> {
  const { spec } = input;
  const patterns = await readDockerignore(spec.contextDir);
  const listed = patterns !== undefined && patterns.length > 0 ? (await selectContextFiles(spec.contextDir)).entries : undefined;
  const failure = await fillVolume({ ...input, volume: spec.volume, sourceDir: spec.contextDir, containerName: fillContainerName(input), ...(listed && { entries: listed }) });
  return failure === undefined ? undefined : `failed to copy ${spec.contextDir} into the workspace volume ${spec.volume}: ${failure}`;
}

/** Streams a host folder (or the listed entries of it) into a created volume through the engine. */
export async function fillVolume(input: {
  engine: Engine;
  runId: string;
  homeKey: string;
  volume: string;
  sourceDir: string;
  containerName: string;
  entries?: readonly string[];
  signal: AbortSignal;
  /** Given: the helper container (docker) is removed in the background and the removal handed over, off the run's start. */
  deferRemoval?: (removal: Promise<unknown>) => void;
}): Promise<string | undefined> {
  const { engine } = input;
  const fill = volumeFillArgv(input);
  const result = await runPipeline({
    from: { file: HOST_TAR, args: hostTarCreateArgs(input.sourceDir, input.entries !== undefined) },
    ...(input.entries !== undefined && { fromInput: input.entries.map((entry) => `${entry}\0`).join('') }),
    to: { file: engine.binary, args: fill.argv, env: engine.env },
    signal: input.signal,
  });
  if (fill.leftContainer !== undefined) {
    const removal = removeContainers({ engine, names: [fill.leftContainer] });
    if (input.deferRemoval) input.deferRemoval(removal);
    else await removal;
  }
  return describePipelineFailure(result, { from: 'tar -c', to: `${engine.name} ${fill.argv.slice(0, 2).join(' ')}`, fromIsHostTar: true });
}

/** A task volume's engine volume in copy mode, and its fill (a dry run shows both). */
export function taskVolumeName(scope: RunScope, volumeName: string): string {
  return sanitiseEngineName(`${runNamePrefix(scope)}-vol-${uniqueNamePart(volumeName)}`);
}

export function describeVolumeFillCommands(input: RunScope & { engine: Engine; volume: string; sourceDir: string }): StepCommand[] {
  const fill = volumeFillArgv({ ...input, containerName: `${input.volume}-fill` });
  return [
    { inputFrom: [HOST_TAR, ...hostTarCreateArgs(input.sourceDir, false)], argv: [input.engine.binary, ...fill.argv] },
    ...(fill.leftContainer !== undefined ? [{ argv: [input.engine.binary, ...buildRemoveContainersArgv({ engine: input.engine.name, names: [fill.leftContainer] })] }] : []),
  ];
}

// GNU tar exits 1 when a file changed while it was read: the copy holds what was there, as a snapshot does.
function describePipelineFailure(result: PipelineResult, names: { from: string; to: string; fromIsHostTar: boolean }): string | undefined {
  const isTolerated = names.fromIsHostTar && result.from.exitCode === 1;
  const fromFailed = isTolerated ? undefined : describeFailure(result.from, { command: names.from });
  if (fromFailed !== undefined) return `${named(names.from, fromFailed)}${tailOf(result.from)}`;
  const toFailed = describeFailure(result.to, { command: names.to });
  return toFailed === undefined ? undefined : `${named(names.to, toFailed)}${tailOf(result.to)}`;
}

const named = (command: string, failure: string) => (failure.startsWith('exited') ? `${command} ${failure}` : failure);

function tailOf(result: { outputTail: string }): string {
  const tail = result.outputTail.trim();
  return tail === '' ? '' : `: ${tail.split('\n').slice(-3).join(' / ')}`;
}

/** Copies what the volume holds now into a new host folder, through the engine. */
async function exportWorkspace(input: RunScope & { engine: Engine; volume: string; intoDir: string; index: number; signal: AbortSignal }): Promise<string | undefined> {
  await mkdir(input.intoDir, { recursive: true });
  const failure = usesVolumeTar(input.engine) ? await exportThroughFile(input) : await exportThroughHelper(input);
  return failure === undefined ? undefined : `failed to read the workspace volume ${input.volume}: ${failure}`;
}

async function exportThroughHelper(input: RunScope & { engine: Engine; volume: string; intoDir: string; index: number; signal: AbortSignal }): Promise<string | undefined> {
  const containerName = `${runNamePrefix(input)}-workspace-read-${input.index}`;
  const { engine } = input;
  const read = volumeReadArgv({ ...input, containerName });
  const result = await runPipeline({
    from: { file: engine.binary, args: read.argv, env: engine.env },
    to: { file: HOST_TAR, args: ['-x', '--no-same-owner', '-C', input.intoDir] },
    signal: input.signal,
  });
  if (read.leftContainer !== undefined) await removeContainers({ engine, names: [read.leftContainer] });
  return describePipelineFailure(result, { from: `${engine.name} run ${WORKSPACE_HELPER_IMAGE} tar -c`, to: 'tar -x', fromIsHostTar: false });
}

// `podman volume export` writes a file (it cannot write to the socket Node gives a child as stdout).
async function exportThroughFile(input: { engine: Engine; volume: string; intoDir: string; signal: AbortSignal }): Promise<string | undefined> {
  const { engine } = input;
  const tarFile = `${input.intoDir}.tar`;
  try {
    const exported = await runEngine({ engine, args: buildVolumeExportArgv({ volume: input.volume, file: tarFile }), signal: input.signal });
    const exportFailure = describeFailure(exported, { command: `${engine.name} volume export` });
    if (exportFailure !== undefined) return `${named(`${engine.name} volume export`, exportFailure)}${tailOf(exported)}`;
    const extracted = await runProcess({ file: HOST_TAR, args: ['-x', '--no-same-owner', '-f', tarFile, '-C', input.intoDir], signal: input.signal });
    const extractFailure = describeFailure(extracted, { command: 'tar -x' });
    return extractFailure === undefined ? undefined : `${named('tar -x', extractFailure)}${tailOf(extracted)}`;
  } finally {
    await rm(tarFile, { force: true });
  }
}

/** Copies the context (less what `.dockerignore` leaves out) into a host folder, without the engine. */
async function copyContext(input: { contextDir: string; intoDir: string; signal: AbortSignal }): Promise<string | undefined> {
  await mkdir(input.intoDir, { recursive: true });
  const patterns = await readDockerignore(input.contextDir);
  const listed = patterns !== undefined && patterns.length > 0 ? (await selectContextFiles(input.contextDir)).entries : undefined;
  const result = await runPipeline({
    from: { file: HOST_TAR, args: hostTarCreateArgs(input.contextDir, listed !== undefined) },
    ...(listed !== undefined && { fromInput: listed.map((entry) => `${entry}\0`).join('') }),
    to: { file: HOST_TAR, args: ['-x', '-C', input.intoDir] },
    signal: input.signal,
  });
  const failure = describePipelineFailure(result, { from: 'tar -c', to: 'tar -x', fromIsHostTar: true });
  return failure === undefined ? undefined : `failed to copy ${input.contextDir} for the build: ${failure}`;
}

/**
 * The workspace while a run goes. Copy mode: before any step could write, a snapshot is a local
 * copy of the context; after, an export of the volume. Snapshots are never reused once a step could
 * have written, and never changed once handed out (parallel builds keep theirs).
 */
export function createWorkspaceAccess(input: {
  spec: WorkspaceSpec;
  engine: Engine;
  runId: string;
  homeKey: string;
  scratchDir: string;
  /** False when the run made no volume (no cmd step): snapshots then copy the context. */
  hasVolume: boolean;
}): WorkspaceAccess {
  const { spec } = input;
  if (spec.mode === 'bind') return { hostDir: async () => ({ ok: true, dir: spec.contextDir }), noteWrite: () => undefined };
  let writes = 0;
  let snapshots = 0;
  let latest: { writes: number; result: Promise<HostWorkspace> } | undefined;
  const take = async (atWrites: number, signal: AbortSignal): Promise<HostWorkspace> => {
    snapshots++;
    const intoDir = snapshots === 1 ? firstSnapshotDir(input.scratchDir) : `${firstSnapshotDir(input.scratchDir)}-${snapshots}`;
    const error =
      atWrites === 0 || !input.hasVolume
        ? await copyContext({ contextDir: spec.contextDir, intoDir, signal })
        : await exportWorkspace({ engine: input.engine, runId: input.runId, homeKey: input.homeKey, volume: spec.volume, intoDir, index: snapshots, signal });
    return error === undefined ? { ok: true, dir: intoDir } : { ok: false, error };
  };
  return {
    noteWrite: () => {
      writes++;
    },
    hostDir: (signal) => {
      if (latest === undefined || latest.writes !== writes) {
        const entry = { writes, result: take(writes, signal) };
        // A failed snapshot is not kept: a retry of the step tries again.
        void entry.result.then((taken) => {
          if (!taken.ok && latest === entry) latest = undefined;
        });
        latest = entry;
      }
      return latest.result;
    },
  };
}
