// Stage 5, execute: which steps get their container made ahead, and when. The plan knows what
// comes next: steps are prepared in plan order, a few ahead of the ones running, as soon as every
// step they wait for either ended or leaves images alone (no build, push or host `docker …`)
// and, if it has not started yet, waits only on such steps itself. A container made ahead then
// holds the image it would get at its turn. Preparations run a couple at a time, so they do not
// crowd out the steps that are running. Steps still start only when their dependencies are done
// (schedule-steps.ts). A step whose turn comes before its preparation began (parallel steps at the
// run's start) is prepared at once where `prepareAtTurn` says a container made ahead costs less
// than the CLI's `run` (podman's service); otherwise it runs its container itself.

import type { Plan } from '../plan/plan.js';
import type { Preparation } from '../steps/context.js';
import type { Step } from '../task/types.js';

/** At most this many steps wait made ahead (or queued to be) at once; beyond, steps make theirs at their turn. */
export const PREPARE_AHEAD_LIMIT = 4;
/** Preparations under way at once. */
export const PREPARE_LANES = 2;

export interface PrepareAhead {
  /** The step starts now: hands over its own preparation, if one began, and prepares further steps. */
  readonly started: (stepId: string) => Promise<Preparation> | undefined;
  /** The step ended (whatever its status). */
  readonly finished: (stepId: string) => void;
  /** Every step a preparation began for: their containers may exist even when the step never ran. */
  readonly preparedStepIds: () => readonly string[];
  /** Resolves once every preparation that began has ended; queued ones never begin. */
  readonly settle: () => Promise<void>;
}

interface Queued {
  readonly step: Step;
  readonly resolve: (preparation: Preparation | undefined) => void;
}

export function createPrepareAhead(input: {
  plan: Plan;
  /** Whether the step has anything to prepare. */
  canPrepare: (step: Step) => boolean;
  /** The step's preparation; undefined when it has none after all. Never rejects. */
  prepare: (step: Step) => Promise<Preparation> | undefined;
  /** Whether a step whose turn came before its preparation began is prepared at its turn. */
  prepareAtTurn: () => boolean;
  /** Whether a step's end leaves images as they were. */
  keepsImages: (step: Step) => boolean;
}): PrepareAhead {
  const nodes = new Map(input.plan.nodes.map((node) => [node.step.id, node]));
  const started = new Set<string>();
  const finished = new Set<string>();
  /** Requested and not started: queued or under way. */
  const waiting = new Map<string, Promise<Preparation | undefined>>();
  const queue: Queued[] = [];
  const begun: Promise<unknown>[] = [];
  const preparedIds = new Set<string>();
  let underWay = 0;
  let stopped = false;

  const launch = (next: Queued) => {
    const preparation = input.prepare(next.step);
    if (preparation === undefined) {
      next.resolve(undefined);
      return;
    }
    underWay += 1;
    preparedIds.add(next.step.id);
    begun.push(preparation);
    void preparation.then((prepared) => {
      underWay -= 1;
      next.resolve(prepared);
      begin();
    });
  };

  const begin = () => {
    while (underWay < PREPARE_LANES && queue.length > 0) launch(queue.shift()!);
  };

  // Whether steps after this one may be prepared now: it ended, or it leaves images alone and
  // (not started yet) waits only on such steps.
  const clearFor = new Map<string, boolean>();
  const isClear = (id: string): boolean => {
    const known = clearFor.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    const clear =
      node !== undefined &&
      (finished.has(id) || (input.keepsImages(node.step) && (started.has(id) || node.dependsOn.every((dep) => isClear(dep)))));
    clearFor.set(id, clear);
    return clear;
  };

  const fill = () => {
    if (stopped) return;
    clearFor.clear();
    for (const node of input.plan.nodes) {
      if (waiting.size >= PREPARE_AHEAD_LIMIT) break;
      const id = node.step.id;
      if (started.has(id) || waiting.has(id) || preparedIds.has(id) || !input.canPrepare(node.step)) continue;
      if (!node.dependsOn.every((dep) => isClear(dep))) continue;
      waiting.set(id, new Promise((resolve) => queue.push({ step: node.step, resolve })));
    }
    begin();
  };

  fill();

  return {
    started: (id) => {
      started.add(id);
      let own = waiting.get(id);
      waiting.delete(id);
      const at = queue.findIndex((queued) => queued.step.id === id);
      const queued = at >= 0 ? queue.splice(at, 1)[0] : undefined;
      const step = nodes.get(id)?.step;
      const atTurn = !stopped && step !== undefined && input.prepareAtTurn() && input.canPrepare(step);
      if (queued) {
        // Still queued: it begins now, beside the lanes, or never (the step makes its container itself).
        if (atTurn) launch(queued);
        else {
          queued.resolve(undefined);
          own = undefined;
        }
      } else if (own === undefined && atTurn && !preparedIds.has(id)) {
        own = new Promise((resolve) => launch({ step, resolve }));
      }
      fill();
      return own?.then((preparation) => preparation ?? { kind: 'none' });
    },
    finished: (id) => {
      finished.add(id);
      fill();
    },
    preparedStepIds: () => [...preparedIds],
    settle: async () => {
      stopped = true;
      for (const queued of queue.splice(0)) queued.resolve(undefined);
      await Promise.all(begun);
    },
  };
}
