// CLI view, live mode (a terminal): a live area at the bottom, redrawn in place, and above it
// the lines that stay — one per finished step, warnings, retries. Step output is not echoed
// (only each running step's latest line); the record and `taskrun logs` keep all of it.

import type { RunOutcome } from '../../run/execute-run.js';
import { idWidthOf, renderFinishedStep, renderHeader, renderLiveArea } from './live-render.js';
import { applyViewEvent, initialLiveState, type LiveState } from './live-state.js';
import { formatRetry, formatWarning } from './plain-view.js';
import { formatSummary } from './summary-table.js';
import { displayWidth, type Palette } from './terminal-text.js';
import type { RunView } from './view-events.js';

/** The terminal the view draws on: its size now, and a way to hear when it changes. */
export interface TerminalScreen {
  readonly write: (text: string) => void;
  readonly columns: () => number;
  readonly rows: () => number;
  /** Calls back on every resize (SIGWINCH); returns how to stop listening. */
  readonly onResize: (callback: () => void) => () => void;
}

export interface LiveViewOptions {
  readonly screen: TerminalScreen;
  readonly palette: Palette;
  /** Every step of the plan with its label (its command as written, masked), in plan order. */
  readonly steps: readonly { readonly id: string; readonly label: string }[];
  readonly now?: () => number;
  readonly tickMs?: number;
}

const CURSOR_UP = (rows: number) => (rows > 0 ? `\x1b[${rows}A` : '');
const CLEAR_LINE = '\x1b[2K';
const CLEAR_TO_END = '\x1b[J';
const CLEAR_REST_OF_LINE = '\x1b[K';

// A line that wraps overwrites the start of the rows below it; the rest of its last row is
// cleared too, unless it ends exactly at the edge, where that would erase its last character.
function endOfLine(line: string, width: number): string {
  const columns = displayWidth(line);
  return columns > 0 && columns % width === 0 ? '' : CLEAR_REST_OF_LINE;
}

export function createLiveView(options: LiveViewOptions): RunView {
  const { screen, palette } = options;
  const now = options.now ?? Date.now;
  const idWidth = idWidthOf(options.steps.map((step) => step.id));
  const labels = new Map(options.steps.map((step) => [step.id, step.label]));
  let state: LiveState = initialLiveState(now());
  let pending: string[] = [];
  // The area now on screen: its lines and the width they were drawn at.
  let drawn: { lines: readonly string[]; width: number } = { lines: [], width: screen.columns() };
  let ticker: NodeJS.Timeout | undefined;
  let isFinished = false;

  // Rows the drawn area takes now: a terminal that reflows on resize (tmux, VTE, iTerm2) wraps lines
  // wider than its new width and keeps the cursor's row, pushing what no longer fits above into history.
  // Moving up stops at the top row, so an area partly pushed there leaves only that part behind.
  const drawnRows = (width: number) => drawn.lines.reduce((rows, line) => rows + Math.max(1, Math.ceil(displayWidth(line) / Math.max(1, width))), 0);

  const draw = (withArea: boolean) => {
    const width = screen.columns();
    const area = withArea ? renderLiveArea(state, { width, height: screen.rows(), now: now(), palette, labels }) : [];
    const rows = drawn.width === width ? drawn.lines.length : drawnRows(width);
    // Lines above the area are never redrawn, so they may wrap: warnings and notices stay whole.
    const lines = [...pending, ...area];
    pending = [];
    // Each line is cleared as it is overwritten, and what is left below once the frame is out:
    // clearing the screen from its top-left corner makes tmux (scroll-on-clear) push it into history.
    const frame = `\r${CURSOR_UP(rows)}${lines.map((line) => `${CLEAR_LINE}${line}${endOfLine(line, width)}\n`).join('')}${CLEAR_TO_END}`;
    screen.write(frame);
    drawn = { lines: area, width };
  };
  const keep = (line: string) => pending.push(line);

  const stopResize = screen.onResize(() => {
    if (!isFinished) draw(true);
  });
  const startTicker = () => {
    if (ticker) return;
    ticker = setInterval(() => draw(true), options.tickMs ?? 200);
    ticker.unref();
  };

  return {
    onEvent(event) {
      // Once finished, nothing is drawn any more: a late notice is a plain line.
      if (isFinished) {
        if (event.type === 'notice') screen.write(`${palette.yellow(event.text)}\n`);
        return;
      }
      state = applyViewEvent(state, event);
      switch (event.type) {
        case 'run-start':
          startTicker();
          draw(true);
          return;
        case 'step-start':
          draw(true);
          return;
        case 'step-end':
          keep(renderFinishedStep(event, { width: screen.columns(), palette, idWidth }));
          draw(true);
          return;
        case 'step-retry':
          keep(palette.yellow(formatRetry(event)));
          draw(true);
          return;
        case 'warning':
          keep(palette.yellow(formatWarning(event)));
          draw(true);
          return;
        case 'notice':
          keep(palette.yellow(event.text));
          draw(true);
          return;
        case 'output-line':
          // Drawn on the next tick: output can come faster than a terminal wants redrawing.
          return;
      }
    },
    finish(outcome: RunOutcome) {
      isFinished = true;
      if (ticker) clearInterval(ticker);
      stopResize();
      keep(renderHeader(state, { width: screen.columns(), height: screen.rows(), now: now(), palette }, true));
      draw(false);
      screen.write(`\n${formatSummary(outcome)}\n`);
    },
  };
}
