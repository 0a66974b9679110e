// Stage 5, execute: which steps get their container made ahead, and when. The plan knows what
// comes next: the first steps are prepared at the run's start (their pulls beside the creation
// of networks and volumes), and a step's dependants as soon as every step they wait for has
// started. A dependant is prepared only while the steps it still waits for leave images alone
// (no build, push or host `docker …` among them), so its container holds the image it would get
// at its turn. Steps still start only when their dependencies are done (schedule-steps.ts).

import type { Plan } from '../plan/plan.js';
import type { Preparation } from '../steps/context.js';
import type { Step } from '../task/types.js';

/** At most this many containers wait made ahead at once; beyond, steps make theirs at their turn. */
export const PREPARE_AHEAD_LIMIT = 8;

export interface PrepareAhead {
  /** The step starts now: hands over its own preparation, if it had one, and prepares its dependants that may be. */
  readonly started: (stepId: string) => Promise<Preparation> | undefined;
  /** The step ended (whatever its status). */
  readonly finished: (stepId: string) => void;
  /** Every step a preparation began for: their containers may exist even when the step never ran. */
  readonly preparedStepIds: () => readonly string[];
  /** Resolves once every preparation has ended. */
  readonly settle: () => Promise<void>;
}

export function createPrepareAhead(input: {
  plan: Plan;
  /** Undefined when the step has nothing to prepare. Never rejects. */
  prepare: (step: Step) => Promise<Preparation> | undefined;
  /** Whether a step's end leaves images as they were. */
  keepsImages: (step: Step) => boolean;
}): PrepareAhead {
  const nodes = new Map(input.plan.nodes.map((node) => [node.step.id, node]));
  const started = new Set<string>();
  const finished = new Set<string>();
  const waiting = new Map<string, Promise<Preparation>>();
  const all: Promise<Preparation>[] = [];
  const preparedIds: string[] = [];

  const tryPrepare = (id: string) => {
    const node = nodes.get(id);
    if (!node || started.has(id) || waiting.has(id) || preparedIds.includes(id) || waiting.size >= PREPARE_AHEAD_LIMIT) return;
    const isDue = node.dependsOn.every((dep) => started.has(dep) && (finished.has(dep) || input.keepsImages(nodes.get(dep)!.step)));
    if (!isDue) return;
    const preparation = input.prepare(node.step);
    if (preparation === undefined) return;
    waiting.set(id, preparation);
    all.push(preparation);
    preparedIds.push(id);
  };

  for (const node of input.plan.nodes) if (node.dependsOn.length === 0) tryPrepare(node.step.id);

  return {
    started: (id) => {
      started.add(id);
      const own = waiting.get(id);
      waiting.delete(id);
      for (const dependant of nodes.get(id)?.dependants ?? []) tryPrepare(dependant);
      return own;
    },
    finished: (id) => {
      finished.add(id);
    },
    preparedStepIds: () => preparedIds,
    settle: async () => {
      await Promise.all(all);
    },
  };
}
