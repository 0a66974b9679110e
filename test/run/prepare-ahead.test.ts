import { describe, expect, it } from 'vitest';
import { planTask } from '../../src/plan/plan.js';
import { createPrepareAhead, PREPARE_AHEAD_LIMIT, PREPARE_LANES } from '../../src/run/prepare-ahead.js';
import type { Preparation } from '../../src/steps/context.js';
import { isPreparable, keepsImages } from '../../src/steps/index.js';
import type { Step } from '../../src/task/types.js';
import { buildStep, cmdStep, makeTask } from './make-task.js';

// Told apart by their held output.
const created = (id: string): Preparation => ({ kind: 'created', pulled: false, output: [{ stream: 'stdout', text: id }] });

/** Preparations end when the test says so: `finish(id)`. */
function aheadFor(steps: Step[], options: { prepareAtTurn?: boolean } = {}) {
  const prepared: string[] = [];
  const ends = new Map<string, () => void>();
  const ahead = createPrepareAhead({
    plan: planTask(makeTask(steps)),
    canPrepare: isPreparable,
    prepare: (step) => {
      prepared.push(step.id);
      return new Promise((resolve) => ends.set(step.id, () => resolve(created(step.id))));
    },
    prepareAtTurn: () => options.prepareAtTurn ?? false,
    keepsImages,
  });
  const finish = async (id: string) => {
    ends.get(id)?.();
    // Lets the lane that freed up begin the next preparation.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { ahead, prepared, finish };
}

const chain = (count: number) => Array.from({ length: count }, (_, index) => cmdStep({ id: `s${index}`, cmd: 'busybox true' }));

describe('createPrepareAhead', () => {
  it('prepares steps in plan order, a few lanes at a time, up to the limit ahead', async () => {
    const { ahead, prepared, finish } = aheadFor(chain(8));
    expect(prepared).toEqual(['s0', 's1'].slice(0, PREPARE_LANES));
    await finish('s0');
    expect(prepared).toEqual(['s0', 's1', 's2']);
    await finish('s1');
    await finish('s2');
    expect(prepared).toHaveLength(PREPARE_AHEAD_LIMIT);
    // s0 starts: its container is handed over, and one more step may wait made ahead.
    expect(await ahead.started('s0')).toEqual(created('s0'));
    expect(prepared).toEqual(['s0', 's1', 's2', 's3', 's4']);
    ahead.finished('s0');
    const s1 = ahead.started('s1');
    await finish('s3');
    expect(await s1).toEqual(created('s1'));
    expect(ahead.preparedStepIds()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    await finish('s4');
    await finish('s5');
    await ahead.settle();
  });

  it('gives nothing to a step whose preparation is still queued, and never begins it', async () => {
    const { ahead, prepared, finish } = aheadFor(chain(4));
    expect(prepared).toEqual(['s0', 's1']);
    ahead.started('s0');
    ahead.finished('s0');
    ahead.started('s1');
    ahead.finished('s1');
    // s2 and s3 wait for a lane; s2's turn comes first.
    expect(ahead.started('s2')).toBeUndefined();
    await finish('s0');
    expect(prepared).toEqual(['s0', 's1', 's3']);
    await finish('s1');
    await finish('s3');
    await ahead.settle();
  });

  it('prepares a queued step at once when its turn comes, where the engine makes containers cheaply', async () => {
    const { ahead, prepared, finish } = aheadFor(chain(4), { prepareAtTurn: true });
    expect(prepared).toEqual(['s0', 's1']);
    ahead.started('s0');
    ahead.finished('s0');
    ahead.started('s1');
    ahead.finished('s1');
    // s2 waited for a lane: it begins now, beside the two under way, and is handed over.
    const s2 = ahead.started('s2');
    expect(prepared).toEqual(['s0', 's1', 's2']);
    await finish('s2');
    expect(await s2).toEqual(created('s2'));
    for (const id of ['s0', 's1', 's3']) await finish(id);
    await ahead.settle();
  });

  it('prepares a step beyond the lookahead at its turn, where the engine makes containers cheaply', async () => {
    const fanOut = Array.from({ length: PREPARE_AHEAD_LIMIT + 1 }, (_, index) => cmdStep({ id: `s${index}`, cmd: 'busybox true', when: { kind: 'start' } }));
    const { ahead, prepared, finish } = aheadFor(fanOut, { prepareAtTurn: true });
    const last = `s${PREPARE_AHEAD_LIMIT}`;
    const own = ahead.started(last);
    expect(prepared).toContain(last);
    await finish(last);
    expect(await own).toEqual(created(last));
    expect(ahead.preparedStepIds()).toContain(last);
    for (let index = 0; index < PREPARE_AHEAD_LIMIT; index++) await finish(`s${index}`);
    await ahead.settle();
  });

  it('waits for a build to end before preparing what comes after it, however far ahead', async () => {
    const { ahead, prepared, finish } = aheadFor([
      cmdStep({ id: 'a', cmd: 'busybox true', when: { kind: 'start' } }),
      buildStep({ id: 'b', build: '-t x .', when: { kind: 'start' } }),
      cmdStep({ id: 'c', cmd: 'x run', when: { kind: 'after', ids: ['a', 'b'] } }),
      cmdStep({ id: 'd', cmd: 'busybox true', when: { kind: 'after', ids: ['c'] } }),
    ]);
    await finish('a');
    expect(prepared).toEqual(['a']);
    ahead.started('a');
    ahead.started('b');
    // b builds what c may run: c's container is made at its turn, or once b ended.
    expect(prepared).toEqual(['a']);
    ahead.finished('a');
    ahead.finished('b');
    expect(prepared).toEqual(['a', 'c', 'd']);
    await finish('c');
    await finish('d');
    await ahead.settle();
  });

  it('never prepares host docker steps, and prepares nothing after one before it ended', async () => {
    const { ahead, prepared, finish } = aheadFor([cmdStep({ id: 'h', cmd: 'docker ps' }), cmdStep({ id: 'n', cmd: 'busybox true' })]);
    expect(prepared).toEqual([]);
    ahead.started('h');
    expect(prepared).toEqual([]);
    ahead.finished('h');
    expect(prepared).toEqual(['n']);
    await finish('n');
    await ahead.settle();
  });

  it('keeps at most the limit waiting in a fan-out', async () => {
    const fanOut = Array.from({ length: PREPARE_AHEAD_LIMIT + 3 }, (_, index) => cmdStep({ id: `s${index}`, cmd: 'busybox true', when: { kind: 'start' } }));
    const { ahead, prepared, finish } = aheadFor(fanOut);
    for (const id of ['s0', 's1', 's2', 's3']) await finish(id);
    expect(prepared).toHaveLength(PREPARE_AHEAD_LIMIT);
    await ahead.settle();
  });
});
