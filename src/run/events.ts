// What a run reports as it goes. The scheduler and step handlers emit these;
// sinks (terminal view, pino log, run record) consume them. Nothing here prints.

import type { StepKind } from '../task/types.js';

export type StepStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** An image a step built or pushed, with the registry digest once known. */
export interface ImageRef {
  readonly reference: string;
  readonly digest?: string;
}

export type RunEvent =
  | { readonly type: 'run-start'; readonly runId: string; readonly time: number; readonly stepIds: readonly string[] }
  | { readonly type: 'step-queued'; readonly stepId: string; readonly time: number }
  | { readonly type: 'step-start'; readonly stepId: string; readonly kind: StepKind; readonly time: number; readonly attempt: number; readonly command?: readonly string[] }
  /** A chunk of a step's output as produced, line ends included; secrets are not masked yet (sinks mask). */
  | { readonly type: 'step-output'; readonly stepId: string; readonly stream: 'stdout' | 'stderr'; readonly text: string; readonly time: number }
  | { readonly type: 'step-retry'; readonly stepId: string; readonly attempt: number; readonly delayMs: number; readonly reason: string; readonly time: number }
  | {
      readonly type: 'step-end';
      readonly stepId: string;
      readonly status: Exclude<StepStatus, 'queued' | 'running'>;
      readonly time: number;
      readonly durationMs: number;
      readonly attempts: number;
      readonly exitCode?: number;
      /** Why it failed, in one line (`exited with code 3`, `timed out after 600 s`). */
      readonly error?: string;
      /** The step failed but has `ignoreErrors: true`, so the run went on. */
      readonly ignoredError?: boolean;
    }
  | { readonly type: 'image-built'; readonly stepId: string; readonly image: ImageRef; readonly time: number }
  | { readonly type: 'image-pushed'; readonly stepId: string; readonly image: ImageRef; readonly time: number }
  | { readonly type: 'manifest-pushed'; readonly stepId: string; readonly image: ImageRef; readonly mediaType: string; readonly time: number }
  | { readonly type: 'warning'; readonly stepId?: string; readonly message: string; readonly time: number }
  /** Before the run: what dead runs of the same home had left on the engine was removed (`message` says what). */
  | { readonly type: 'leftovers-removed'; readonly runIds: readonly string[]; readonly message: string; readonly time: number }
  | { readonly type: 'run-end'; readonly runId: string; readonly status: Exclude<RunStatus, 'running' | 'interrupted'>; readonly time: number; readonly durationMs: number; readonly error?: string };

export type RunEventListener = (event: RunEvent) => void;
