import { describe, expect, it } from 'vitest';
import { renderFinishedStep, renderHeader, renderLiveArea } from '../../../src/cli/view/live-render.js';
import { applyViewEvent, initialLiveState, type LiveState } from '../../../src/cli/view/live-state.js';
import { createLiveView, type TerminalScreen } from '../../../src/cli/view/live-view.js';
import { COLOURS, NO_COLOURS } from '../../../src/cli/view/terminal-text.js';
import type { ViewEvent } from '../../../src/cli/view/view-events.js';
import type { RunOutcome } from '../../../src/run/execute-run.js';

const T0 = 1_000_000;

function stateAfter(events: readonly ViewEvent[]): LiveState {
  return events.reduce(applyViewEvent, initialLiveState(T0));
}

const started: ViewEvent[] = [
  { type: 'run-start', time: T0, stepIds: ['build', 'unit-tests', 'lint', 'push'] },
  { type: 'step-start', stepId: 'build', kind: 'build', time: T0, attempt: 1, commandLine: 'podman build -t app .' },
  { type: 'step-end', stepId: 'build', status: 'succeeded', time: T0 + 2100, durationMs: 2100, attempts: 1, exitCode: 0 },
  { type: 'step-start', stepId: 'unit-tests', kind: 'cmd', time: T0 + 2100, attempt: 1, commandLine: 'podman run --rm --network taskrun-x golang go test ./...' },
  { type: 'step-start', stepId: 'lint', kind: 'cmd', time: T0 + 2200, attempt: 1, commandLine: 'podman run --rm lint' },
  { type: 'output-line', stepId: 'lint', stream: 'stdout', text: 'checking 42 files\tplease wait', time: T0 + 2300 },
  { type: 'output-line', stepId: 'lint', stream: 'stdout', text: '   ', time: T0 + 2400 },
];

const outcome: RunOutcome = {
  status: 'succeeded', durationMs: 5000, steps: [], imagesBuilt: [], imagesPushed: [], manifestsPushed: [], warnings: [],
};

describe('live area rendering (pure)', () => {
  it('draws a header with done/total and elapsed time, and a line per running step with its latest output or command', () => {
    const lines = renderLiveArea(stateAfter(started), { width: 60, height: 24, now: T0 + 5_000, palette: NO_COLOURS });
    expect(lines).toEqual([
      '[+] Running 1/4 steps  5.0s',
      ' => unit-tests   2.9s  $ podman run --rm --network taskrun…',
      ' => lint         2.8s  checking 42 files    please wait',
    ]);
    for (const line of lines) expect(line.length).toBeLessThan(60);
  });

  it('shows a quiet step by its command as the task file has it, when known, rather than the engine argv', () => {
    const labels = new Map([['unit-tests', 'golang go test ./...']]);
    const lines = renderLiveArea(stateAfter(started), { width: 60, height: 24, now: T0 + 5_000, palette: NO_COLOURS, labels });
    expect(lines[1]).toBe(' => unit-tests   2.9s  $ golang go test ./...');
  });

  it('fits narrow terminals and short ones', () => {
    const state = stateAfter(started);
    expect(renderLiveArea(state, { width: 20, height: 24, now: T0 + 5_000, palette: NO_COLOURS })).toEqual(['[+] Running 1/4 st…', ' => unit-tests   2…', ' => lint         2…']);
    expect(renderLiveArea(state, { width: 60, height: 3, now: T0 + 5_000, palette: NO_COLOURS })).toEqual(['[+] Running 1/4 steps  5.0s', ' … and 2 more running']);
  });

  it('counts failures in the header and collapses finished steps to one line', () => {
    const failed = stateAfter([...started, { type: 'step-end', stepId: 'lint', status: 'failed', time: T0 + 3000, durationMs: 800, attempts: 2, exitCode: 3, error: 'exited with code 3' }]);
    expect(renderHeader(failed, { width: 80, height: 24, now: T0 + 4000, palette: NO_COLOURS }, true)).toBe('[+] Ran 2/4 steps, 1 failed  4.0s');
    const [end] = failed.finished.slice(-1);
    expect(renderFinishedStep(end!, { width: 80, palette: NO_COLOURS, idWidth: 10 })).toBe('✘ lint         0.8s  failed after 2 attempts: exited with code 3');
    expect(renderFinishedStep(failed.finished[0]!, { width: 80, palette: COLOURS, idWidth: 10 })).toBe('\x1b[32m✔ build        2.1s\x1b[0m');
    expect(renderFinishedStep({ type: 'step-end', stepId: 'x', status: 'skipped', time: 0, durationMs: 0, attempts: 0 }, { width: 80, palette: NO_COLOURS, idWidth: 1 })).toBe('- x  skipped');
    expect(renderFinishedStep({ type: 'step-end', stepId: 'x', status: 'failed', time: 0, durationMs: 100, attempts: 1, error: 'boom', ignoredError: true }, { width: 80, palette: NO_COLOURS, idWidth: 1 })).toBe(
      '✔ x   0.1s  failed, ignored (ignoreErrors): boom',
    );
  });
});

