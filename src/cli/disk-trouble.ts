// CLI: what a run does when TASKRUN_HOME stops taking writes (full disk, read-only remount,
// quota). Before the run starts: an input error (exit 2), nothing runs. During the run:
// - the record cannot be written: the run is stopped like a cancel (containers stopped and
//   removed), ends `failed` with the reason, exit 1; the record keeps what it can, marked incomplete.
// - only the log cannot be written: the run goes on, output still reaches the terminal, and
//   the record notes that the log ends early.

import { error, InputError } from '../diagnostics.js';
import { describeDiskErrorCode, diskErrorHint, diskErrorMessage, isDiskError } from '../record/disk-errors.js';
import { LOG_FILE, resolveRunFolder } from '../record/home.js';
import type { RunEvent } from '../run/events.js';

export interface DiskTrouble {
  /** From here on a failed record write stops the run; before, it is an input error. */
  readonly runStarted: () => void;
  readonly recordFailed: (cause: Error) => void;
  /** The note for the record when the log file failed; the caller passes it to the record writer. */
  readonly logFailed: (cause: Error) => string;
  /** The run-end event, turned `failed` with the reason when the disk stopped the run. */
  readonly adjust: (event: RunEvent) => RunEvent;
  /** The run's outcome, turned `failed` with the reason when the disk stopped the run. */
  readonly adjustOutcome: <T extends { readonly status: string; readonly error?: string }>(outcome: T) => T;
  /** True once a failed record write stopped the run. */
  readonly hasStoppedRun: () => boolean;
  /** For a failed write before the run started: the error to throw (exit 2). */
  readonly beforeRun: (cause: Error) => Error;
}

export function watchDiskTrouble(input: { home: string; runId: string; say: (text: string) => void; stopRun: () => void }): DiskTrouble {
  const folder = resolveRunFolder(input.home, input.runId);
  let isRunning = false;
  let stopReason: string | undefined;
  let hasWarnedAboutLog = false;

  const describe = (cause: Error): string => (isDiskError(cause) ? describeDiskErrorCode(cause.code) : cause.message);
  const reasonFor = (cause: Error, what: string): string => `${what} in ${folder}: ${describe(cause)}`;

  return {
    runStarted: () => {
      isRunning = true;
    },
    recordFailed(cause) {
      if (!isRunning || stopReason !== undefined) return;
      stopReason = reasonFor(cause, 'cannot write the run record');
      const hint = isDiskError(cause) ? `; ${diskErrorHint(cause.code, input.home)}` : '';
      input.say(`taskrun: ${stopReason}: stopping run ${input.runId} and removing its containers${hint}`);
      input.stopRun();
    },
    logFailed(cause) {
      const reason = reasonFor(cause, `cannot write ${LOG_FILE}`);
      if (!hasWarnedAboutLog) {
        hasWarnedAboutLog = true;
        input.say(`taskrun: warning: ${reason}; the run goes on and its output is still shown here, but \`taskrun logs ${input.runId}\` will miss the rest`);
      }
      return `${LOG_FILE} ends early: ${describe(cause)} at ${new Date().toISOString()}`;
    },
    adjust(event) {
      if (event.type !== 'run-end' || stopReason === undefined) return event;
      return { ...event, status: 'failed', error: stopReason };
    },
    adjustOutcome: (outcome) => (stopReason === undefined ? outcome : { ...outcome, status: 'failed', error: stopReason }),
    hasStoppedRun: () => stopReason !== undefined,
    beforeRun: (cause) =>
      isDiskError(cause) ? new InputError([error('home-unwritable', diskErrorMessage(cause, folder), undefined, diskErrorHint(cause.code, input.home))]) : cause,
  };
}
