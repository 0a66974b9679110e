// Stage 5, execute: one sentence saying why an engine process failed, checked in
// execa's order (cancel, could not start, signal, exit code). Step and setup commands run
// without an execa timeout (the step timeout aborts their signal), so none is checked.
// Where the engine itself failed, its own reason (a registry's 500, a missing image) is
// taken from the last lines it printed.

import type { ExecResult } from './process.js';

/** What `docker run`/`podman run` exit codes mean (documented by both engines). */
const RUN_EXIT_MEANINGS: Readonly<Record<number, string>> = {
  125: 'the container engine itself failed',
  126: 'the command in the container cannot be invoked',
  127: 'the command in the container was not found',
  137: 'the container was killed (SIGKILL or out of memory)',
};

/**
 * Exit codes of `run` that may come from the engine rather than the command in the container,
 * and how many of the last output lines may hold its reason: 126 and 127 are also what a shell
 * in the container exits with, so only the engine's closing lines count there.
 */
const ENGINE_RUN_EXITS: ReadonlyMap<number, number> = new Map([
  [125, Number.POSITIVE_INFINITY],
  [126, 2],
  [127, 2],
]);

/** A reason longer than this is cut: it ends up in one-line messages and the run record. */
const MAX_REASON_LENGTH = 400;

// Undefined when the process succeeded.
export function describeFailure(result: ExecResult, options: { command: string; isContainerRun?: boolean }): string | undefined {
  if (result.isCanceled) return `${options.command} was stopped`;
  if (result.spawnError !== undefined) return `could not start ${options.command}: ${result.spawnError}`;
  if (result.signal !== undefined) return `${options.command} was killed by ${result.signal}`;
  if (result.exitCode === undefined || result.exitCode === 0) return result.failed ? `${options.command} failed` : undefined;
  const meaning = options.isContainerRun ? RUN_EXIT_MEANINGS[result.exitCode] : undefined;
  const base = meaning ? `exited with code ${result.exitCode}: ${meaning}` : `exited with code ${result.exitCode}`;
  // A container's own exit code is its program's business; any other engine command speaks for the engine.
  const searched = options.isContainerRun ? ENGINE_RUN_EXITS.get(result.exitCode) : Number.POSITIVE_INFINITY;
  const reason = searched !== undefined ? findEngineReason(result.outputTail, searched) : undefined;
  return reason ? `${base}: ${reason}` : base;
}

// docker: `docker: Error response from daemon: …`, `Error response from daemon: …`, BuildKit's
// `ERROR: failed to solve: …`, `error during connect: …`; podman: `Error: …`.
const ERROR_LINE = /^(?:(?:docker|podman)(?:\.exe)?: )?(?:Error response from daemon: |Error: |ERROR: |error: |error during connect: )(.+)$/;
// Lines that are a reason on their own: docker's legacy builder on a failed RUN; `docker push`
// ends with the registry's answer, unprefixed.
const BARE_REASON_LINE = /^(?:The command '.*' returned a non-zero code: \d+|received unexpected HTTP status: .+|(?:denied|unauthorized|name unknown|manifest unknown): .+)$/;

/** The engine's own error line among its last `searched` non-blank output lines (the last one wins), without its `Error:` prefix. */
export function findEngineReason(outputTail: string, searched = Number.POSITIVE_INFINITY): string | undefined {
  const all = outputTail.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const lines = searched < all.length ? all.slice(all.length - searched) : all;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index] ?? '';
    const matched = ERROR_LINE.exec(line);
    const reason = matched?.[1] ?? (BARE_REASON_LINE.test(line) ? line : undefined);
    if (reason !== undefined && reason.trim() !== '') return cut(reason.trim().replace(/\.$/, ''));
  }
  return undefined;
}

function cut(text: string): string {
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}
