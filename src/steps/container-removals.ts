// Stage 5, execute: removals of finished step containers, off the critical path. The next step
// starts while earlier ones are being removed, a few at a time (where they go through the CLI,
// one engine command per batch: each engine client costs CPU the running steps could use); a new
// container under the same name (a retry) waits for its removal, and the run waits for all of
// them before its cleanup.

import type { Engine } from '../engine/engine.js';
import { removeContainers } from '../engine/run-engine.js';

/** Finished containers removed by one engine command. */
export const REMOVAL_BATCH = 4;

export interface ContainerRemovals {
  /** The container is done with: it is removed with the next batch. */
  readonly removeLater: (name: string) => void;
  /** Before a new container takes the name: resolves once the old one is removed; the name counts as in use again. */
  readonly reuse: (name: string) => Promise<void>;
  /** Removes what waits for a batch; resolves once every removal has ended. */
  readonly drain: () => Promise<void>;
  /** Whether a removal of that name succeeded (and no container was made under it since). */
  readonly isRemoved: (name: string) => boolean;
}

export function createContainerRemovals(engine: Engine, batch = REMOVAL_BATCH): ContainerRemovals {
  const queued: string[] = [];
  const pending = new Map<string, Promise<void>>();
  const removed = new Set<string>();
  // One removal command at a time, in order: a name queued again after its removal started is removed after it.
  let last: Promise<void> = Promise.resolve();

  const flush = () => {
    if (queued.length === 0) return;
    const names = queued.splice(0);
    // removeContainers never rejects; a failure leaves the names to the run's cleanup.
    const removal = last
      .then(() => removeContainers({ engine, names }))
      .then((allRemoved) => {
        for (const name of names) {
          if (pending.get(name) !== removal) continue;
          pending.delete(name);
          if (allRemoved) removed.add(name);
        }
      });
    last = removal;
    for (const name of names) pending.set(name, removal);
  };

  return {
    removeLater: (name) => {
      removed.delete(name);
      queued.push(name);
      if (queued.length >= batch) flush();
    },
    reuse: async (name) => {
      if (queued.includes(name)) flush();
      await pending.get(name);
      removed.delete(name);
    },
    drain: async () => {
      flush();
      await last;
    },
    isRemoved: (name) => removed.has(name),
  };
}
