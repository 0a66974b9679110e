// Stage 5, execute: removals of finished step containers, off the critical path. The next step
// starts while the last one is being removed; a new container under the same name (a retry)
// waits for its removal, and the run waits for all of them before its cleanup.

import type { Engine } from '../engine/engine.js';
import { removeContainers } from '../engine/run-engine.js';

export interface ContainerRemovals {
  /** Starts removing the container now, without waiting. */
  readonly removeLater: (name: string) => void;
  /** Resolves once a removal of that name started earlier has ended (at once when there is none). */
  readonly settled: (name: string) => Promise<void>;
  /** Resolves once every removal started so far has ended. */
  readonly drain: () => Promise<void>;
}

export function createContainerRemovals(engine: Engine): ContainerRemovals {
  const pending = new Map<string, Promise<void>>();
  return {
    removeLater: (name) => {
      const before = pending.get(name) ?? Promise.resolve();
      // removeContainers never rejects: its result is an ExecResult; a failure leaves the name for cleanup.
      const removal = before.then(() => removeContainers({ engine, names: [name] })).then(() => undefined);
      pending.set(name, removal);
      void removal.then(() => {
        if (pending.get(name) === removal) pending.delete(name);
      });
    },
    settled: (name) => pending.get(name) ?? Promise.resolve(),
    drain: async () => {
      while (pending.size > 0) await Promise.all(pending.values());
    },
  };
}
