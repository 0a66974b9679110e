// Stage 5, execute: one sentence saying why an engine process failed, checked in
// execa's order (cancel, could not start, signal, exit code). Step and setup commands run
// without an execa timeout (the step timeout aborts their signal), so none is checked.

import type { ExecResult } from './process.js';

/** What `docker run`/`podman run` exit codes mean (documented by both engines). */
const RUN_EXIT_MEANINGS: Readonly<Record<number, string>> = {
  125: 'the container engine itself failed',
  126: 'the command in the container cannot be invoked',
  127: 'the command in the container was not found',
  137: 'the container was killed (SIGKILL or out of memory)',
};

// Undefined when the process succeeded.
export function describeFailure(result: ExecResult, options: { command: string; isContainerRun?: boolean }): string | undefined {
  if (result.isCanceled) return `${options.command} was stopped`;
  if (result.spawnError !== undefined) return `could not start ${options.command}: ${result.spawnError}`;
  if (result.signal !== undefined) return `${options.command} was killed by ${result.signal}`;
  if (result.exitCode === undefined || result.exitCode === 0) return result.failed ? `${options.command} failed` : undefined;
  const meaning = options.isContainerRun ? RUN_EXIT_MEANINGS[result.exitCode] : undefined;
  return meaning ? `exited with code ${result.exitCode}: ${meaning}` : `exited with code ${result.exitCode}`;
}
