// The YAML stage's limits: many steps, lines, values or deep nesting end in one located error.
import { describe, expect, it } from 'vitest';
import { fromOriginal } from '../../src/source-text.js';
import { MAX_COMMAS, MAX_LINES, MAX_STEPS, MAX_YAML_DEPTH } from '../../src/task/limits.js';
import { parseTask } from '../../src/task/parse-task.js';

function errorsOf(text: string) {
  const { task, diagnostics } = parseTask({ source: fromOriginal('t.yaml', text) });
  expect(task).toBeUndefined();
  return diagnostics.map((d) => [`${d.location?.line}:${d.location?.col}`, d.code, d.message]);
}

const steps = (count: number) => `version: v1.1.0\nsteps:\n${'  - cmd: echo\n'.repeat(count)}`;

describe('task limits', () => {
  it('refuses more steps than the limit at once, with one error', () => {
    expect(errorsOf(steps(MAX_STEPS + 1))).toEqual([['2:1', 'task-limit', "`steps` has 5,001 steps, over taskrun's limit of 5,000"]]);
    expect(parseTask({ source: fromOriginal('t.yaml', steps(MAX_STEPS)) }).task?.steps).toHaveLength(MAX_STEPS);
  });

  it('refuses a rendered file of more lines than the limit before parsing it', () => {
    expect(errorsOf(`version: v1.1.0\nsteps:\n  - cmd: echo\n${'#\n'.repeat(MAX_LINES)}`)).toEqual([
      [`${MAX_LINES + 1}:1`, 'task-limit', "the rendered task file has more than 20,000 lines (taskrun's limit)"],
    ]);
  });

  it('refuses nesting deeper than the limit, and deeper than the YAML parser reads', () => {
    const deep = (depth: number) => `version: v1.1.0\nsteps:\n  - cmd: x\n    env: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    expect(errorsOf(deep(MAX_YAML_DEPTH))).toEqual([['4:107', 'task-limit', "lists and mappings nest more than 100 deep (taskrun's limit)"]]);
    const [[, code, message] = []] = errorsOf(deep(20_000));
    expect([code, message]).toEqual(['task-limit', 'the YAML nests lists and mappings too deeply (more than taskrun can read)']);
  });

  it('refuses more commas (flow list and map items) than the limit before parsing', () => {
    expect(errorsOf(`version: v1.1.0\nsteps:\n  - cmd: x\n    env: [${'a,'.repeat(MAX_COMMAS + 1)}a]\n`)).toEqual([
      [`4:${10 + 2 * (MAX_COMMAS + 1)}`, 'task-limit', "the rendered task file has more than 20,000 commas, and so as many list or map items (taskrun's limit)"],
    ]);
  });
});
