// Registry stage: the one error type registry operations throw, carrying a hint for the user.

export class RegistryError extends Error {
  /** One line telling the user what to do. */
  readonly hint?: string;
  /** The HTTP status that caused it, when there was a response. */
  readonly status?: number;
  constructor(message: string, options: { hint?: string; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** A usage problem with `docker manifest` arguments or flags (docker exits 125 for flag errors, 1 for argument counts). */
export class ManifestUsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'ManifestUsageError';
    this.exitCode = exitCode;
  }
}
