// Stage 5, execute: what a step handler gets (one attempt of one step) and what it returns.

import type { Engine } from '../engine/engine.js';
import type { RunScope } from '../engine/names.js';
import type { PlatformEngine } from '../engine/platform-engines.js';
import type { RunEventListener } from '../run/events.js';
import type { ListOperator } from '../task/types.js';
import type { ContainerRemovals } from './container-removals.js';

/**
 * What /workspace is: `copy` (default), a per-run engine volume filled from the context folder, so
 * steps never write the user's folder and the engine needs no access to it; `bind`, the live folder.
 */
export type WorkspaceSpec =
  | { readonly mode: 'copy'; readonly contextDir: string; readonly volume: string }
  | { readonly mode: 'bind'; readonly contextDir: string };

export type WorkspaceMode = WorkspaceSpec['mode'];

/** The host folder for builds and host `docker …` steps, or why there is none. */
export type HostWorkspace = { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly error: string };

/** The run's workspace as steps use it while the run goes. */
export interface WorkspaceAccess {
  /** bind: the context folder; copy: a host snapshot of the workspace volume as it is now. */
  readonly hostDir: (signal: AbortSignal) => Promise<HostWorkspace>;
  /** A step that may write into the workspace starts or ends: the next hostDir takes a fresh snapshot. */
  readonly noteWrite: () => void;
}

/** The engine resources a run created before its steps started. */
export interface RunResources extends RunScope {
  readonly engine: Engine;
  readonly workspace: WorkspaceSpec;
  /** The host folder a dry run names as the cwd of builds and host commands. */
  readonly hostWorkspaceDir: string;
  /** The network steps without their own `network` join; undefined → no `--network` flag. */
  readonly defaultNetwork?: string;
  /** Networks on which a step container gets its step id as network alias. */
  readonly aliasNetworks: readonly string[];
  /** Named volume mounted at /acb/home. */
  readonly homeVolume: string;
  /** The run's secret values: they are passed to the engine outside its command line. */
  readonly secretValues: readonly string[];
  /** A per-run host folder for taskrun's own files (secret volumes, digest files); removed at cleanup. */
  readonly scratchDir: string;
  /** Task `volumes` entry → host folder holding its files. */
  readonly volumeDirs: Readonly<Record<string, string>>;
  /** Copy mode: task `volumes` entry → the engine volume its files are copied into (mounted instead of the folder). */
  readonly engineVolumes: Readonly<Record<string, string>>;
  /** `--engine-for`: builds for these platforms run on other engines. */
  readonly platformEngines: readonly PlatformEngine[];
  /** Images (canonical references) a routed build tags → its engine, which then pushes them. */
  readonly routedImages: Readonly<Record<string, PlatformEngine>>;
}

export interface StepContext {
  readonly resources: RunResources;
  readonly workspace: WorkspaceAccess;
  /** 1-based, counted across retries and repeats. */
  readonly attempt: number;
  /** Aborted when the step times out, another step fails or the run is cancelled. */
  readonly signal: AbortSignal;
  readonly emit: RunEventListener;
  /** First attempt of a cmd step: its container, made while earlier steps ran (see prepare-container.ts). */
  readonly prepared?: Promise<Preparation>;
  /** Given: finished containers are removed in the background (the run waits for them at its end). */
  readonly removals?: ContainerRemovals;
}

/** Output a step produced before its turn (a pull ahead), shown when it starts. */
export interface HeldOutput {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export type Preparation =
  /** The container exists (created, on podman initialised); `pulled` when the step's pull happened. */
  | { readonly kind: 'created'; readonly pulled: boolean; readonly output: readonly HeldOutput[] }
  /** Nothing was made: the step runs its container the usual way at its turn. */
  | { readonly kind: 'none' };

export interface StepResult {
  readonly ok: boolean;
  readonly exitCode?: number;
  /** One line saying why the attempt failed. */
  readonly error?: string;
}

/** A command a step runs: an argv on the host (binary first), or an in-process `docker manifest`. */
export interface StepCommand {
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly inProcess?: boolean;
  /** Set when the command goes to another engine than the run's (`--engine-for`). */
  readonly endpoint?: string;
  /** A host command whose stdout feeds this one's stdin (`tar -c … | docker run -i …`). */
  readonly inputFrom?: readonly string[];
  /** Set on every command of a cmd step whose `cmd` is a list: which command of it this belongs to. */
  readonly list?: ListPlace;
}

/** A command's place in a cmd step's list; a builtin's StepCommand has its words as `argv` and runs in taskrun. */
export interface ListPlace {
  /** 1-based; 1 is the step's own command. */
  readonly position: number;
  /** The written operator before it (absent for the first). */
  readonly operator?: ListOperator;
  readonly runner: 'container' | 'host-docker' | 'builtin';
  /** The command as written in `cmd`. */
  readonly text: string;
}
