import { describe, it, expect } from 'vitest';
import { createRunReporter, formatStepEnd, formatSummary } from '../../src/cli/run-reporter.js';
import type { RunOutcome } from '../../src/run/execute-run.js';
import { createMasker } from '../../src/record/masker.js';

const outcome: RunOutcome = {
  status: 'failed',
  error: 'failed to run step ID: test: exited with code 3',
  durationMs: 4200,
  steps: [
    { id: 'build', kind: 'build', status: 'succeeded', attempts: 1, durationMs: 2100, exitCode: 0 },
    { id: 'test', kind: 'cmd', status: 'failed', attempts: 2, durationMs: 1000, exitCode: 3, error: 'exited with code 3' },
    { id: 'push', kind: 'push', status: 'skipped', attempts: 0, durationMs: 0 },
  ],
  imagesBuilt: [{ reference: 'localhost:5000/a:1' }],
  imagesPushed: [{ reference: 'localhost:5000/a:1', digest: 'sha256:abc' }],
  manifestsPushed: [],
  warnings: [],
};

describe('run reporter', () => {
  it('writes acb-style end lines', () => {
    expect(formatStepEnd({ type: 'step-end', stepId: 'a', status: 'succeeded', time: 0, durationMs: 1234, attempts: 1 })).toEqual([
      'Step ID: a marked as successful (elapsed time in seconds: 1.234)',
    ]);
    expect(formatStepEnd({ type: 'step-end', stepId: 'a', status: 'failed', time: 0, durationMs: 10, attempts: 1, error: 'exited with code 1', ignoredError: true })).toEqual([
      'Step ID: a encountered an error: exited with code 1, but is set to ignore errors. Continuing...',
      'Step ID: a marked as successful (elapsed time in seconds: 0.010)',
    ]);
  });

  it('summarises steps and images', () => {
    expect(formatSummary(outcome)).toBe(
      [
        'STEP   STATUS     DURATION  ATTEMPTS  EXIT',
        'build  succeeded  2.1 s     1         0',
        'test   failed     1.0 s     2         3',
        'push   skipped    -         0         -',
        '',
        'Images built:',
        '  localhost:5000/a:1',
        '',
        'Images pushed:',
        '  localhost:5000/a:1@sha256:abc',
        '',
        'Run failed in 4.2 s: failed to run step ID: test: exited with code 3',
      ].join('\n'),
    );
  });

  it('prefixes output with the step id only while steps run in parallel', () => {
    let text = '';
    const reporter = createRunReporter({ write: (chunk) => (text += chunk) });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'alone\n', time: 0 });
    reporter.onEvent({ type: 'step-start', stepId: 'b', kind: 'cmd', time: 0, attempt: 1, command: ['podman', 'run', 'busybox', 'echo', 'a b'] });
    reporter.onEvent({ type: 'step-output', stepId: 'b', stream: 'stdout', text: 'together\n', time: 0 });
    expect(text).toBe(['Executing step ID: a', 'alone', "Executing step ID: b: podman run busybox echo 'a b'", '[b] together', ''].join('\n'));
  });

  it('masks secrets in output, also when a chunk splits them, and in command lines', () => {
    let text = '';
    const reporter = createRunReporter({ write: (chunk) => (text += chunk), masker: createMasker(['s3cr3t-value']) });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1, command: ['podman', 'run', 'busybox', 'echo', 's3cr3t-value'] });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'token=s3cr', time: 0 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: '3t-value\n', time: 0 });
    reporter.finish({ ...outcome, steps: [], imagesBuilt: [], imagesPushed: [], error: 'boom s3cr3t-value' });
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('token=***\n');
    expect(text).toContain('Executing step ID: a: podman run busybox echo ***\n');
  });

  it('keeps only failures and the summary when quiet', () => {
    let text = '';
    const reporter = createRunReporter({ write: (chunk) => (text += chunk), quiet: true });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'noise\n', time: 0 });
    reporter.onEvent({ type: 'step-end', stepId: 'a', status: 'succeeded', time: 0, durationMs: 5, attempts: 1 });
    reporter.onEvent({ type: 'step-end', stepId: 'b', status: 'failed', time: 0, durationMs: 5, attempts: 1, error: 'exited with code 3' });
    reporter.finish(outcome);
    expect(text.split('\n').slice(0, 3)).toEqual(['Step ID: b: exited with code 3', 'Step ID: b marked as failed (elapsed time in seconds: 0.005)', '']);
    expect(text).toContain('Run failed in 4.2 s');
  });

  it('draws a live line with elapsed time on a terminal and clears it when done', () => {
    let text = '';
    const reporter = createRunReporter({ write: (chunk) => (text += chunk), isTty: true, tickMs: 60_000 });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: Date.now() - 3_500, attempt: 1 });
    expect(text).toContain('running: a 3s');
    reporter.onEvent({ type: 'step-end', stepId: 'a', status: 'succeeded', time: Date.now(), durationMs: 3_500, attempts: 1 });
    reporter.finish({ ...outcome, steps: [] });
    expect(text.endsWith('Run failed in 4.2 s: failed to run step ID: test: exited with code 3\n')).toBe(true);
    expect(text).toContain('\x1b[32mStep ID: a marked as successful');
  });
});

