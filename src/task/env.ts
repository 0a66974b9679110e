// Stage 3, normalise: ACR's environment merge (acb-spec §1.6), replicated on purpose,
// including its splitting of the lower-priority (task-level) values on commas.

export interface EnvProblem {
  /** `step`: an item of `dest` without `=`; `task`: a comma-split piece of `src` without `=`. */
  readonly side: 'step' | 'task';
  /** Index of the written item the piece comes from. */
  readonly index: number;
  readonly item: string;
}

export interface MergeEnvResult {
  readonly env: string[];
  readonly problems: EnvProblem[];
}

/**
 * `dest` (a step's env) wins over `src` (the task's env) key by key. As on ACR: an empty `src`
 * leaves `dest` untouched and unchecked; otherwise every `src` item is split on `,`, and items
 * without `=` on either side are problems; `dest` keeps its order and duplicates.
 */
export function mergeEnv({ dest, src }: { dest: readonly string[]; src: readonly string[] }): MergeEnvResult {
  if (src.length === 0) return { env: [...dest], problems: [] };
  const problems: EnvProblem[] = [];
  const keys = new Set<string>();
  dest.forEach((item, index) => {
    if (!item.includes('=')) problems.push({ side: 'step', index, item });
    keys.add(keyOf(item));
  });
  const env = [...dest];
  src.forEach((written, index) => {
    for (const item of written.split(',')) {
      if (!item.includes('=')) {
        problems.push({ side: 'task', index, item });
        continue;
      }
      if (!keys.has(keyOf(item))) env.push(item);
    }
  });
  return { env, problems };
}

function keyOf(item: string): string {
  const equals = item.indexOf('=');
  return equals < 0 ? item : item.slice(0, equals);
}
