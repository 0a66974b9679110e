// Template stage: what a template function is, shared by the function table and its families.

/** A failure while executing an action (Go's "error calling X: …"). */
export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError';
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

export interface CallContext {
  readonly name: string;
  /** Reports a warning at the calling action. */
  readonly warn: (code: string, message: string, hint?: string) => void;
}

export interface GoFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Receives a missing value as nil without a `missing-value` warning (tests such as `default`, `eq`). */
  readonly isPresenceTest?: boolean;
  /** Positions of the parameters Go types as `string`: a missing value or nil there fails, as on ACR. */
  readonly stringParams?: readonly number[];
  /**
   * Positions of the parameters Go types as `map[string]interface {}` (`'all'` for a variadic one):
   * a missing field fails there, as on ACR, while a nil from a variable or `( … )` is an empty map.
   */
  readonly mapParams?: readonly number[] | 'all';
  readonly call: (args: readonly unknown[], context: CallContext) => unknown;
}

export type FunctionFamily = Readonly<Record<string, GoFunction>>;
