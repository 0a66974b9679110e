// CLI view, plain mode: one line after another, nothing redrawn — for pipes, files and CI logs,
// and as the writer other modes wrap. acb's step lines, each output line (with its `[id]`
// prefix when the run has steps that can run in parallel), and the summary at the end.

import type { RunOutcome } from '../../run/execute-run.js';
import { formatSummary } from './summary-table.js';
import { NO_COLOURS, truncateToWidth, type Palette } from './terminal-text.js';
import type { FinishedStatus, RunView, StepEndEvent, ViewEvent } from './view-events.js';

/** acb's status words (graph/step_status.go). */
const ACB_STATUS: Readonly<Record<FinishedStatus, string>> = {
  succeeded: 'successful',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

export interface PlainViewOptions {
  /** A step's lines name the step, so a CI view can fold them (view/ci-groups.ts). */
  readonly write: (text: string, stepId?: string) => void;
  /** Prefix output lines with `[id]`: the plan has steps that can run at the same time. */
  readonly prefixIds: boolean;
  /** Only step failures and the summary. */
  readonly quiet?: boolean;
  readonly palette?: Palette;
  /** Step header lines are cut to this many columns (the full command is in the record and `--dry-run`). */
  readonly width?: number;
  /** Each step's command as the task file has it (masked): shown in its header instead of the engine's argv. */
  readonly labels?: ReadonlyMap<string, string>;
}

export function formatOutputLine(input: { stepId: string; text: string; isPrefixed: boolean }): string {
  return input.isPrefixed ? `[${input.stepId}] ${input.text}` : input.text;
}

export function formatStepStart(event: Extract<ViewEvent, { type: 'step-start' }>, label?: string): string {
  const shown = label ?? event.commandLine;
  const command = shown ? `: ${shown}` : '';
  const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
  return `Executing step ID: ${event.stepId}${attempt}${command}`;
}

export function formatStepEnd(event: StepEndEvent): string[] {
  const lines: string[] = [];
  if (event.ignoredError) lines.push(`Step ID: ${event.stepId} encountered an error: ${event.error ?? 'failed'}, but is set to ignore errors. Continuing...`);
  else if (event.status === 'failed' || event.status === 'cancelled') lines.push(`Step ID: ${event.stepId}: ${event.error ?? event.status}`);
  // acb marks a step whose error is ignored as successful (acb-spec §5.3).
  const status = event.ignoredError ? ACB_STATUS.succeeded : ACB_STATUS[event.status];
  lines.push(`Step ID: ${event.stepId} marked as ${status} (elapsed time in seconds: ${(event.durationMs / 1000).toFixed(3)})`);
  return lines;
}

export function formatRetry(event: Extract<ViewEvent, { type: 'step-retry' }>): string {
  return `Step ID: ${event.stepId} failed (${event.reason}); retrying in ${event.delayMs / 1000} s (attempt ${event.attempt})`;
}

export function formatWarning(event: Extract<ViewEvent, { type: 'warning' }>): string {
  return `warning: ${event.stepId ? `step ${event.stepId}: ` : ''}${event.message}`;
}

export function statusColour(palette: Palette, event: StepEndEvent): (text: string) => string {
  if (event.ignoredError) return palette.yellow;
  return { succeeded: palette.green, failed: palette.red, skipped: palette.dim, cancelled: palette.yellow }[event.status];
}

export function createPlainView(options: PlainViewOptions): RunView {
  const palette = options.palette ?? NO_COLOURS;
  const writeLine = (line: string, stepId?: string) => options.write(`${line}\n`, stepId);
  const isVerbose = options.quiet !== true;
  return {
    onEvent(event) {
      switch (event.type) {
        case 'step-start': {
          if (!isVerbose) return;
          const header = formatStepStart(event, options.labels?.get(event.stepId));
          writeLine(palette.bold(options.width === undefined ? header : truncateToWidth(header, options.width)), event.stepId);
          return;
        }
        case 'output-line':
          if (isVerbose) writeLine(formatOutputLine({ stepId: palette.cyan(event.stepId), text: event.text, isPrefixed: options.prefixIds }), event.stepId);
          return;
        case 'step-retry':
          if (isVerbose) writeLine(palette.yellow(formatRetry(event)), event.stepId);
          return;
        case 'step-end': {
          const isProblem = event.status === 'failed' || event.status === 'cancelled';
          if (event.status === 'skipped' || !(isVerbose || isProblem)) return;
          for (const line of formatStepEnd(event)) writeLine(statusColour(palette, event)(line), event.stepId);
          return;
        }
        case 'warning':
          if (isVerbose) writeLine(palette.yellow(formatWarning(event)), event.stepId);
          return;
        case 'notice':
          writeLine(palette.yellow(event.text));
          return;
        case 'run-start':
          return;
      }
    },
    finish(outcome: RunOutcome) {
      options.write(`\n${formatSummary(outcome)}\n`);
    },
  };
}
