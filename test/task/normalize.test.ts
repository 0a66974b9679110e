import { describe, it, expect } from 'vitest';
import { deriveText, fromOriginal, splitLines } from '../../src/source-text.js';
import { parseTask } from '../../src/task/parse-task.js';
import type { ParseTaskResult } from '../../src/task/parse-task.js';
import type { BuildStep, CmdStep, PushStep, Step } from '../../src/task/types.js';
import { parse, yaml } from './helpers.js';

function stepsOf(text: string, aliases?: ReadonlyMap<string, string>): Step[] {
  const result = parse(text, aliases);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return [...(result.task?.steps ?? [])];
}

// graph/testdata/acb.yaml of Azure/acr-builder, written out again (acb-spec §7.1).
const ACB_YAML = yaml(
  'stepTimeout: 600',
  'version: v1.0.0',
  '',
  'env:',
  '  - "foo=taskEnv"',
  '',
  'steps:',
  '  - id: puller',
  '    cmd: azure/images/docker pull ubuntu',
  '    entryPoint: someEntryPoint',
  '    env: [eric=foo, foo=bar]',
  '    exitedWithout: [0, 255]',
  '    workingDirectory: pullDir',
  '    retries: 5',
  '    retryDelay: 90',
  '    pull: true',
  '',
  '  - id: build-qux',
  "    cmd: 'azure/images/acr-builder build -f Dockerfile https://github.com/ehotinger/qux --cache-from=ubuntu'",
  '    when: ["-"]',
  '    detach: true',
  '    startDelay: 50',
  '',
  '  - id: C',
  '    cmd: blah',
  '    when: ["-"]',
  '    ports:',
  '      - "8000:8000"',
  '      - "8080:8080"',
  '    expose:',
  '      - "80"',
  '      - "81"',
  '    exitedWith: [0, 1, 2, 3, 4]',
  '    keep: true',
  '    isolation: default',
  '',
  '  - id: build-bar',
  '    cmd: azure/images/acr-builder build -f Dockerfile https://github.com/ehotinger/bar --cache-from=ubuntu',
  '    when: ["-"]',
  '',
  '  - id: B',
  '    when: [C]',
  '    cmd: azure/images/git clone https://github.com/ehotinger/clone',
  '    ignoreErrors: true',
  '    disableWorkingDirectoryOverride: true',
  '',
  '  - id: build-foo',
  '    cmd: azure/images/acr-builder build -f Dockerfile https://github.com/ehotinger/foo --cache-from=ubuntu',
  '    env: ["eric=foo"]',
  '    when: [build-qux]',
  '',
  '  - id: build-qaz',
  '    build: "-f Dockerfile https://github.com/ehotinger/qaz --cache-from=ubuntu"',
  '    privileged: true',
  '    user: root',
  '    network: "host"',
  '    repeat: 2',
);

