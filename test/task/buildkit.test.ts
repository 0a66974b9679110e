import { describe, it, expect } from 'vitest';
import { isAcrBuildkitValue, parseGoBool } from '../../src/task/buildkit.js';
import type { BuildStep } from '../../src/task/types.js';
import { parse, rows, yaml } from './helpers.js';

function buildkitOf(text: string, index = 0) {
  const step = parse(text).task?.steps[index] as BuildStep | undefined;
  return step?.buildkit && { value: step.buildkit.value, at: `${step.buildkit.location.line}:${step.buildkit.location.col}` };
}

describe('DOCKER_BUILDKIT of a build step', () => {
  it('reads Go booleans as the docker CLI does', () => {
    expect(['1', 't', 'T', 'TRUE', 'true', 'True'].map(parseGoBool)).toEqual(Array(6).fill(true));
    expect(['0', 'f', 'F', 'FALSE', 'false', 'False'].map(parseGoBool)).toEqual(Array(6).fill(false));
    expect(['yes', '', 'tRuE', '2'].map(parseGoBool)).toEqual(Array(4).fill(undefined));
    expect(['1', 'true'].map(isAcrBuildkitValue)).toEqual([true, false]);
  });

  it('takes the step item over the task item, and points at the one that counts', () => {
    const text = yaml('env: ["A=1,DOCKER_BUILDKIT=0"]', 'steps:', '  - build: -t a .', '  - build: -t b .', '    env: ["DOCKER_BUILDKIT=1"]', '  - cmd: busybox true');
    expect(buildkitOf(text, 0)).toEqual({ value: '0', at: '1:7' });
    expect(buildkitOf(text, 1)).toEqual({ value: '1', at: '5:11' });
  });

  it('is absent when no env sets it', () => {
    expect(buildkitOf(yaml('steps:', '  - build: -t a .', '    env: ["X=1"]'))).toBeUndefined();
  });

  it('warns where ACR and the docker CLI read the value differently', () => {
    const text = yaml('steps:', '  - id: a', '    build: -t a .', '    env: ["DOCKER_BUILDKIT=true"]', '  - id: b', '    build: -t b .', '    env: ["DOCKER_BUILDKIT=yes"]', '  - id: c', '    build: -t c .', '    env: ["DOCKER_BUILDKIT=1"]');
    expect(rows(text).filter((row) => row.code === 'buildkit-value').map((row) => [row.at, row.message])).toEqual([
      ['t.yaml:4:11', 'DOCKER_BUILDKIT=true of step `a` means BuildKit to the docker CLI, but ACR builds with BuildKit only for exactly DOCKER_BUILDKIT=1 and uses the classic builder here'],
      ['t.yaml:7:11', 'DOCKER_BUILDKIT=yes of step `b` is not a boolean: the docker CLI refuses to build with it, and ACR builds with the classic builder'],
    ]);
  });
});
