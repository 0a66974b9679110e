// CLI view: what a run view is told. Run events become view events before any view sees them:
// output chunks are cut into whole, masked lines (docker's repeated legacy-builder banner
// dropped), and every other text a view may print (commands, errors, warnings) is masked, so a
// view can cut any text to the terminal width without cutting a secret in half.

import type { RunEvent, StepStatus } from '../../run/events.js';
import type { RunOutcome } from '../../run/execute-run.js';
import type { StepKind } from '../../task/types.js';

export type FinishedStatus = Exclude<StepStatus, 'queued' | 'running'>;

export type ViewEvent =
  | { readonly type: 'run-start'; readonly time: number; readonly stepIds: readonly string[] }
  | {
      readonly type: 'step-start';
      readonly stepId: string;
      readonly kind: StepKind;
      readonly time: number;
      readonly attempt: number;
      /** The command as a shell would take it, masked; undefined for steps that run in-process. */
      readonly commandLine?: string;
    }
  /** One whole line of a step's output, masked, without its line end. */
  | { readonly type: 'output-line'; readonly stepId: string; readonly stream: 'stdout' | 'stderr'; readonly text: string; readonly time: number }
  | Extract<RunEvent, { type: 'step-retry' }>
  | Extract<RunEvent, { type: 'step-end' }>
  | { readonly type: 'warning'; readonly stepId?: string; readonly message: string; readonly time: number }
  /** taskrun's own word to the user during the run (`SIGINT received: stopping …`), masked. */
  | { readonly type: 'notice'; readonly text: string; readonly time: number };

export type StepEndEvent = Extract<ViewEvent, { type: 'step-end' }>;

/**
 * One way of showing a run (plain lines, the live terminal view, CI groups). It gets every view
 * event in order and, once, the outcome; it writes wherever it was made to write.
 */
export interface RunView {
  readonly onEvent: (event: ViewEvent) => void;
  readonly finish: (outcome: RunOutcome) => void;
}
