// The process exit codes taskrun documents (README "Exit codes").

export const EXIT_OK = 0;
/** A step failed or timed out, or a registry operation failed. */
export const EXIT_FAILED = 1;
/** Invalid input or usage: nothing ran. */
export const EXIT_USAGE = 2;
/** Cancelled by SIGINT/SIGTERM. */
export const EXIT_CANCELLED = 130;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE | typeof EXIT_CANCELLED;

/** Thrown by a command to end with a code after it has printed what it wanted to. */
export class ExitError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message = '') {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}
