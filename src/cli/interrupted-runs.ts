// CLI: the part of `taskrun runs prune` that cleans up after interrupted runs (killed with no
// chance to clean up): their labelled containers, networks and volumes, on the engine each used.

import { createEngine, isEngineName } from '../engine/engine.js';
import type { EngineName } from '../engine/engine.js';
import { readLabEnv } from '../engine/lab-env.js';
import { isEngineAnswering } from '../engine/select-engine.js';
import type { RunRecord } from '../record/record.js';
import { countLeftovers, findLeftovers, removeLeftovers } from '../run/leftovers.js';
import type { Leftovers } from '../run/leftovers.js';
import type { CommandIo } from './command-io.js';
import { countedIfAny } from './plural.js';

export async function cleanUpAfterInterruptedRuns(input: { io: CommandIo; homeKey: string; records: readonly RunRecord[] }): Promise<void> {
  const { io, homeKey } = input;
  const labVars = (await readLabEnv(io.env))?.vars ?? {};
  const answering = new Map<EngineName, boolean>();
  for (const record of input.records) {
    if (!isEngineName(record.engine)) continue;
    const engine = createEngine({ name: record.engine, labVars, processEnv: io.env });
    if (!answering.has(engine.name)) answering.set(engine.name, await isEngineAnswering(engine));
    if (answering.get(engine.name) !== true) {
      io.stderr(`taskrun: warning: interrupted run ${record.id} may have left containers on ${engine.name}, which does not answer; run \`taskrun runs prune\` again once it does\n`);
      continue;
    }
    // Only what carries this home's label: another home's run with the same id is not ours.
    const scope = { runId: record.id, homeKey };
    const leftovers = await findLeftovers({ engine, scope });
    if (countLeftovers(leftovers) === 0) continue;
    const warnings = await removeLeftovers({ engine, scope, leftovers });
    io.stdout(`Cleaned up after interrupted run ${record.id}: ${describeLeftovers(leftovers)}.\n`);
    for (const warning of warnings) io.stderr(`taskrun: warning: ${warning}\n`);
  }
}

function describeLeftovers(leftovers: Leftovers): string {
  return [
    ...countedIfAny(leftovers.containers.length, 'container'),
    ...countedIfAny(leftovers.networks.length, 'network'),
    ...countedIfAny(leftovers.volumes.length, 'volume'),
    ...(leftovers.scratchDir === undefined ? [] : [`its scratch folder ${leftovers.scratchDir}`]),
  ].join(', ');
}
