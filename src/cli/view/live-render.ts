// CLI view, live mode: pure drawing. The live area (a header with done/total steps and the
// elapsed time, then one line per running step: id, elapsed time, latest output line) and the
// one line a finished step collapses to — each a function of state, width and clock.

import type { LiveState } from './live-state.js';
import { statusColour } from './plain-view.js';
import { displayWidth, formatElapsed, padToWidth, toDisplayLine, truncateToWidth, type Palette } from './terminal-text.js';
import type { StepEndEvent } from './view-events.js';

export interface RenderOptions {
  /** Terminal columns. */
  readonly width: number;
  /** Terminal rows: the area never grows taller than this (less one for the cursor's line). */
  readonly height: number;
  readonly now: number;
  readonly palette: Palette;
  /** What a step that printed nothing yet shows: its command as the task file has it. */
  readonly labels?: ReadonlyMap<string, string>;
}

/** Ids longer than this are cut, so one long id does not push every line's text off screen. */
const MAX_ID_COLUMNS = 24;

// Lines stop one column short of the edge: a line that fills the last column makes some terminals wrap.
const usableWidth = (width: number) => Math.max(1, width - 1);

function idColumn(ids: readonly string[]): number {
  return Math.min(MAX_ID_COLUMNS, Math.max(0, ...ids.map(displayWidth)));
}

export function renderHeader(state: LiveState, options: RenderOptions, isDone = false): string {
  const done = state.finished.length;
  const failed = state.finished.filter((step) => step.status === 'failed' && !step.ignoredError).length;
  const verb = isDone ? 'Ran' : 'Running';
  const problems = failed > 0 ? `, ${options.palette.red(`${failed} failed`)}` : '';
  const text = `${options.palette.bold(`[+] ${verb} ${done}/${state.total} steps`)}${problems}  ${formatElapsed(options.now - state.startedAt)}`;
  return truncateToWidth(text, usableWidth(options.width));
}

export function renderLiveArea(state: LiveState, options: RenderOptions): string[] {
  const { palette } = options;
  const width = usableWidth(options.width);
  const idWidth = idColumn(state.running.map((step) => step.id));
  const room = Math.max(0, options.height - 2);
  const shown = state.running.length > room ? state.running.slice(0, Math.max(0, room - 1)) : state.running;
  const lines = [renderHeader(state, options)];
  for (const step of shown) {
    const id = padToWidth(truncateToWidth(step.id, idWidth), idWidth);
    const elapsed = formatElapsed(options.now - step.startedAt).padStart(6);
    const attempt = step.attempt > 1 ? ` (attempt ${step.attempt})` : '';
    const command = options.labels?.get(step.id) ?? step.commandLine;
    const latest = step.lastLine !== undefined ? toDisplayLine(step.lastLine) : command !== undefined ? `$ ${toDisplayLine(command)}` : '';
    const lead = ` => ${palette.cyan(id)} ${elapsed}${attempt}`;
    const rest = Math.max(0, width - displayWidth(lead) - 2);
    lines.push(truncateToWidth(latest && rest > 1 ? `${lead}  ${palette.dim(truncateToWidth(latest, rest))}` : lead, width));
  }
  const hidden = state.running.length - shown.length;
  if (hidden > 0) lines.push(truncateToWidth(palette.dim(` … and ${hidden} more running`), width));
  return lines;
}

const MARK: Readonly<Record<StepEndEvent['status'], string>> = { succeeded: '✔', failed: '✘', skipped: '-', cancelled: '!' };

/** `✔ build   2.1s`, `✘ test    1.0s  failed: exited with code 3`. */
export function renderFinishedStep(step: StepEndEvent, options: { width: number; palette: Palette; idWidth: number }): string {
  const colour = statusColour(options.palette, step);
  const id = padToWidth(step.stepId, Math.min(MAX_ID_COLUMNS, options.idWidth));
  const duration = step.status === 'skipped' ? '' : ` ${formatElapsed(step.durationMs).padStart(6)}`;
  const attempts = step.attempts > 1 ? ` after ${step.attempts} attempts` : '';
  let detail: string;
  if (step.ignoredError) detail = `  failed, ignored (ignoreErrors): ${step.error ?? 'failed'}`;
  else if (step.status === 'succeeded') detail = attempts ? ` ${attempts.trim()}` : '';
  else detail = `  ${step.status}${attempts}${step.error && step.error !== step.status ? `: ${step.error}` : ''}`;
  const mark = step.ignoredError ? '✔' : MARK[step.status];
  return truncateToWidth(colour(`${mark} ${id}${duration}${detail}`), usableWidth(options.width));
}

/** Column width for step ids in finished lines: the longest id of the run (capped). */
export function idWidthOf(stepIds: readonly string[]): number {
  return idColumn(stepIds);
}
