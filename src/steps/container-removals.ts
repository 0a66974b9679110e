// Stage 5, execute: removals of finished step containers, off the critical path. The next step
// starts while the last one is being removed; a new container under the same name (a retry)
// waits for its removal, and the run waits for all of them before its cleanup.

import type { Engine } from '../engine/engine.js';
import { removeContainers } from '../engine/run-engine.js';

export interface ContainerRemovals {
  /** Starts removing the container now, without waiting. */
  readonly removeLater: (name: string) => void;
  /** Before a new container takes the name: resolves once an earlier removal of it ended; the name counts as in use again. */
  readonly reuse: (name: string) => Promise<void>;
  /** Resolves once every removal started so far has ended. */
  readonly drain: () => Promise<void>;
  /** Whether a removal of that name succeeded (and no container was made under it since). */
  readonly isRemoved: (name: string) => boolean;
}

export function createContainerRemovals(engine: Engine): ContainerRemovals {
  const pending = new Map<string, Promise<void>>();
  const removed = new Set<string>();
  return {
    removeLater: (name) => {
      removed.delete(name);
      const before = pending.get(name) ?? Promise.resolve();
      // removeContainers never rejects: its result is an ExecResult; a failure leaves the name for cleanup.
      const removal = before
        .then(() => removeContainers({ engine, names: [name] }))
        .then((result) => {
          if (result?.exitCode === 0 && pending.get(name) === removal) removed.add(name);
        });
      pending.set(name, removal);
      void removal.then(() => {
        if (pending.get(name) === removal) pending.delete(name);
      });
    },
    reuse: async (name) => {
      await pending.get(name);
      removed.delete(name);
    },
    drain: async () => {
      while (pending.size > 0) await Promise.all(pending.values());
    },
    isRemoved: (name) => removed.has(name),
  };
}
