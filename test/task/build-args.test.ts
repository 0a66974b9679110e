import { describe, it, expect } from 'vitest';
import { parseDockerBuildArgs } from '../../src/task/build-args.js';

describe('parseDockerBuildArgs', () => {
  it('finds the context after a boolean flag (acb-spec §8.19)', () => {
    expect(parseDockerBuildArgs(['-t', 'x', '--build-arg', 'A=b c', '--pull', 'https://x.git'])).toEqual({
      tags: ['x'],
      buildArgs: ['A=b c'],
      positionals: ['https://x.git'],
      isPush: false,
      context: 'https://x.git',
    });
  });

  it('reads the --flag=value, -tvalue and combined short forms', () => {
    expect(parseDockerBuildArgs(['--tag=a', '-tb', '-t=c', '-qt', 'd', '--file=F', '-f', 'G', '--target=t1', '--target', 't2', 'ctx'])).toEqual({
      tags: ['a', 'b', 'c', 'd'],
      buildArgs: [],
      dockerfile: 'G',
      target: 't2',
      positionals: ['ctx'],
      isPush: false,
      context: 'ctx',
    });
  });

  it('skips the values of flags that take one', () => {
    expect(parseDockerBuildArgs(['--network', 'host', '--platform', 'linux/arm64', '-m', '2g', '--label', 'a=b', '--no-cache', '.']).positionals).toEqual(['.']);
  });

  it('defaults the context to . and knows --push and --', () => {
    expect(parseDockerBuildArgs(['--push', '-t', 'a'])).toMatchObject({ context: '.', isPush: true, positionals: [] });
    expect(parseDockerBuildArgs(['--push=false', '--', '-weird-dir'])).toMatchObject({ context: '-weird-dir', isPush: false });
  });
});
