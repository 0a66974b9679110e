// Stage 5, execute: what a run that got no chance to clean up (kill -9, a crash, a power cut)
// left behind: the containers, networks and volumes carrying its label, and its scratch folder.
// `taskrun runs prune` removes them for every run whose record says interrupted.

import { rm, stat } from 'node:fs/promises';
import type { Engine } from '../engine/engine.js';
import { RUN_LABEL } from '../engine/names.js';
import { listLabelled } from '../engine/run-engine.js';
import { defaultScratchDir } from './execute-run.js';
import { removeRunResources } from './run-resources.js';

export interface Leftovers {
  readonly containers: readonly string[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
  readonly scratchDir?: string;
}

export async function findLeftovers(input: { engine: Engine; runId: string }): Promise<Leftovers> {
  const label = `${RUN_LABEL}=${input.runId}`;
  const [containers, networks, volumes] = await Promise.all([
    listLabelled({ engine: input.engine, kind: 'container', label }),
    listLabelled({ engine: input.engine, kind: 'network', label }),
    listLabelled({ engine: input.engine, kind: 'volume', label }),
  ]);
  const scratchDir = defaultScratchDir(input.runId);
  const hasScratchDir = await stat(scratchDir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return { containers, networks, volumes, ...(hasScratchDir && { scratchDir }) };
}

export function countLeftovers(leftovers: Leftovers): number {
  return leftovers.containers.length + leftovers.networks.length + leftovers.volumes.length + (leftovers.scratchDir === undefined ? 0 : 1);
}

/** Removes what `findLeftovers` found; returns problems as warnings, never throws. */
export async function removeLeftovers(input: { engine: Engine; runId: string; leftovers: Leftovers }): Promise<string[]> {
  const { leftovers } = input;
  const isOnEngine = leftovers.containers.length + leftovers.networks.length + leftovers.volumes.length > 0;
  const warnings = isOnEngine
    ? await removeRunResources({
        engine: input.engine,
        runId: input.runId,
        created: { networks: [...leftovers.networks] },
        containerNames: leftovers.containers,
        // Also catches what appeared since the listing, a volume among them.
        sweepLabelled: true,
      })
    : [];
  if (leftovers.scratchDir !== undefined) {
    await rm(leftovers.scratchDir, { recursive: true, force: true }).catch((caught: unknown) => void warnings.push(`failed to remove ${leftovers.scratchDir}: ${String(caught)}`));
  }
  return warnings;
}