function fakeScreen(size: { columns: number; rows: number }) {
  let text = '';
  let resize: (() => void) | undefined;
  const screen: TerminalScreen = {
    write: (chunk) => (text += chunk),
    columns: () => size.columns,
    rows: () => size.rows,
    onResize: (callback) => {
      resize = callback;
      return () => (resize = undefined);
    },
  };
  return { screen, text: () => text, clear: () => (text = ''), resize: () => resize?.() };
}

describe('live view', () => {
  it('redraws the area in place, keeps finished steps above it, and ends with the summary', () => {
    let now = T0;
    const terminal = fakeScreen({ columns: 60, rows: 24 });
    const view = createLiveView({ screen: terminal.screen, palette: NO_COLOURS, steps: [{ id: 'build', label: 'build -t app .' }, { id: 'unit-tests', label: 'golang go test ./...' }], now: () => now, tickMs: 60_000 });
    view.onEvent({ type: 'run-start', time: T0, stepIds: ['build', 'unit-tests'] });
    expect(terminal.text()).toBe('\r\x1b[2K[+] Running 0/2 steps  0.0s\x1b[K\n\x1b[J');
    terminal.clear();
    now = T0 + 1000;
    view.onEvent({ type: 'step-start', stepId: 'build', kind: 'build', time: now, attempt: 1 });
    expect(terminal.text()).toBe('\r\x1b[1A\x1b[2K[+] Running 0/2 steps  1.0s\x1b[K\n\x1b[2K => build   0.0s  $ build -t app .\x1b[K\n\x1b[J');
    terminal.clear();
    now = T0 + 3000;
    view.onEvent({ type: 'step-end', stepId: 'build', status: 'succeeded', time: now, durationMs: 2000, attempts: 1 });
    expect(terminal.text()).toBe('\r\x1b[2A\x1b[2K✔ build        2.0s\x1b[K\n\x1b[2K[+] Running 1/2 steps  3.0s\x1b[K\n\x1b[J');
    terminal.clear();
    view.finish(outcome);
    expect(terminal.text()).toBe('\r\x1b[1A\x1b[2K[+] Ran 1/2 steps  3.0s\x1b[K\n\x1b[J\nSTEP  STATUS  DURATION  ATTEMPTS  EXIT\n\nRun succeeded in 5.0 s\n');
  });

  it('redraws at the new width on resize, moving up over the lines the terminal rewrapped', () => {
    const size = { columns: 60, rows: 24 };
    const terminal = fakeScreen(size);
    const view = createLiveView({ screen: terminal.screen, palette: NO_COLOURS, steps: [{ id: 'a', label: 'busybox true' }, { id: 'b', label: 'busybox true' }], now: () => T0 + 1000, tickMs: 60_000 });
    view.onEvent({ type: 'run-start', time: T0, stepIds: ['a'] });
    view.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: T0, attempt: 1 });
    view.onEvent({ type: 'output-line', stepId: 'a', stream: 'stdout', text: 'x'.repeat(100), time: T0 });
    view.onEvent({ type: 'step-start', stepId: 'b', kind: 'cmd', time: T0, attempt: 1 });
    size.columns = 30;
    terminal.clear();
    terminal.resize();
    // Before: a 27-column header, a 59-column line for a and a short one for b; at 30 columns a's takes 2 rows.
    expect(terminal.text()).toBe(`\r\x1b[4A\x1b[2K[+] Running 0/1 steps  1.0s\x1b[K\n\x1b[2K => a   1.0s  ${'x'.repeat(14)}…\x1b[K\n\x1b[2K => b   1.0s  $ busybox true\x1b[K\n\x1b[J`);
    view.finish(outcome);
    terminal.clear();
    terminal.resize();
    expect(terminal.text()).toBe('');
  });
});
