// CLI: the parsed flags of `taskrun run`, shared by the command's definition (commands/run.ts)
// and its work (run-task.ts), so neither imports the other.

import type { TaskOptions } from './task-options.js';

/** How the run's progress is shown: `auto` picks `tty` on a terminal, else `plain`. */
export type ProgressMode = 'auto' | 'tty' | 'plain';

export interface RunCommandOptions extends TaskOptions {
  readonly dryRun?: boolean;
  /** `--bind`: the context folder itself at /workspace instead of a copy. */
  readonly bind?: boolean;
  /** `--engine-for PLATFORM=ENDPOINT` items. */
  readonly engineFor: string[];
  readonly engine?: string;
  readonly maxParallel?: number;
  readonly timeout: number;
  readonly logFormat: 'text' | 'json';
  readonly quiet?: boolean;
  readonly output: 'text' | 'json';
  readonly summary?: string;
  readonly progress: ProgressMode;
}
