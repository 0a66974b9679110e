import { describe, expect, it } from 'vitest';
import type { CiKind } from '../../../src/cli/ci/ci-kind.js';
import { createRunReporter } from '../../../src/cli/run-reporter.js';
import { createRunView } from '../../../src/cli/view/select-view.js';
import { createMasker, type Masker } from '../../../src/record/masker.js';
import type { RunEvent } from '../../../src/run/events.js';
import type { RunOutcome } from '../../../src/run/execute-run.js';
import { githubAnnotations, groups } from '../../helpers/ci-markers.js';

const outcome: RunOutcome = { status: 'failed', durationMs: 10, steps: [], imagesBuilt: [], imagesPushed: [], manifestsPushed: [], warnings: [] };

// The run reporter with the CI view, as `taskrun run` makes it in CI.
function ciReporter(input: { kind: CiKind; write: (text: string) => void; masker?: Masker; quiet?: boolean; prefixIds?: boolean }) {
  const masker = input.masker ?? createMasker([]);
  const view = createRunView('ci', {
    stream: { write: input.write, isTty: false },
    env: {},
    progress: 'auto',
    quiet: input.quiet ?? false,
    prefixIds: input.prefixIds ?? false,
    steps: [],
    ci: input.kind,
    mask: masker.mask,
  });
  return createRunReporter({ view, masker });
}

function view(kind: CiKind, secrets: string[] = [], prefixIds = false) {
  let text = '';
  const masker = createMasker(secrets);
  const reporter = ciReporter({ kind, write: (chunk) => (text += chunk), masker, prefixIds });
  return { send: (...events: RunEvent[]) => events.forEach(reporter.onEvent), finish: () => reporter.finish(outcome), text: () => text };
}

const start = (stepId: string): RunEvent => ({ type: 'step-start', stepId, kind: 'cmd', time: 0, attempt: 1, command: ['podman', 'run', 'busybox'] });
const out = (stepId: string, text: string): RunEvent => ({ type: 'step-output', stepId, stream: 'stdout', text, time: 0 });
const end = (stepId: string, status: 'succeeded' | 'failed' = 'succeeded', error?: string): RunEvent => ({
  type: 'step-end', stepId, status, time: 0, durationMs: 1000, attempts: 1, ...(error && { error, exitCode: 3 }),
});

describe('CI step groups', () => {
  it('stream a step that runs alone inside its group', () => {
    const v = view('github');
    v.send(start('a'), out('a', 'one\n'));
    expect(v.text()).toBe('::group::step a (cmd)\nExecuting step ID: a: podman run busybox\none\n');
    v.send(out('a', 'two\n'), end('a'), start('b'), out('b', 'three\n'), end('b'));
    v.finish();
    expect(groups(v.text(), 'github')).toEqual([
      { title: 'step a (cmd)', lines: ['Executing step ID: a: podman run busybox', 'one', 'two', 'Step ID: a marked as successful (elapsed time in seconds: 1.000)'] },
      { title: 'step b (cmd)', lines: ['Executing step ID: b: podman run busybox', 'three', 'Step ID: b marked as successful (elapsed time in seconds: 1.000)'] },
    ]);
    expect(v.text()).toMatch(/::endgroup::\n\nSTEP/);
  });

  it('never interleave parallel steps: each buffered group prints whole when its step ends, after the open one', () => {
    const v = view('azure', [], true);
    v.send(start('a'), out('a', 'a1\n'), start('b'), out('b', 'b1\n'), start('c'), out('a', 'a2\n'), out('c', 'c1\n'), end('c'));
    // c ended while a's group is open: it waits; b is still running.
    expect(v.text()).not.toContain('c1');
    v.send(out('b', 'b2\n'), end('a'));
    expect(v.text()).toContain('c1');
    expect(v.text()).not.toContain('b2');
    v.send(end('b'));
    v.finish();
    const found = groups(v.text(), 'azure');
    expect(found.map((g) => g.title)).toEqual(['step a (cmd)', 'step c (cmd)', 'step b (cmd)']);
    expect(found[0]!.lines.filter((l) => !l.startsWith('Executing') && !l.startsWith('Step ID'))).toEqual(['[a] a1', '[a] a2']);
    expect(found[1]!.lines).toContain('[c] c1');
    expect(found[2]!.lines).toEqual(expect.arrayContaining(['[b] b1', '[b] b2']));
  });

  it('annotate a failed step outside its group, secrets masked', () => {
    const v = view('github', ['hunter2']);
    v.send(start('a'), out('a', 'token hunter2\n'), end('a', 'failed', 'exited with code 3 (hunter2)'));
    v.finish();
    expect(v.text()).not.toContain('hunter2');
    expect(groups(v.text(), 'github')).toHaveLength(1);
    expect(githubAnnotations(v.text())).toEqual([{ severity: 'error', properties: { title: 'taskrun step a' }, message: 'step a failed: exited with code 3 (***)' }]);
    expect(v.text().indexOf('::error')).toBeGreaterThan(v.text().indexOf('::endgroup::'));
  });

  it('close what is still open when the run stops mid-step', () => {
    const v = view('gitlab', [], true);
    v.send(start('a'), start('b'), out('a', 'x\n'), out('b', 'y\n'));
    v.finish();
    const found = groups(v.text(), 'gitlab');
    expect(found.map((g) => g.title)).toEqual(['step a (cmd)', 'step b (cmd)']);
    expect(found[1]!.lines).toContain('[b] y');
  });
});

describe('GitLab sections of buffered steps', () => {
  it('carry the times the step started and ended, not when they were printed', () => {
    let text = '';
    const reporter = ciReporter({ kind: 'gitlab', write: (chunk) => (text += chunk) });
    const at = (event: RunEvent, time: number) => ({ ...event, time }) as RunEvent;
    for (const event of [at(start('a'), 1_000_000), at(start('b'), 2_000_000), at(end('b'), 9_000_000), at(end('a'), 12_000_000)]) reporter.onEvent(event);
    expect([...text.matchAll(/section_(start|end):(\d+):(\w+)/g)].map((match) => `${match[1]} ${match[2]} ${match[3]}`)).toEqual([
      'start 1000 taskrun_1_a',
      'end 12000 taskrun_1_a',
      'start 2000 taskrun_2_b',
      'end 9000 taskrun_2_b',
    ]);
  });
});

describe('quiet runs in CI', () => {
  it('open no group for a step that prints nothing, and one for a failure it prints', () => {
    let text = '';
    const reporter = ciReporter({ kind: 'github', write: (chunk) => (text += chunk), quiet: true });
    for (const event of [start('a'), out('a', 'hidden\n'), end('a'), start('b'), start('c'), end('c'), end('b', 'failed', 'exited with code 3')]) reporter.onEvent(event);
    expect(groups(text, 'github')).toEqual([{ title: 'step b (cmd)', lines: ['Step ID: b: exited with code 3', 'Step ID: b marked as failed (elapsed time in seconds: 1.000)'] }]);
    expect(githubAnnotations(text)).toHaveLength(1);
  });
});