describe('graph/testdata/acb.yaml (acb-spec §7.1)', () => {
  const result = parse(ACB_YAML);
  const task = result.task;

  it('parses with only the exitedWith/exitedWithout warnings', () => {
    expect(result.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.severity} ${d.code}`)).toEqual([
      '12:5 warning no-effect',
      '33:5 warning no-effect',
    ]);
    expect(task?.version).toBe('v1.0.0');
    expect(task?.stepTimeoutSeconds).toBe(600);
    expect(task?.env).toEqual(['foo=taskEnv']);
  });

  it('has 7 steps with ACR\'s defaults', () => {
    expect(
      task?.steps.map((step) => ({
        id: step.id,
        kind: step.kind,
        when: step.when,
        timeout: step.timeoutSeconds,
        line: step.location.line,
        ...(step.kind !== 'push' && { retryDelay: step.retryDelaySeconds, env: step.env, network: step.network ?? null }),
      })),
    ).toEqual([
      { id: 'puller', kind: 'cmd', when: { kind: 'previous' }, timeout: 600, line: 8, retryDelay: 90, env: ['eric=foo', 'foo=bar'], network: null },
      { id: 'build-qux', kind: 'cmd', when: { kind: 'start' }, timeout: 600, line: 18, retryDelay: 5, env: ['foo=taskEnv'], network: null },
      { id: 'C', kind: 'cmd', when: { kind: 'start' }, timeout: 600, line: 24, retryDelay: 5, env: ['foo=taskEnv'], network: null },
      { id: 'build-bar', kind: 'cmd', when: { kind: 'start' }, timeout: 600, line: 37, retryDelay: 5, env: ['foo=taskEnv'], network: null },
      { id: 'B', kind: 'cmd', when: { kind: 'after', ids: ['C'] }, timeout: 600, line: 41, retryDelay: 5, env: ['foo=taskEnv'], network: null },
      { id: 'build-foo', kind: 'cmd', when: { kind: 'after', ids: ['build-qux'] }, timeout: 600, line: 47, retryDelay: 5, env: ['eric=foo', 'foo=taskEnv'], network: null },
      { id: 'build-qaz', kind: 'build', when: { kind: 'previous' }, timeout: 600, line: 52, retryDelay: 5, env: ['foo=taskEnv'], network: 'host' },
    ]);
  });

  it('keeps every step option', () => {
    const [puller, qux, c, , b, , qaz] = (task?.steps ?? []) as [CmdStep, CmdStep, CmdStep, CmdStep, CmdStep, CmdStep, BuildStep];
    expect(puller).toMatchObject({ entryPoint: 'someEntryPoint', workingDirectory: 'pullDir', retries: 5, pull: true });
    expect(puller.words).toEqual(['azure/images/docker', 'pull', 'ubuntu']);
    expect(qux).toMatchObject({ detach: true, startDelaySeconds: 50 });
    expect(c).toMatchObject({ ports: ['8000:8000', '8080:8080'], expose: ['80', '81'], keep: true, isolation: 'default' });
    expect(b).toMatchObject({ ignoreErrors: true, disableWorkingDirectoryOverride: true });
    expect(qaz).toMatchObject({
      privileged: true,
      user: 'root',
      repeat: 2,
      args: ['-f', 'Dockerfile', 'https://github.com/ehotinger/qaz', '--cache-from=ubuntu'],
      dockerfile: 'Dockerfile',
      context: 'https://github.com/ehotinger/qaz',
      tags: [],
    });
  });
});

describe('step validation matrix (step_test.go, acb-spec §7.2)', () => {
  const volume = yaml('volumes:', '  - name: v', '    secret: {f: eA==}');
  it.each([
    { name: 'empty step', step: ['  - id: a'], codes: ['step-without-kind'] },
    { name: 'id with a space', step: ['  - id: "a b"', '    cmd: x'], codes: ['invalid-step-id'] },
    { name: 'self-referencing when', step: ['  - id: a', '    cmd: x', '    when: [a]'], codes: ['when-self'] },
    { name: '`-` with another id', step: ['  - id: a', '    cmd: x', '    when: ["-", c]'], codes: ['when-start-mixed', 'when-unknown-step'] },
    { name: 'cmd and push', step: ['  - cmd: x', '    push: [y]'], codes: ['step-with-several-kinds'] },
    { name: 'cmd and build', step: ['  - cmd: x', '    build: .'], codes: ['step-with-several-kinds'] },
    { name: 'build and push', step: ['  - build: .', '    push: [y]'], codes: ['step-with-several-kinds'] },
    { name: 'repeat -1', step: ['  - cmd: x', '    repeat: -1'], codes: ['invalid-value'] },
    { name: 'retries -1', step: ['  - cmd: x', '    retries: -1'], codes: ['invalid-value'] },
    { name: 'mounts on push', step: ['  - push: [y]', '    volumeMounts: [{name: v, mountPath: /v}]'], codes: ['push-unknown-image', 'mounts-on-push-step'] },
    {
      name: 'duplicate mount path',
      step: ['  - cmd: x', '    volumeMounts: [{name: v, mountPath: /v}, {name: v, mountPath: /v}]'],
      codes: ['duplicate-mount-path'],
    },
    { name: 'same volume at two paths', step: ['  - cmd: x', '    volumeMounts: [{name: v, mountPath: /a}, {name: v, mountPath: /b}]'], codes: [] },
  ])('$name', ({ step, codes }) => {
    const result = parse(`${volume}${yaml('steps:', ...step)}`);
    expect(result.diagnostics.map((d) => d.code)).toEqual(codes);
  });
});

describe('normalisation', () => {
  it('keeps `id: 0755` as written', () => {
    expect(stepsOf(yaml('steps:', '  - id: 0755', '    cmd: x', '  - cmd: y', '    when: [0755]')).map((s) => [s.id, s.when])).toEqual([
      ['0755', { kind: 'previous' }],
      ['acb_step_1', { kind: 'after', ids: ['0755'] }],
    ]);
  });

  it('adds :latest to untagged push images (a registry port is not a tag) and de-duplicates', () => {
    const digest = `img@sha256:${'a'.repeat(64)}`;
    const [, push] = stepsOf(
      yaml(
        'steps:',
        '  - cmd: docker pull x',
        `  - push: [localhost:5000/img, "localhost:5000/img:latest", app, "app:1", "${digest}", "reg.io/a/b:v1", app]`,
      ),
    ) as [CmdStep, PushStep];
    expect(push.images).toEqual(['localhost:5000/img:latest', 'app:latest', 'app:1', digest, 'reg.io/a/b:v1']);
  });

  it('splits build strings with POSIX quoting and reads flags the docker CLI way', () => {
    const [build] = stepsOf(yaml('steps:', '  - build: -t x --build-arg "A=b c" --pull https://x.git')) as [BuildStep];
    expect(build.args).toEqual(['-t', 'x', '--build-arg', 'A=b c', '--pull', 'https://x.git']);
    expect(build).toMatchObject({ tags: ['x'], context: 'https://x.git' });
    expect(build.dockerfile).toBe(undefined);
  });

  it('reads --tag=, --file=, --target and -f, and defaults the context to .', () => {
    const [build] = stepsOf(yaml('steps:', '  - build: --tag=a:1 -t b:2 --file=Dockerfile.dev --target test --no-cache', '    cache: Enabled')) as [BuildStep];
    expect(build).toMatchObject({ tags: ['a:1', 'b:2'], dockerfile: 'Dockerfile.dev', target: 'test', context: '.', cache: 'enabled' });
  });

  it('warns when a build has more than one context argument', () => {
    const result = parse(yaml('steps:', '  - build: -t a . extra'));
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['build-extra-argument', '`build` has 2 context arguments (`.`, `extra`); docker build takes exactly one'],
    ]);
  });

  it('splits cmd into words without expanding anything', () => {
    const [cmd] = stepsOf(yaml('steps:', "  - cmd: alpine sh -c 'echo $HOME > /tmp/x' \"a b\"")) as [CmdStep];
    expect(cmd.words).toEqual(['alpine', 'sh', '-c', 'echo $HOME > /tmp/x', 'a b']);
  });

  it('expands the command word with the aliases in effect', () => {
    const aliases = new Map([['bash', 'mcr.microsoft.com/acr/bash:2ff604c']]);
    const [cmd, other] = stepsOf(yaml('steps:', '  - cmd: bash echo hi', '  - cmd: alpine bash'), aliases) as [CmdStep, CmdStep];
    expect(cmd.cmd).toBe('mcr.microsoft.com/acr/bash:2ff604c echo hi');
    expect(cmd.words).toEqual(['mcr.microsoft.com/acr/bash:2ff604c', 'echo', 'hi']);
    expect(other.cmd).toBe('alpine bash');
  });

  it('rejects an unclosed quote', () => {
    const result = parse(yaml('steps:', '  - cmd: alpine echo "hi'));
    expect(result.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['unclosed-quote', '`cmd` has a " quote that is never closed', 'close it with another ", or escape it as \\"'],
    ]);
  });

  it('applies the timeout, retryDelay, workingDirectory and network defaults', () => {
    const result = parse(
      yaml(
        'version: V1.1.0',
        'stepTimeout: 0',
        'workingDirectory: src',
        'networks:',
        '  - {name: a, isDefault: true}',
        '  - {name: b, isDefault: true}',
        '  - {name: c}',
        'steps:',
        '  - cmd: x',
        '    timeout: 0',
        '    retryDelay: 0',
        '  - cmd: y',
        '    timeout: 30',
        '    retryDelay: 7',
        '    workingDirectory: other',
        '    network: c',
        '  - push: [z]',
      ),
    );
    expect(result.task?.version).toBe('v1.1.0');
    expect(result.task?.stepTimeoutSeconds).toBe(600);
    expect(result.task?.networks.map((n) => [n.name, n.isDefault])).toEqual([['a', true], ['b', true], ['c', false]]);
    const [first, second, push] = (result.task?.steps ?? []) as [CmdStep, CmdStep, PushStep];
    expect([first.timeoutSeconds, first.retryDelaySeconds, first.workingDirectory, first.network]).toEqual([600, 5, 'src', 'b']);
    expect([second.timeoutSeconds, second.retryDelaySeconds, second.workingDirectory, second.network]).toEqual([30, 7, 'other', 'c']);
    expect(push).toMatchObject({ kind: 'push', images: ['z:latest'], timeoutSeconds: 600 });
  });

  it('uses a stepTimeout for steps without their own', () => {
    const [step] = stepsOf(yaml('stepTimeout: 120', 'steps:', '  - cmd: x')) as [CmdStep];
    expect(step.timeoutSeconds).toBe(120);
  });

  it('normalises secrets and volumes', () => {
    const result = parse(
      yaml(
        'secrets:',
        '  - id: s',
        '    keyvault: https://v.vault.azure.net/secrets/s',
        'volumes:',
        '  - name: v',
        '    secret: {a.pem: eA==}',
        'steps:',
        '  - cmd: x',
        '    volumeMounts: [{name: v, mountPath: /v}]',
      ),
    );
    expect(result.task?.secrets).toEqual([{ id: 's', keyvault: 'https://v.vault.azure.net/secrets/s', location: { file: 't.yaml', line: 2, col: 5 } }]);
    expect(result.task?.volumes).toEqual([{ name: 'v', secret: { 'a.pem': 'eA==' } }]);
    expect((result.task?.steps[0] as CmdStep).volumeMounts).toEqual([{ name: 'v', mountPath: '/v' }]);
  });
});

describe('env merging (acb-spec §1.6)', () => {
  it('appends task env the step does not set, after the step\'s own items', () => {
    const [step] = stepsOf(yaml('env: [A=task, B=task]', 'steps:', '  - cmd: x', '    env: [B=step, C=step, C=again]')) as [CmdStep];
    expect(step.env).toEqual(['B=step', 'C=step', 'C=again', 'A=task']);
  });

  it('splits task env values on commas, with a warning', () => {
    const result = parse(yaml('env: ["A=1,B=2"]', 'steps:', '  - cmd: x'));
    expect((result.task?.steps[0] as CmdStep).env).toEqual(['A=1', 'B=2']);
    expect(result.diagnostics.map((d) => [`${d.location?.line}:${d.location?.col}`, d.severity, d.code, d.message, d.hint])).toEqual([
      [
        '1:7',
        'warning',
        'task-env-comma',
        'task `env` item "A=1,B=2" contains a comma; ACR splits task-level env values on commas, so steps get "A=1" and "B=2"',
        "to keep the comma, set the variable in each step's `env` instead",
      ],
    ]);
  });

  it('reports ACR\'s merge errors once, at the item', () => {
    const result = parse(yaml('env: ["LIST=a,b"]', 'steps:', '  - cmd: x', '    env: [NOEQUALS]', '  - cmd: y'));
    expect(result.diagnostics.map((d) => [`${d.location?.line}:${d.location?.col}`, d.code, d.message, d.hint])).toEqual([
      [
        '1:7',
        'invalid-env',
        'cannot parse task environment variable "b" correctly: `env` items are KEY=value',
        'ACR splits task-level `env` values on commas ("LIST=a,b" → "LIST=a", "b"); set this variable in each step\'s `env` instead',
      ],
      ['4:11', 'invalid-env', 'cannot parse step environment variable "NOEQUALS" correctly: `env` items are KEY=value', 'write it as `NOEQUALS=value`'],
    ]);
  });

  it('does not check step env when the task has none (as ACR)', () => {
    const [step] = stepsOf(yaml('steps:', '  - cmd: x', '    env: [NOEQUALS]')) as [CmdStep];
    expect(step.env).toEqual(['NOEQUALS']);
  });
});

describe('the position of an unclosed quote', () => {
  /** `LINE:COL message` of each unclosed-quote error. */
  function unclosedQuotesOf(result: ParseTaskResult): string[] {
    return result.diagnostics
      .filter((d) => d.code === 'unclosed-quote')
      .map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`);
  }

  /** Parses `rendered` as the text a stage made from `original`, line for line. */
  function parseRendered(original: string, rendered: string): ParseTaskResult {
    const source = deriveText(fromOriginal('t.yaml', original), rendered, splitLines(rendered).map((_, i) => i + 1));
    return parseTask({ source });
  }

  it.each([
    {
      scalar: 'a plain scalar',
      text: yaml('steps:', "  - cmd: alpine sh -c 'echo hi"),
      expected: "2:23 `cmd` has a ' quote that is never closed",
    },
    {
      scalar: 'a single-quoted scalar',
      text: yaml('steps:', `  - cmd: 'alpine sh -c "it''s'`),
      expected: '2:24 `cmd` has a " quote that is never closed',
    },
    {
      scalar: 'a double-quoted scalar with escapes before the quote',
      text: yaml('steps:', '  - cmd: "alpine \\"a\\" sh -c \\x27echo"'),
      expected: "2:30 `cmd` has a ' quote that is never closed",
    },
    {
      scalar: 'a double-quoted scalar over two lines',
      text: yaml('steps:', '  - cmd: "alpine sh', "      -c 'echo\""),
      expected: "3:10 `cmd` has a ' quote that is never closed",
    },
    {
      scalar: 'a literal block',
      text: yaml('steps:', '  - cmd: |', '      alpine sh -c', "        'echo hi"),
      expected: "4:9 `cmd` has a ' quote that is never closed",
    },
    {
      scalar: 'a folded block',
      text: yaml('steps:', '  - build: >-', '      -t img', '      --build-arg "A=b .'),
      expected: '4:19 `build` has a " quote that is never closed',
    },
    {
      scalar: 'a plain build string',
      text: yaml('steps:', "  - build: -t img 'x ."),
      expected: "2:19 `build` has a ' quote that is never closed",
    },
  ])('points at the quote in $scalar', ({ text, expected }) => {
    expect(unclosedQuotesOf(parse(text))).toEqual([expected]);
  });

  it('points at the quote after a command word expanded from an alias', () => {
    const aliases = new Map([['bash', 'mcr.microsoft.com/acr/bash:2ff604c']]);
    expect(unclosedQuotesOf(parse(yaml('steps:', "  - cmd: '  bash -c ''echo'"), aliases))).toEqual([
      "2:21 `cmd` has a ' quote that is never closed",
    ]);
  });

  it('points at the value when the quote comes from the alias value', () => {
    const aliases = new Map([['q', "alpine sh -c 'echo"]]);
    expect(unclosedQuotesOf(parse(yaml('steps:', '  - cmd: q hi'), aliases))).toEqual([
      "2:10 `cmd` has a ' quote that is never closed",
    ]);
  });

  it('points at the value when it is a YAML alias', () => {
    const text = yaml('x-cmd: &c alpine sh -c "echo', 'steps:', '  - cmd: *c');
    expect(unclosedQuotesOf(parse(text))).toEqual(['3:10 `cmd` has a " quote that is never closed']);
  });

  it('points at the value when a block counts its indentation from the parent', () => {
    const text = yaml('steps:', '  - cmd: |2', "      alpine sh -c 'echo");
    expect(unclosedQuotesOf(parse(text))).toEqual(["2:10 `cmd` has a ' quote that is never closed"]);
  });

  it('points at the quote as written on a line an `$alias` lengthened', () => {
    const original = yaml('version: v1.1.0', 'steps:', "  - cmd: $sh -c 'echo hi");
    const rendered = yaml('version: v1.1.0', 'steps:', "  - cmd: mcr.microsoft.com/acr/sh:1 -c 'echo hi");
    expect(unclosedQuotesOf(parseRendered(original, rendered))).toEqual(["3:17 `cmd` has a ' quote that is never closed"]);
  });

  it('points at the quote as written on a line a template action shortened', () => {
    const original = yaml('steps:', "  - cmd: {{.Values.image}} sh -c 'echo hi");
    const rendered = yaml('steps:', "  - cmd: alpine sh -c 'echo hi");
    expect(unclosedQuotesOf(parseRendered(original, rendered))).toEqual(["2:34 `cmd` has a ' quote that is never closed"]);
  });
});
