// CLI: turns run events into terminal text: live step output (prefixed with the step
// id while steps run in parallel), acb-style step lines, and a summary at the end.

import { quote } from 'shell-quote';
import type { RunEvent, StepStatus } from '../run/events.js';
import type { RunOutcome } from '../run/execute-run.js';

type StepEnd = Extract<RunEvent, { type: 'step-end' }>;

/** acb's status words (graph/step_status.go). */
const ACB_STATUS: Readonly<Record<StepEnd['status'], string>> = {
  succeeded: 'successful',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

export function formatCommand(argv: readonly string[]): string {
  return quote([...argv]);
}

export function formatOutputLine(input: { stepId: string; text: string; isPrefixed: boolean }): string {
  return input.isPrefixed ? `[${input.stepId}] ${input.text}` : input.text;
}

export function formatStepStart(event: Extract<RunEvent, { type: 'step-start' }>): string {
  const command = event.command && event.command.length > 0 ? `: ${formatCommand(event.command)}` : '';
  const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
  return `Executing step ID: ${event.stepId}${attempt}${command}`;
}

export function formatStepEnd(event: StepEnd): string[] {
  const lines: string[] = [];
  if (event.ignoredError) lines.push(`Step ID: ${event.stepId} encountered an error: ${event.error ?? 'failed'}, but is set to ignore errors. Continuing...`);
  else if (event.status === 'failed' || event.status === 'cancelled') lines.push(`Step ID: ${event.stepId}: ${event.error ?? event.status}`);
  lines.push(`Step ID: ${event.stepId} marked as ${ACB_STATUS[event.status]} (elapsed time in seconds: ${(event.durationMs / 1000).toFixed(3)})`);
  return lines;
}

function formatSeconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}

function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

export function formatSummary(outcome: RunOutcome): string {
  const statusOf = (status: StepStatus, ignored?: boolean) => (ignored ? `${status} (ignored)` : status);
  const lines = formatTable([
    ['STEP', 'STATUS', 'DURATION', 'ATTEMPTS', 'EXIT'],
    ...outcome.steps.map((step) => [
      step.id,
      statusOf(step.status, step.ignoredError),
      step.status === 'skipped' ? '-' : formatSeconds(step.durationMs),
      String(step.attempts),
      step.exitCode === undefined ? '-' : String(step.exitCode),
    ]),
  ]);
  if (outcome.imagesBuilt.length > 0) {
    lines.push('', 'Images built:');
    for (const image of outcome.imagesBuilt) lines.push(`  ${image.reference}`);
  }
  if (outcome.imagesPushed.length > 0) {
    lines.push('', 'Images pushed:');
    for (const image of outcome.imagesPushed) lines.push(`  ${image.reference}${image.digest ? `@${image.digest}` : ''}`);
  }
  if (outcome.manifestsPushed.length > 0) {
    lines.push('', 'Manifest lists pushed:');
    for (const image of outcome.manifestsPushed) lines.push(`  ${image.reference}${image.digest ? `@${image.digest}` : ''}`);
  }
  lines.push('', `Run ${outcome.status} in ${formatSeconds(outcome.durationMs)}${outcome.error ? `: ${outcome.error}` : ''}`);
  return lines.join('\n');
}

// The lead's CLI passes `onEvent` to executeRun and calls `finish` with the outcome.
export function createRunReporter(input: { write: (text: string) => void }): { onEvent: (event: RunEvent) => void; finish: (outcome: RunOutcome) => void } {
  const running = new Set<string>();
  const writeLine = (line: string) => input.write(`${line}\n`);
  const onEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'step-start':
        running.add(event.stepId);
        writeLine(formatStepStart(event));
        return;
      case 'step-output':
        writeLine(formatOutputLine({ stepId: event.stepId, text: event.text, isPrefixed: running.size > 1 }));
        return;
      case 'step-retry':
        writeLine(`Step ID: ${event.stepId} failed (${event.reason}); retrying in ${event.delayMs / 1000} s (attempt ${event.attempt})`);
        return;
      case 'step-end':
        running.delete(event.stepId);
        if (event.status !== 'skipped') formatStepEnd(event).forEach(writeLine);
        return;
      case 'warning':
        writeLine(`warning: ${event.stepId ? `step ${event.stepId}: ` : ''}${event.message}`);
        return;
      default:
        return;
    }
  };
  const finish = (outcome: RunOutcome) => {
    writeLine('');
    writeLine(formatSummary(outcome));
  };
  return { onEvent, finish };
}
