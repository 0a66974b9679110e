// CLI view, live mode: what the live area knows about a run, updated by view events. Pure:
// `applyViewEvent` returns the next state and never touches a terminal.

import type { FinishedStatus, StepEndEvent, ViewEvent } from './view-events.js';

export interface RunningStep {
  readonly id: string;
  readonly startedAt: number;
  readonly attempt: number;
  readonly commandLine?: string;
  /** The latest non-blank output line, as received (made drawable when rendered). */
  readonly lastLine?: string;
}

export interface LiveState {
  readonly startedAt: number;
  readonly total: number;
  /** Steps that ended, in the order they ended. */
  readonly finished: readonly StepEndEvent[];
  /** In the order they started. */
  readonly running: readonly RunningStep[];
}

export function initialLiveState(startedAt: number): LiveState {
  return { startedAt, total: 0, finished: [], running: [] };
}

export function applyViewEvent(state: LiveState, event: ViewEvent): LiveState {
  switch (event.type) {
    case 'run-start':
      return { ...state, startedAt: event.time, total: event.stepIds.length };
    case 'step-start': {
      const step: RunningStep = { id: event.stepId, startedAt: event.time, attempt: event.attempt, ...(event.commandLine && { commandLine: event.commandLine }) };
      return { ...state, running: [...state.running.filter((s) => s.id !== event.stepId), step] };
    }
    case 'output-line':
      if (event.text.trim() === '') return state;
      return { ...state, running: state.running.map((s) => (s.id === event.stepId ? { ...s, lastLine: event.text } : s)) };
    case 'step-end':
      return { ...state, running: state.running.filter((s) => s.id !== event.stepId), finished: [...state.finished, event] };
    case 'step-retry':
    case 'warning':
    case 'notice':
      return state;
  }
}

export function countByStatus(state: LiveState): Readonly<Record<FinishedStatus, number>> {
  const counts: Record<FinishedStatus, number> = { succeeded: 0, failed: 0, skipped: 0, cancelled: 0 };
  for (const step of state.finished) counts[step.status] += 1;
  return counts;
}
