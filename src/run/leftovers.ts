// Stage 5, execute: what a run that got no chance to clean up (kill -9, a crash, a power cut)
// left behind: the containers, networks and volumes carrying its labels, and its scratch folder.
// `taskrun runs prune` removes them for every run whose record says interrupted, and every
// `taskrun run` first removes what the dead runs of its home left (one listing per kind).

import { rm, stat } from 'node:fs/promises';
import type { Engine } from '../engine/engine.js';
import { homeLabelFilter, RUN_LABEL, runLabelFilters, type RunScope } from '../engine/names.js';
import { listLabelled, listLabelledObjects, type LabelledKind } from '../engine/run-engine.js';
import { defaultScratchDir } from './execute-run.js';
import { removeRunResources } from './run-resources.js';

export interface EngineLeftovers {
  readonly containers: readonly string[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
}

export interface Leftovers extends EngineLeftovers {
  readonly scratchDir?: string;
}

export async function findLeftovers(input: { engine: Engine; scope: RunScope }): Promise<Leftovers> {
  const labels = runLabelFilters(input.scope);
  const [containers, networks, volumes] = await Promise.all([
    listLabelled({ engine: input.engine, kind: 'container', labels }),
    listLabelled({ engine: input.engine, kind: 'network', labels }),
    listLabelled({ engine: input.engine, kind: 'volume', labels }),
  ]);
  const scratchDir = await existingScratchDir(input.scope);
  return { containers, networks, volumes, ...(scratchDir !== undefined && { scratchDir }) };
}

/** The run's scratch folder when it is still there. */
export async function existingScratchDir(scope: RunScope): Promise<string | undefined> {
  const scratchDir = defaultScratchDir(scope);
  const isThere = await stat(scratchDir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return isThere ? scratchDir : undefined;
}

/**
 * Everything on the engine carrying the home's label, by run id: one listing per kind, run
 * together. Undefined when the engine did not answer one of them.
 */
export async function findHomeLeftovers(input: { engine: Engine; homeKey: string; signal?: AbortSignal }): Promise<Map<string, EngineLeftovers> | undefined> {
  const list = (kind: LabelledKind) =>
    listLabelledObjects({ engine: input.engine, kind, labels: [homeLabelFilter(input.homeKey)], alsoRead: [RUN_LABEL], ...(input.signal && { signal: input.signal }) });
  const listings = await Promise.all([list('container'), list('network'), list('volume')]);
  if (listings.some((listing) => listing === undefined)) return undefined;
  const byRun = new Map<string, { containers: string[]; networks: string[]; volumes: string[] }>();
  for (const object of listings.flatMap((listing) => listing ?? [])) {
    const runId = object.labels[RUN_LABEL];
    // Not from a run of ours (someone copied the label): never touched.
    if (runId === undefined || runId === '') continue;
    const found = byRun.get(runId) ?? { containers: [], networks: [], volumes: [] };
    found[`${object.kind}s`].push(object.name);
    byRun.set(runId, found);
  }
  return byRun;
}

export function countLeftovers(leftovers: Leftovers): number {
  return leftovers.containers.length + leftovers.networks.length + leftovers.volumes.length + (leftovers.scratchDir === undefined ? 0 : 1);
}

/** Removes what `findLeftovers` found; returns problems as warnings, never throws. */
export async function removeLeftovers(input: { engine: Engine; scope: RunScope; leftovers: Leftovers; sweepLabelled?: boolean }): Promise<string[]> {
  const { leftovers } = input;
  const isOnEngine = leftovers.containers.length + leftovers.networks.length + leftovers.volumes.length > 0;
  const warnings = isOnEngine
    ? await removeRunResources({
        engine: input.engine,
        scope: input.scope,
        created: { networks: [...leftovers.networks], taskVolumes: [...leftovers.volumes] },
        containerNames: leftovers.containers,
        // By default also catches what appeared since the listing.
        sweepLabelled: input.sweepLabelled ?? true,
      })
    : [];
  if (leftovers.scratchDir !== undefined) {
    await rm(leftovers.scratchDir, { recursive: true, force: true }).catch((caught: unknown) => void warnings.push(`failed to remove ${leftovers.scratchDir}: ${String(caught)}`));
  }
  return warnings;
}
