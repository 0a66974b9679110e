// Template stage: the value a lookup of a key that is not there yields (`missingkey=zero`), shared
// by the evaluator, which produces it, and the messages about it (`missing.ts`).

/**
 * Where a missing value's lookup first failed: the key and the map that lacked it, named by
 * what the map is (`root` for `$`, `Run`, `Build`, `Values` and anything under it, `Secrets`).
 */
export interface MissingKey {
  readonly name: string;
  readonly scope: 'root' | 'Run' | 'Build' | 'Values' | 'Secrets' | 'other';
  /** The keys the map has. */
  readonly keys: readonly string[];
}

/** A key that is not there; renders empty with a warning where it is printed. */
export class MissingValue {
  readonly expression: string;
  readonly key: MissingKey | undefined;
  constructor(expression: string, key?: MissingKey) {
    this.expression = expression;
    this.key = key;
  }
}
