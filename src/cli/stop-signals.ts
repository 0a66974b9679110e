// CLI: Ctrl-C, SIGTERM and SIGHUP (a closed terminal) during a run. The first one stops the run
// gracefully (the executor removes containers, network and volume); a second one forces an immediate exit.

import { EXIT_CANCELLED } from './exit-codes.js';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

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
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return {
    dispose: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, handler);
    },
  };
}
