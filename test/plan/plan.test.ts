import { describe, expect, it } from 'vitest';
import { formatDotPicture, formatGraph, wrapWords } from '../../src/plan/format.js';
import { planTask } from '../../src/plan/plan.js';
import type { CmdStep, StepTrigger, Task } from '../../src/task/types.js';

function cmd(id: string, when: StepTrigger, index: number): CmdStep {
  return {
    kind: 'cmd', id, index, location: { file: 't.yaml', line: index + 2, col: 3 }, when,
    startDelaySeconds: 0, timeoutSeconds: 600, ignoreErrors: false,
    env: [], workingDirectory: '', disableWorkingDirectoryOverride: false, privileged: false,
    ports: [], expose: [], keep: false, detach: false, volumeMounts: [],
    retries: 0, retryDelaySeconds: 5, retryOnErrors: [], repeat: 0,
    cmd: `busybox echo ${id}`, firstCommand: `busybox echo ${id}`, words: ['busybox', 'echo', id], rest: [], pull: false, cmdDownloadRetries: 0, cmdDownloadRetryDelaySeconds: 0,
  };
}

function task(...steps: [string, StepTrigger][]): Task {
  return {
    file: 't.yaml', version: 'v1.0.0', stepTimeoutSeconds: 600, env: [], workingDirectory: '',
    secrets: [], networks: [], volumes: [],
    steps: steps.map(([id, when], index) => cmd(id, when, index)),
  };
}

const previous: StepTrigger = { kind: 'previous' };
const start: StepTrigger = { kind: 'start' };
const after = (...ids: string[]): StepTrigger => ({ kind: 'after', ids });

describe('planTask', () => {
  it('chains steps without `when` one after another', () => {
    const plan = planTask(task(['a', previous], ['b', previous], ['c', previous]));
    expect(plan.nodes.map((n) => [n.step.id, n.dependsOn, n.dependants, n.depth])).toEqual([
      ['a', [], ['b'], 0],
      ['b', ['a'], ['c'], 1],
      ['c', ['b'], [], 2],
    ]);
    expect(plan.groups).toEqual([['a'], ['b'], ['c']]);
  });

  it('starts `when: ["-"]` steps at once, joins on listed ids, and chains a step without `when` to the one above', () => {
    const plan = planTask(
      task(
        ['puller', start],
        ['C', start],
        ['B', after('C')],
        ['build-qux', start],
        ['build-foo', after('build-qux')],
        ['build-bar', start],
        ['build-qaz', previous],
      ),
    );
    expect(Object.fromEntries(plan.nodes.map((n) => [n.step.id, n.dependsOn]))).toEqual({
      puller: [], C: [], B: ['C'], 'build-qux': [], 'build-foo': ['build-qux'], 'build-bar': [], 'build-qaz': ['build-bar'],
    });
    expect(plan.groups).toEqual([['puller', 'C', 'build-qux', 'build-bar'], ['B', 'build-foo', 'build-qaz']]);
  });

  it('treats `acb_root` in `when` as the start and ignores repeated ids', () => {
    const plan = planTask(task(['a', start], ['b', after('acb_root')], ['c', after('a', 'b', 'a')]));
    expect(plan.nodes.map((n) => n.dependsOn)).toEqual([[], [], ['a', 'b']]);
    expect(plan.nodes[0]!.dependants).toEqual(['c']);
  });

  it('places a step one group below its deepest dependency', () => {
    const plan = planTask(task(['a', start], ['b', previous], ['c', start], ['d', after('b', 'c')]));
    expect(plan.nodes.map((n) => n.depth)).toEqual([0, 1, 0, 2]);
    expect(plan.groups).toEqual([['a', 'c'], ['b'], ['d']]);
  });
});

describe('formatGraph', () => {
  const plan = planTask(task(['lint', start], ['unit', start], ['package', after('lint', 'unit')]));

  it('prints groups as text', () => {
    expect(formatGraph(plan, 'text')).toBe(
      [
        'group 1 (2 steps in parallel)',
        '  lint  [at start]  cmd busybox echo lint',
        '  unit  [at start]  cmd busybox echo unit',
        'group 2',
        '  package  [after lint, unit]  cmd busybox echo package',
        '',
      ].join('\n'),
    );
  });

  it('prints Mermaid', () => {
    expect(formatGraph(plan, 'mermaid')).toBe(
      [
        'flowchart TD',
        '  start(((start)))',
        '  s0["lint: cmd busybox echo lint"]',
        '  s1["unit: cmd busybox echo unit"]',
        '  s2["package: cmd busybox echo package"]',
        '  start --> s0',
        '  start --> s1',
        '  s0 --> s2',
        '  s1 --> s2',
        '',
      ].join('\n'),
    );
  });

  it('prints Graphviz dot with quoted ids', () => {
    const dot = formatGraph(plan, 'dot');
    expect(dot).toContain('"run start" [shape=circle, label="start"];');
    expect(dot).toContain('"run start" -> "lint";');
    expect(dot).toContain('"lint" -> "package";');
    expect(dot).toContain('"package" [label="package\\ncmd busybox echo package"];');
    expect(dot.startsWith('digraph task {')).toBe(true);
  });

  it('keeps a step named start apart from the start node in dot', () => {
    const dot = formatGraph(planTask(task(['start', previous], ['b', start])), 'dot');
    expect(dot).toContain('"run start" -> "start";');
    expect(dot).toContain('"run start" -> "b";');
    expect(dot).not.toContain('"start" -> "b";');
  });
});

describe('formatDotPicture', () => {
  it('wraps words at a width, a longer word on a line of its own', () => {
    expect(wrapWords('aaa bbb ccc dddddddddd e', 7)).toBe('aaa bbb\nccc\ndddddddddd\ne');
  });

  it('is the dot graph styled for a page, long descriptions wrapped', () => {
    const plan = planTask(task(['lint', start], ['a-step-with-a-long-command', previous]));
    const dot = formatDotPicture(plan);
    expect(dot).toContain('fontname="Courier"');
    expect(dot).toContain('"run start" -> "lint";');
    expect(dot).toContain('"lint" -> "a-step-with-a-long-command";');
    expect(formatDotPicture(planTask(task(['x', start])))).toContain('"x" [label="x\\ncmd busybox echo x"];');
  });
});
