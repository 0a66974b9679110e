// Stage 5, execute: what a step handler gets (one attempt of one step) and what it returns.

import type { Engine } from '../engine/engine.js';
import type { RunEventListener } from '../run/events.js';

/** The engine resources a run created before its steps started. */
export interface RunResources {
  readonly runId: string;
  readonly engine: Engine;
  /** Absolute host folder bind-mounted at /workspace and used as the cwd of host commands. */
  readonly contextDir: string;
  /** The network steps without their own `network` join; undefined → no `--network` flag. */
  readonly defaultNetwork?: string;
  /** Networks on which a step container gets its step id as network alias. */
  readonly aliasNetworks: readonly string[];
  /** Named volume mounted at /acb/home. */
  readonly homeVolume: string;
  /** A per-run host folder for taskrun's own files (secret volumes, digest files); removed at cleanup. */
  readonly scratchDir: string;
  /** Task `volumes` entry → host folder holding its files. */
  readonly volumeDirs: Readonly<Record<string, string>>;
}

export interface StepContext {
  readonly resources: RunResources;
  /** 1-based, counted across retries and repeats. */
  readonly attempt: number;
  /** Aborted when the step times out, another step fails or the run is cancelled. */
  readonly signal: AbortSignal;
  readonly emit: RunEventListener;
}

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
}
