// CLI: what every `taskrun run` does first: remove what runs of the same home that died without
// cleaning up (kill -9, a crash, a power cut) left on the engine. One labelled listing per kind
// (containers, networks, volumes carrying this home's label), grouped by run; a run whose record
// says it is still going is never touched. Runs beside task preparation; never fails the run.

import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { describeEndpoint } from '../engine/endpoint.js';
import type { Engine } from '../engine/engine.js';
import { runNamePrefix } from '../engine/names.js';
import { RECORD_HEARTBEAT_MS, readRecord, type RunRecord } from '../record/record.js';
import { countLeftovers, existingScratchDir, findHomeLeftovers, removeLeftovers, type Leftovers } from '../run/leftovers.js';
import { removeBuildLeftovers, type BuildWindow } from '../steps/build-cleanup.js';
import { countedIfAny, plural } from './plural.js';

/** What one dead run left, and the builds it was in when it died. */
interface DeadRun {
  readonly runId: string;
  readonly leftovers: Leftovers;
  readonly buildWindows: readonly BuildWindow[];
}

export interface HomeCleanup {
  /** The dead runs whose leftovers were removed (in a dry run: would be). */
  readonly runIds: readonly string[];
  readonly containers: number;
  readonly networks: number;
  readonly volumes: number;
  readonly scratchDirs: number;
  /** Buildah working containers and the dangling layers of builds the dead runs were in. */
  readonly buildLeftovers: number;
  readonly warnings: readonly string[];
}

const NOTHING: HomeCleanup = { runIds: [], containers: 0, networks: 0, volumes: 0, scratchDirs: 0, buildLeftovers: 0, warnings: [] };

/** Never throws: a failure is a warning in the result. */
export async function healHome(input: { engine: Engine; home: string; homeKey: string; isDryRun?: boolean; signal?: AbortSignal }): Promise<HomeCleanup> {
  try {
    return await heal(input);
  } catch (caught) {
    return { ...NOTHING, warnings: [`could not clean up after interrupted runs: ${(caught as Error).message}`] };
  }
}

async function heal(input: { engine: Engine; home: string; homeKey: string; isDryRun?: boolean; signal?: AbortSignal }): Promise<HomeCleanup> {
  const { engine, home, homeKey } = input;
  const [onEngine, scratchRunIds] = await Promise.all([
    findHomeLeftovers({ engine, homeKey, ...(input.signal && { signal: input.signal }) }),
    scratchDirRunIds(homeKey),
  ]);
  const warnings = onEngine === undefined ? [`could not list what interrupted runs left on ${engine.name}`] : [];
  const candidates = [...new Set([...(onEngine?.keys() ?? []), ...scratchRunIds])];
  if (candidates.length === 0) return { ...NOTHING, warnings };
  const endpoint = describeEndpoint(engine);
  const dead: DeadRun[] = [];
  for (const runId of candidates) {
    const record = await readRecord(home, runId).catch(() => undefined);
    if (record?.status === 'running') continue;
    const engineLeftovers = onEngine?.get(runId) ?? { containers: [], networks: [], volumes: [] };
    // Scratch folders are named with a short piece of the home key only: one with no record here
    // may belong to another home.
    const scratchDir = record === undefined ? undefined : await existingScratchDir({ runId, homeKey });
    const buildWindows = record?.status === 'interrupted' && record.engine === engine.name && record.setting?.endpoint === endpoint ? buildsAtDeath(record) : [];
    const leftovers: Leftovers = { ...engineLeftovers, ...(scratchDir !== undefined && { scratchDir }) };
    if (countLeftovers(leftovers) === 0 && buildWindows.length === 0) continue;
    dead.push({ runId, leftovers, buildWindows });
  }
  let buildLeftovers = 0;
  if (!input.isDryRun) {
    for (const run of dead) {
      const problems = await removeLeftovers({ engine, scope: { runId: run.runId, homeKey }, leftovers: run.leftovers, sweepLabelled: false });
      // Another run of this home starting now may have removed them first.
      warnings.push(...problems.filter((problem) => !/no such|not found|no volume with name|unable to find/i.test(problem)));
      for (const window of run.buildWindows) buildLeftovers += (await removeBuildLeftovers(engine, window)).length;
    }
  }
  return {
    runIds: dead.map((run) => run.runId),
    containers: sum(dead, (run) => run.leftovers.containers.length),
    networks: sum(dead, (run) => run.leftovers.networks.length),
    volumes: sum(dead, (run) => run.leftovers.volumes.length),
    scratchDirs: sum(dead, (run) => (run.leftovers.scratchDir === undefined ? 0 : 1)),
    buildLeftovers,
    warnings,
  };
}

/** Run ids of the scratch folders (`<tmp>/taskrun-<home6>-<runId>`) with this home's prefix: a run killed in a build-only task leaves nothing labelled. */
async function scratchDirRunIds(homeKey: string): Promise<string[]> {
  const prefix = runNamePrefix({ runId: '', homeKey });
  const names = await readdir(os.tmpdir()).catch(() => [] as string[]);
  return names.filter((name) => name.startsWith(prefix) && name.length > prefix.length).map((name) => name.slice(prefix.length));
}

/** The build steps still running when the run died: from their start to the last time the record was written, plus a heartbeat. */
function buildsAtDeath(record: RunRecord): BuildWindow[] {
  const untilMs = Date.parse(record.updatedAt) + 2 * RECORD_HEARTBEAT_MS;
  return record.steps
    .filter((step) => step.kind === 'build' && step.status === 'running' && step.startedAt !== undefined)
    .map((step) => ({ sinceMs: Date.parse(step.startedAt ?? ''), untilMs }))
    .filter((window) => Number.isFinite(window.sinceMs) && Number.isFinite(window.untilMs));
}

const sum = <T>(items: readonly T[], count: (item: T) => number) => items.reduce((total, item) => total + count(item), 0);

/** One line for the log (stderr shows it after `taskrun: `); undefined when nothing was found. */
export function describeHomeCleanup(cleanup: HomeCleanup, options: { isDryRun?: boolean } = {}): string | undefined {
  if (cleanup.runIds.length === 0) return undefined;
  const what = [
    ...countedIfAny(cleanup.containers, 'container'),
    ...countedIfAny(cleanup.networks, 'network'),
    ...countedIfAny(cleanup.volumes, 'volume'),
    ...countedIfAny(cleanup.buildLeftovers, 'build leftover'),
    ...countedIfAny(cleanup.scratchDirs, 'scratch folder'),
  ];
  const runs = `${plural(cleanup.runIds.length, 'interrupted run')} (${cleanup.runIds.join(', ')})`;
  const verb = options.isDryRun ? 'would remove' : 'removed';
  return `${verb} what ${runs} left: ${what.length > 0 ? what.join(', ') : 'nothing more'}`;
}
