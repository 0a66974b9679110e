import { describe, expect, it } from 'vitest';
import { formatFailureReport, formatRunPointer } from '../../../src/cli/view/failure-report.js';
import { hasParallelSteps } from '../../../src/cli/view/parallel-steps.js';
import { chooseViewMode, createRunView, PLAIN_WIDTH } from '../../../src/cli/view/select-view.js';
import { NO_COLOURS } from '../../../src/cli/view/terminal-text.js';
import { planTask } from '../../../src/plan/plan.js';
import type { RunOutcome } from '../../../src/run/execute-run.js';
import { cmdStep, makeTask } from '../../run/make-task.js';

const step = (id: string, when?: string[] | 'start') =>
  cmdStep({ id, cmd: `busybox echo ${id}`, ...(when === 'start' ? { when: { kind: 'start' as const } } : when ? { when: { kind: 'after' as const, ids: when } } : {}) });

describe('hasParallelSteps (from the plan)', () => {
  it('is false for a chain, however it is written', () => {
    expect(hasParallelSteps(planTask(makeTask([step('a'), step('b'), step('c')])))).toBe(false);
    expect(hasParallelSteps(planTask(makeTask([step('a'), step('b', ['a']), step('c', ['b', 'a'])])))).toBe(false);
    expect(hasParallelSteps(planTask(makeTask([step('only')])))).toBe(false);
  });

  it('is true when two steps wait for neither other, unless --max-parallel 1', () => {
    const fanOut = planTask(makeTask([step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])]));
    expect(hasParallelSteps(fanOut)).toBe(true);
    expect(hasParallelSteps(fanOut, 1)).toBe(false);
    expect(hasParallelSteps(fanOut, 2)).toBe(true);
    // b runs after a; c starts at once, so it may run beside a or b.
    expect(hasParallelSteps(planTask(makeTask([step('a'), step('b'), step('c', 'start')])))).toBe(true);
  });
});

describe('choosing a view', () => {
  const tty = { write: () => undefined, isTty: true };
  const pipe = { write: () => undefined, isTty: false };

  it('goes live on a terminal, plain when piped, quiet or asked; --progress tty forces live', () => {
    expect(chooseViewMode({ stream: tty, env: {}, progress: 'auto', quiet: false })).toBe('live');
    expect(chooseViewMode({ stream: tty, env: { TERM: 'dumb' }, progress: 'auto', quiet: false })).toBe('plain');
    expect(chooseViewMode({ stream: pipe, env: {}, progress: 'auto', quiet: false })).toBe('plain');
    expect(chooseViewMode({ stream: tty, env: {}, progress: 'auto', quiet: true })).toBe('plain');
    expect(chooseViewMode({ stream: tty, env: {}, progress: 'plain', quiet: false })).toBe('plain');
    expect(chooseViewMode({ stream: pipe, env: {}, progress: 'tty', quiet: false })).toBe('live');
  });

  it(`cuts plain step headers to the terminal width, or to ${PLAIN_WIDTH} columns in a pipe`, () => {
    const headerWidth = (stream: { isTty: boolean; columns?: () => number }) => {
      let written = '';
      const view = createRunView('plain', { stream: { ...stream, write: (text) => (written += text) }, env: { NO_COLOR: '1' }, progress: 'plain', quiet: false, prefixIds: false, steps: [{ id: 'a', label: 'y'.repeat(300) }] });
      view.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1, commandLine: 'x'.repeat(300) });
      return written.trimEnd().length;
    };
    expect(headerWidth(pipe)).toBe(PLAIN_WIDTH);
    expect(headerWidth({ ...tty, columns: () => 50 })).toBe(50);
  });
});

describe('failure report', () => {
  const outcome: RunOutcome = {
    status: 'failed', error: 'failed to run step ID: test: exited with code 3', durationMs: 1, steps: [], imagesBuilt: [], imagesPushed: [], manifestsPushed: [], warnings: [],
  };

  it("names each failed step, its exit code and cause, and its last lines with the step's id", () => {
    const lines = formatFailureReport({
      outcome,
      palette: NO_COLOURS,
      failures: [
        { end: { type: 'step-end', stepId: 'test', status: 'failed', time: 0, durationMs: 1, attempts: 1, exitCode: 3, error: 'exited with code 3' }, lastLines: ['ld: undefined reference to main'], omitted: 12 },
        { end: { type: 'step-end', stepId: 'quiet', status: 'failed', time: 0, durationMs: 1, attempts: 1, error: 'timed out after 5 s' }, lastLines: [], omitted: 0 },
      ],
    });
    expect(lines).toEqual([
      'Step test failed with exit code 3: exited with code 3',
      '  its last 1 lines of output:',
      '[test] ld: undefined reference to main',
      'Step quiet failed: timed out after 5 s',
      '  (step quiet printed nothing)',
    ]);
  });

  it("gives the run's error when no step failed (a setup problem), and the way to the full log", () => {
    expect(formatFailureReport({ outcome: { ...outcome, error: 'failed to create network: x' }, palette: NO_COLOURS, failures: [] })).toEqual(['Run failed: failed to create network: x']);
    expect(formatRunPointer('abc', outcome)).toBe('Run ID: abc — the full output: taskrun logs abc');
  });
});
