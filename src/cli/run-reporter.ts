// CLI: turns run events into terminal text: live step output (prefixed with the step
// id while steps run in parallel), acb-style step lines, and a summary at the end.

import type { RunEvent, StepStatus } from '../run/events.js';
import type { RunOutcome } from '../run/execute-run.js';
import { shellQuote } from '../template/template-data.js';
import { createMasker, type Masker } from '../record/masker.js';
import { createOutputLineSplitter } from '../record/output-lines.js';

type StepEnd = Extract<RunEvent, { type: 'step-end' }>;

/** acb's status words (graph/step_status.go). */
const ACB_STATUS: Readonly<Record<StepEnd['status'], string>> = {
  succeeded: 'successful',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

/** A command line as a POSIX shell would need it typed (words quoted only where needed). */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
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
  // acb marks a step whose error is ignored as successful (acb-spec §5.3).
  const status = event.ignoredError ? ACB_STATUS.succeeded : ACB_STATUS[event.status];
  lines.push(`Step ID: ${event.stepId} marked as ${status} (elapsed time in seconds: ${(event.durationMs / 1000).toFixed(3)})`);
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

export interface RunReporterOptions {
  /** Lines of a step name it, so a CI view can fold them (ci/step-groups.ts). */
  readonly write: (text: string, stepId?: string) => void;
  /** Hides secret values; everything printed goes through it. */
  readonly masker?: Masker;
  /** Only step failures and the summary. */
  readonly quiet?: boolean;
  /** A terminal: colours and a live line per running step with its elapsed time. */
  readonly isTty?: boolean;
  /** Redraw period of the live line. */
  readonly tickMs?: number;
}

export interface RunReporter {
  readonly onEvent: (event: RunEvent) => void;
  readonly finish: (outcome: RunOutcome) => void;
}

const ANSI = { reset: '\x1b[0m', dim: '\x1b[2m', bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m' } as const;
const STATUS_COLOUR: Readonly<Record<StepEnd['status'], string>> = { succeeded: ANSI.green, failed: ANSI.red, skipped: ANSI.dim, cancelled: ANSI.yellow };

export function createRunReporter(options: RunReporterOptions): RunReporter {
  const masker = options.masker ?? createMasker([]);
  const splitter = createOutputLineSplitter(masker);
  const isTty = options.isTty === true;
  const paint = (colour: string, text: string) => (isTty ? `${colour}${text}${ANSI.reset}` : text);
  const running = new Map<string, number>();
  let live = '';
  let ticker: NodeJS.Timeout | undefined;

  const clearLive = () => {
    if (live) options.write('\r\x1b[K');
    live = '';
  };
  const drawLive = () => {
    if (!isTty || options.quiet || running.size === 0) return clearLive();
    const now = Date.now();
    const parts = [...running].map(([id, startedAt]) => `${id} ${formatElapsed(now - startedAt)}`);
    const next = paint(ANSI.dim, `running: ${parts.join(', ')}`);
    options.write(`${live ? '\r\x1b[K' : ''}${next}`);
    live = next;
  };
  const writeLine = (line: string, stepId?: string) => {
    clearLive();
    options.write(`${masker.mask(line)}\n`, stepId);
    drawLive();
  };
  const writeOutput = (lines: readonly { stepId: string; text: string }[]) => {
    if (options.quiet) return;
    for (const line of lines) writeLine(formatOutputLine({ stepId: isTty ? paint(ANSI.cyan, line.stepId) : line.stepId, text: line.text, isPrefixed: running.size > 1 }), line.stepId);
  };
  const startTicker = () => {
    if (isTty && !options.quiet && !ticker) {
      ticker = setInterval(drawLive, options.tickMs ?? 250);
      ticker.unref();
    }
  };

  const onEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'step-start':
        running.set(event.stepId, event.time);
        startTicker();
        if (!options.quiet) writeLine(isTty ? paint(ANSI.bold, formatStepStart(event)) : formatStepStart(event), event.stepId);
        return;
      case 'step-output':
        writeOutput(splitter.push(event));
        return;
      case 'step-retry':
        if (!options.quiet) writeLine(paint(ANSI.yellow, `Step ID: ${event.stepId} failed (${event.reason}); retrying in ${event.delayMs / 1000} s (attempt ${event.attempt})`), event.stepId);
        return;
      case 'step-end': {
        writeOutput(splitter.flush(event.stepId));
        running.delete(event.stepId);
        const isProblem = event.status === 'failed' || event.status === 'cancelled';
        if (event.status !== 'skipped' && (!options.quiet || isProblem)) {
          for (const line of formatStepEnd(event)) writeLine(paint(STATUS_COLOUR[event.status], line), event.stepId);
        }
        return;
      }
      case 'warning':
        if (!options.quiet) writeLine(paint(ANSI.yellow, `warning: ${event.stepId ? `step ${event.stepId}: ` : ''}${event.message}`), event.stepId);
        return;
      default:
        return;
    }
  };
  const finish = (outcome: RunOutcome) => {
    writeOutput(splitter.flushAll());
    running.clear();
    if (ticker) clearInterval(ticker);
    clearLive();
    options.write('\n');
    options.write(`${masker.mask(formatSummary(outcome))}\n`);
  };
  return { onEvent, finish };
}

function formatElapsed(durationMs: number): string {
  const seconds = Math.floor(durationMs / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
