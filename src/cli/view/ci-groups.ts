// CLI: folds a run's plain output into one collapsible CI group per step. Groups cannot nest or
// interleave, so a step that starts while no other step runs streams its lines inside its group
// as they come; a step that runs alongside others is buffered and its group printed whole when
// it ends (after the streaming group closes, when one is open). A failed step also gets an error
// annotation, outside its group, so the cause shows while the group is folded.

import type { RunView, ViewEvent } from './view-events.js';
import type { CiKind } from '../ci/ci-kind.js';
import { formatAnnotation, groupMarkers, type GroupMarkers } from '../ci/markers.js';

/** Writes text; a step's lines name the step. The plain view's writer has this shape. */
export type StepLineWriter = (text: string, stepId?: string) => void;

export interface CiStepGroups {
  /** What the wrapped view writes through. */
  readonly write: StepLineWriter;
  /** The view with groups opened before and closed after the events it prints. */
  readonly around: (view: RunView) => RunView;
}

interface StepBlock {
  readonly name: string;
  readonly title: string;
  readonly startedAt: number;
  readonly isStreaming: boolean;
  /** A streaming step's group is opened by its first line: a step that prints nothing (`-q`) gets none. */
  isOpen: boolean;
  /** A buffered step's text so far. */
  readonly text: string[];
}

export interface CiStepGroupsOptions {
  readonly kind: CiKind;
  readonly write: (text: string) => void;
  /** Hides secret values in what this module writes itself (a failed step's error). */
  readonly mask: (text: string) => string;
  readonly markers?: GroupMarkers;
}

export function createCiStepGroups(input: CiStepGroupsOptions): CiStepGroups {
  const { kind, write, mask } = input;
  const markers = input.markers ?? groupMarkers(kind);
  const blocks = new Map<string, StepBlock>();
  const running = new Set<string>();
  /** Whole groups (and their annotations) waiting for the streaming group to close. */
  const waiting: string[] = [];
  let streamingStepId: string | undefined;

  const writeOrWait = (text: string) => {
    if (streamingStepId === undefined) write(text);
    else waiting.push(text);
  };

  const open = (stepId: string, title: string, timeMs: number) => {
    const isStreaming = streamingStepId === undefined && running.size === 0;
    const block: StepBlock = { name: `taskrun_${blocks.size + 1}_${stepId}`, title, startedAt: timeMs, isStreaming, isOpen: false, text: [] };
    blocks.set(stepId, block);
    if (isStreaming) streamingStepId = stepId;
  };

  const close = (stepId: string, failure: string | undefined, timeMs: number) => {
    const block = blocks.get(stepId);
    if (!block || !running.has(stepId)) return;
    running.delete(stepId);
    const annotation = failure === undefined ? '' : formatAnnotation(kind, { severity: 'error', title: `taskrun step ${stepId}`, message: mask(failure) });
    if (block.isStreaming) {
      write((block.isOpen ? markers.end(block.name, timeMs) : '') + annotation);
      streamingStepId = undefined;
      for (const text of waiting.splice(0)) write(text);
    } else {
      const group = block.text.length > 0 ? markers.start(block.name, block.title, block.startedAt) + block.text.join('') + markers.end(block.name, timeMs) : '';
      if (group || annotation) writeOrWait(group + annotation);
    }
  };

  const stepWrite: StepLineWriter = (text, stepId) => {
    const block = stepId === undefined ? undefined : blocks.get(stepId);
    if (!block || !running.has(stepId!)) return write(text);
    if (!block.isStreaming) return void block.text.push(text);
    if (!block.isOpen) write(markers.start(block.name, block.title, block.startedAt));
    block.isOpen = true;
    write(text);
  };

  const before = (event: ViewEvent) => {
    if (event.type !== 'step-start' || running.has(event.stepId)) return;
    if (!blocks.has(event.stepId)) open(event.stepId, `step ${event.stepId} (${event.kind})`, event.time);
    running.add(event.stepId);
  };

  const after = (event: ViewEvent) => {
    if (event.type !== 'step-end') return;
    // Steps stopped because another failed are not annotated: the failed one is the cause.
    const isFailure = event.status === 'failed' && !event.ignoredError;
    close(event.stepId, isFailure ? `step ${event.stepId} ${event.status}: ${event.error ?? event.status}` : undefined, event.time);
  };

  // A run stopped mid-step still shows every step's lines.
  const closeAll = () => {
    const now = Date.now();
    for (const stepId of [...running]) if (stepId !== streamingStepId) close(stepId, undefined, now);
    if (streamingStepId !== undefined) close(streamingStepId, undefined, now);
  };

  return {
    write: stepWrite,
    around: (view) => ({
      onEvent: (event) => {
        before(event);
        view.onEvent(event);
        after(event);
      },
      finish: (outcome) => {
        closeAll();
        view.finish(outcome);
      },
    }),
  };
}
