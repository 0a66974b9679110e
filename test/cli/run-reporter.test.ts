import { describe, it, expect } from 'vitest';
import { createRunReporter } from '../../src/cli/run-reporter.js';
import { createPlainView, formatStepEnd } from '../../src/cli/view/plain-view.js';
import { formatSummary } from '../../src/cli/view/summary-table.js';
import type { RunView, ViewEvent } from '../../src/cli/view/view-events.js';
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

function plainReporter(options: { prefixIds?: boolean; quiet?: boolean; secrets?: string[] } = {}) {
  let text = '';
  const view = createPlainView({ write: (chunk) => (text += chunk), prefixIds: options.prefixIds ?? false, ...(options.quiet && { quiet: true }) });
  const reporter = createRunReporter({ view, masker: createMasker(options.secrets ?? []) });
  return { reporter, text: () => text };
}

function recordingReporter(secrets: string[] = []) {
  const events: ViewEvent[] = [];
  const view: RunView = { onEvent: (event) => events.push(event), finish: () => undefined };
  return { reporter: createRunReporter({ view, masker: createMasker(secrets) }), events };
}

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

  it('prefixes output with the step id from the first line when the plan has parallel steps', () => {
    const { reporter, text } = plainReporter({ prefixIds: true });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'alone\n', time: 0 });
    reporter.onEvent({ type: 'step-start', stepId: 'b', kind: 'cmd', time: 0, attempt: 1, command: ['podman', 'run', 'busybox', 'echo', 'a b'] });
    reporter.onEvent({ type: 'step-output', stepId: 'b', stream: 'stdout', text: 'together\n', time: 0 });
    reporter.onEvent({ type: 'step-end', stepId: 'b', status: 'succeeded', time: 0, durationMs: 1, attempts: 1 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'alone again\n', time: 0 });
    expect(text().split('\n')).toEqual([
      'Executing step ID: a',
      '[a] alone',
      "Executing step ID: b: podman run busybox echo 'a b'",
      '[b] together',
      'Step ID: b marked as successful (elapsed time in seconds: 0.001)',
      '[a] alone again',
      '',
    ]);
  });

  it('prints output lines bare when the plan runs one step after another', () => {
    const { reporter, text } = plainReporter();
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'one\ntwo', time: 0 });
    reporter.onEvent({ type: 'step-end', stepId: 'a', status: 'succeeded', time: 0, durationMs: 1, attempts: 1 });
    expect(text()).toContain('one\ntwo\nStep ID: a marked');
  });

  it('cuts a step header to the width; the command is whole in the record', () => {
    let text = '';
    const view = createPlainView({ write: (chunk) => (text += chunk), prefixIds: false, width: 40 });
    const reporter = createRunReporter({ view });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1, command: ['podman', 'run', '--rm', '--network', 'taskrun-abc', 'busybox', 'echo'] });
    expect(text).toBe('Executing step ID: a: podman run --rm -…\n');
  });

  it("names a step in its header by its command as the task file has it, when known (the engine's argv is in logs and the record)", () => {
    let text = '';
    const view = createPlainView({ write: (chunk) => (text += chunk), prefixIds: false, labels: new Map([['a', "busybox sh -c 'make test'"]]) });
    createRunReporter({ view }).onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 2, command: ['podman', 'run', '--rm', 'busybox', 'sh', '-c', 'make test'] });
    expect(text).toBe("Executing step ID: a (attempt 2): busybox sh -c 'make test'\n");
  });

  it('masks secrets in output, also when a chunk splits them, and in command lines, errors and the summary', () => {
    const { reporter, text } = plainReporter({ secrets: ['s3cr3t-value'] });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1, command: ['podman', 'run', 'busybox', 'echo', 's3cr3t-value'] });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'token=s3cr', time: 0 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: '3t-value\n', time: 0 });
    reporter.onEvent({ type: 'step-end', stepId: 'a', status: 'failed', time: 0, durationMs: 1, attempts: 1, error: 'no s3cr3t-value' });
    reporter.finish({ ...outcome, steps: [], imagesBuilt: [], imagesPushed: [], error: 'boom s3cr3t-value' });
    expect(text()).not.toContain('s3cr3t');
    expect(text()).toContain('token=***\n');
    expect(text()).toContain('Executing step ID: a: podman run busybox echo ***\n');
  });

  it('keeps only failures and the summary when quiet', () => {
    const { reporter, text } = plainReporter({ quiet: true });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'noise\n', time: 0 });
    reporter.onEvent({ type: 'step-end', stepId: 'a', status: 'succeeded', time: 0, durationMs: 5, attempts: 1 });
    reporter.onEvent({ type: 'step-end', stepId: 'b', status: 'failed', time: 0, durationMs: 5, attempts: 1, error: 'exited with code 3' });
    reporter.finish(outcome);
    expect(text().split('\n').slice(0, 3)).toEqual(['Step ID: b: exited with code 3', 'Step ID: b marked as failed (elapsed time in seconds: 0.005)', '']);
    expect(text()).toContain('Run failed in 4.2 s');
  });

  it("shows docker's legacy-builder banner once per run, not for every build", () => {
    const { reporter, events } = recordingReporter();
    const banner = [
      'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
      '            Install the buildx component to build images with BuildKit:',
      '            https://docs.docker.com/go/buildx/',
      '',
      '',
    ].join('\n');
    for (const stepId of ['one', 'two']) {
      reporter.onEvent({ type: 'step-start', stepId, kind: 'build', time: 0, attempt: 1 });
      reporter.onEvent({ type: 'step-output', stepId, stream: 'stderr', text: banner, time: 0 });
      reporter.onEvent({ type: 'step-output', stepId, stream: 'stdout', text: `Step 1/1 : FROM busybox\n`, time: 0 });
      reporter.onEvent({ type: 'step-end', stepId, status: 'succeeded', time: 0, durationMs: 1, attempts: 1 });
    }
    const lines = events.flatMap((event) => (event.type === 'output-line' ? [`${event.stepId}: ${event.text}`] : []));
    expect(lines).toEqual([
      'one: DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
      'one:             Install the buildx component to build images with BuildKit:',
      'one:             https://docs.docker.com/go/buildx/',
      'one: ',
      'one: Step 1/1 : FROM busybox',
      'two: Step 1/1 : FROM busybox',
    ]);
  });

  it('gives back the failed steps with their last 30 lines, of the last attempt only', () => {
    const { reporter } = recordingReporter(['hunter2']);
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 1 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: 'first attempt\n', time: 0 });
    reporter.onEvent({ type: 'step-start', stepId: 'a', kind: 'cmd', time: 0, attempt: 2 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stdout', text: Array.from({ length: 40 }, (_, i) => `line ${i + 1}\n`).join(''), time: 0 });
    reporter.onEvent({ type: 'step-output', stepId: 'a', stream: 'stderr', text: 'password hunter2 rejected', time: 0 });
    reporter.onEvent({ type: 'step-end', stepId: 'a', status: 'failed', time: 0, durationMs: 5, attempts: 2, exitCode: 3, error: 'exited with code 3' });
    reporter.onEvent({ type: 'step-start', stepId: 'b', kind: 'cmd', time: 0, attempt: 1 });
    reporter.onEvent({ type: 'step-end', stepId: 'b', status: 'failed', time: 0, durationMs: 5, attempts: 1, exitCode: 1, ignoredError: true });
    const failures = reporter.finish(outcome);
    expect(failures.map((f) => f.end.stepId)).toEqual(['a']);
    expect(failures[0]?.lastLines).toHaveLength(30);
    expect(failures[0]?.lastLines[0]).toBe('line 12');
    expect(failures[0]?.lastLines.at(-1)).toBe('password *** rejected');
    expect(failures[0]?.omitted).toBe(11);
  });
});
