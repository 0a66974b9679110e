// CLI: Ctrl-C and SIGTERM during a run. The first one stops the run gracefully (the executor
// removes containers, network and volume); a second one forces an immediate exit.

import { EXIT_CANCELLED } from './exit-codes.js';

export function handleStopSignals(input: { onFirst: (signal: NodeJS.Signals) => void }): { dispose: () => void } {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (received === 1) {
      input.onFirst(signal);
      return;
    }
    process.stderr.write(`taskrun: ${signal} again: exiting now; containers of this run may be left behind\n`);
    process.exit(EXIT_CANCELLED);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
