// CLI view: why a run failed, for the modes that do not show every output line (-q, JSON
// output, the live view): each failed step's last lines with its id and exit code, and the
// command that shows the rest. Always written to stderr, after the view has finished.

import type { RunOutcome } from '../../run/execute-run.js';
import type { Palette } from './terminal-text.js';
import type { StepEndEvent, ViewEvent } from './view-events.js';

export const FAILURE_TAIL_LINES = 30;

export interface FailureTails {
  readonly onEvent: (event: ViewEvent) => void;
  /** Steps that failed (their error not ignored), in the order they ended, with their last lines. */
  readonly failures: () => readonly FailedStep[];
}

export interface FailedStep {
  readonly end: StepEndEvent;
  readonly lastLines: readonly string[];
  /** Lines of the attempt before these that were not kept. */
  readonly omitted: number;
}

export function createFailureTails(maxLines = FAILURE_TAIL_LINES): FailureTails {
  const tails = new Map<string, { lines: string[]; count: number }>();
  const failures: FailedStep[] = [];
  return {
    onEvent(event) {
      switch (event.type) {
        case 'step-start':
          // Each attempt's output stands alone: the tail shows the one that failed last.
          tails.set(event.stepId, { lines: [], count: 0 });
          return;
        case 'output-line': {
          const tail = tails.get(event.stepId) ?? { lines: [], count: 0 };
          tails.set(event.stepId, tail);
          tail.lines.push(event.text);
          tail.count += 1;
          if (tail.lines.length > maxLines) tail.lines.shift();
          return;
        }
        case 'step-end': {
          const tail = tails.get(event.stepId);
          tails.delete(event.stepId);
          if (event.status !== 'failed' || event.ignoredError) return;
          failures.push({ end: event, lastLines: tail?.lines ?? [], omitted: tail ? tail.count - tail.lines.length : 0 });
          return;
        }
        default:
          return;
      }
    },
    failures: () => failures,
  };
}

export function formatFailureReport(input: { failures: readonly FailedStep[]; outcome: RunOutcome; palette: Palette }): string[] {
  const { failures, outcome, palette } = input;
  const lines: string[] = [];
  for (const { end, lastLines, omitted } of failures) {
    const exit = end.exitCode !== undefined ? ` with exit code ${end.exitCode}` : '';
    const cause = end.error ? `: ${end.error}` : '';
    lines.push(palette.red(`Step ${end.stepId} failed${exit}${cause}`));
    if (lastLines.length === 0) lines.push(`  (step ${end.stepId} printed nothing)`);
    else {
      lines.push(palette.dim(omitted > 0 ? `  its last ${lastLines.length} lines of output:` : '  its output:'));
      for (const text of lastLines) lines.push(`[${end.stepId}] ${text}`);
    }
  }
  if (failures.length === 0 && outcome.status === 'failed' && outcome.error) lines.push(palette.red(`Run failed: ${outcome.error}`));
  return lines;
}

export function formatRunPointer(runId: string, outcome: RunOutcome): string {
  return outcome.status === 'succeeded' ? `Run ID: ${runId}` : `Run ID: ${runId} — the full output: taskrun logs ${runId}`;
}
