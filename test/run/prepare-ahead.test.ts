import { describe, expect, it } from 'vitest';
import { planTask } from '../../src/plan/plan.js';
import { createPrepareAhead, PREPARE_AHEAD_LIMIT } from '../../src/run/prepare-ahead.js';
import type { Preparation } from '../../src/steps/context.js';
import { keepsImages } from '../../src/steps/index.js';
import type { Step } from '../../src/task/types.js';
import { buildStep, cmdStep, makeTask } from './make-task.js';

const created = (id: string): Preparation => ({ kind: 'created', containerName: id, pulled: false, output: [] });

function aheadFor(steps: Step[]) {
  const prepared: string[] = [];
  const ahead = createPrepareAhead({
    plan: planTask(makeTask(steps)),
    prepare: (step) => {
      if (step.kind !== 'cmd' || step.words[0] === 'docker') return undefined;
      prepared.push(step.id);
      return Promise.resolve(created(step.id));
    },
    keepsImages,
  });
  return { ahead, prepared };
}

describe('createPrepareAhead', () => {
  it('prepares the first steps at once and each next step when the one before starts', async () => {
    const { ahead, prepared } = aheadFor([cmdStep({ id: 'a', cmd: 'busybox true' }), cmdStep({ id: 'b', cmd: 'busybox true' }), cmdStep({ id: 'c', cmd: 'busybox true' })]);
    expect(prepared).toEqual(['a']);
    expect(await ahead.started('a')).toEqual(created('a'));
    expect(prepared).toEqual(['a', 'b']);
    ahead.finished('a');
    expect(await ahead.started('b')).toEqual(created('b'));
    expect(prepared).toEqual(['a', 'b', 'c']);
    expect(ahead.started('a')).toBeUndefined();
    expect(ahead.preparedStepIds()).toEqual(['a', 'b', 'c']);
    await ahead.settle();
  });

  it('waits for every dependency to start, and for a running build to end', () => {
    const { ahead, prepared } = aheadFor([
      cmdStep({ id: 'a', cmd: 'busybox true', when: { kind: 'start' } }),
      buildStep({ id: 'b', build: '-t x .', when: { kind: 'start' } }),
      cmdStep({ id: 'c', cmd: 'x run', when: { kind: 'after', ids: ['a', 'b'] } }),
    ]);
    expect(prepared).toEqual(['a']);
    ahead.started('a');
    ahead.started('b');
    // b builds what c may run: c's container is made at its turn, or once b ended.
    expect(prepared).toEqual(['a']);
    ahead.finished('b');
    ahead.finished('a');
    expect(prepared).toEqual(['a']);
  });

  it('never prepares host docker steps and keeps at most the limit waiting', () => {
    const fanOut = Array.from({ length: PREPARE_AHEAD_LIMIT + 3 }, (_, index) => cmdStep({ id: `s${index}`, cmd: 'busybox true', when: { kind: 'start' } }));
    const { prepared } = aheadFor([cmdStep({ id: 'h', cmd: 'docker ps', when: { kind: 'start' } }), ...fanOut]);
    expect(prepared).toHaveLength(PREPARE_AHEAD_LIMIT);
    expect(prepared).not.toContain('h');
  });
});
