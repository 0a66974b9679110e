import { describe, it, expect } from 'vitest';
import { checkSecretsOnCommandLines } from '../../src/task/secret-arguments.js';
import { parse, yaml } from './helpers.js';

describe('secrets on command lines', () => {
  it('warns where a secret is in a step\'s own words, not in env or --build-arg values', () => {
    const task = parse(
      yaml('steps:', '  - cmd: app --token s3cret', '  - cmd: app', '    env: ["T=s3cret"]', '  - build: --build-arg K=s3cret -t a .', '  - build: -t s3cret/a .'),
    ).task!;
    expect(checkSecretsOnCommandLines(task, { t: 's3cret', empty: '' }).map((d) => [d.code, d.location?.line, d.message])).toEqual([
      ['secret-on-command-line', 2, "secret `t` is part of step `acb_step_0`'s command line, which any user of this machine can read while it runs (ps)"],
      ['secret-on-command-line', 6, "secret `t` is part of step `acb_step_3`'s command line, which any user of this machine can read while it runs (ps)"],
    ]);
  });

  it('reads every engine command of a cmd list, not the builtins', () => {
    const task = parse(yaml('steps:', '  - cmd: app true && app --token s3cret', '  - cmd: app true || echo s3cret')).task!;
    expect(checkSecretsOnCommandLines(task, { t: 's3cret' }).map((d) => [d.code, d.location?.line])).toEqual([['secret-on-command-line', 2]]);
  });
});
