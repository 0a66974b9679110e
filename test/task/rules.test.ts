import { describe, it, expect } from 'vitest';
import { rows, yaml } from './helpers.js';
import type { Row } from './helpers.js';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly expected: readonly Row[];
}

const e = (at: string, code: string, message: string, hint?: string): Row => ({
  at: `t.yaml:${at}`,
  severity: 'error',
  code,
  message,
  ...(hint !== undefined && { hint }),
});
const w = (at: string, code: string, message: string, hint?: string): Row => ({ ...e(at, code, message, hint), severity: 'warning' });

const cases: Case[] = [
  {
    name: 'build and cmd in one step',
    text: yaml('steps:', '  - id: a', '    build: .', '    cmd: alpine echo'),
    expected: [
      e('3:12', 'step-with-several-kinds', 'step `a` has both `cmd` and `build`; a step runs exactly one of `cmd`, `build` or `push`', 'move `build` into a step of its own'),
    ],
  },
  {
    name: 'a step without a kind',
    text: yaml('steps:', '  - id: a', '    timeout: 5'),
    expected: [e('2:5', 'step-without-kind', 'step `a` has no `cmd`, `build` or `push`', 'give it one, e.g. `cmd: alpine echo hello`')],
  },
  {
    name: 'a step whose kind is misspelt or named as in another CI system, in one error at the key',
    text: yaml('steps:', '  - bulid: -t a .', '  - id: b', '    run: busybox true'),
    expected: [
      e('2:5', 'step-without-kind', 'step `acb_step_0` has no `cmd`, `build` or `push`; did you mean `build` instead of `bulid`?', 'rename `bulid` to `build`'),
      e('4:5', 'step-without-kind', 'step `b` has no `cmd`, `build` or `push`; did you mean `cmd` instead of `run`?', 'rename `run` to `cmd`'),
    ],
  },
  {
    name: 'an empty cmd counts as none',
    text: yaml('steps:', '  - cmd: ""'),
    expected: [e('2:5', 'step-without-kind', 'step `acb_step_0` has no `cmd`, `build` or `push`', 'give it one, e.g. `cmd: alpine echo hello`')],
  },
  {
    name: 'duplicate ids name both lines',
    text: yaml('steps:', '  - id: a', '    cmd: x', '  - id: a', '    cmd: y'),
    expected: [e('4:9', 'duplicate-step-id', 'step id `a` is used twice (lines 2 and 4)', 'give each step its own `id`')],
  },
  {
    name: 'id with whitespace',
    text: yaml('steps:', '  - id: "my step"', '    cmd: x'),
    expected: [e('2:9', 'invalid-step-id', 'step id "my step" contains whitespace', 'use `-` or `_` instead, e.g. `my-step`')],
  },
  {
    name: 'reserved acb_root',
    text: yaml('steps:', '  - id: acb_root', '    cmd: x'),
    expected: [e('2:9', 'reserved-step-id', 'step id `acb_root` is reserved for the start of the task', 'choose another id')],
  },
  {
    name: 'explicit id colliding with a generated one',
    text: yaml('steps:', '  - cmd: x', '  - id: acb_step_0', '    cmd: y'),
    expected: [
      e('3:9', 'step-id-collision', 'step id `acb_step_0` is also the generated id of the step on line 2, which has no `id`', 'rename this step, or give the step on line 2 an `id`'),
    ],
  },
  {
    name: 'explicit id taking the id a later step generates',
    text: yaml('steps:', '  - id: acb_step_1', '    cmd: x', '  - cmd: y'),
    expected: [
      e('2:9', 'step-id-collision', 'step id `acb_step_1` is also the generated id of the step on line 4, which has no `id`', 'rename this step, or give the step on line 4 an `id`'),
    ],
  },
  {
    name: 'when naming an unknown step, with did-you-mean',
    text: yaml('steps:', '  - id: build', '    cmd: x', '  - cmd: y', '    when: [biuld]'),
    expected: [e('5:12', 'when-unknown-step', '`when` names step `biuld`, which does not exist', 'did you mean `build`?')],
  },
  {
    name: 'when naming a later step',
    text: yaml('steps:', '  - id: b', '    cmd: x', '    when: [c]', '  - id: c', '    cmd: y'),
    expected: [
      e('4:12', 'when-later-step', '`when` names step `c`, which comes later (line 5); a step can only wait for steps above it', 'move step `c` above this one'),
    ],
  },
  {
    name: 'when naming the step itself',
    text: yaml('steps:', '  - id: b', '    cmd: x', '    when: [b]'),
    expected: [e('4:12', 'when-self', '`when` names the step itself (`b`)', 'remove it; a step cannot wait for itself')],
  },
  {
    name: 'when naming a step twice',
    text: yaml('steps:', '  - id: a', '    cmd: x', '  - cmd: y', '    when: [a, a]'),
    expected: [e('5:15', 'when-duplicate', '`when` names step `a` twice; ACR would wait forever', 'list each step once')],
  },
  {
    name: 'when mixing - with ids',
    text: yaml('steps:', '  - id: a', '    cmd: x', '  - cmd: y', '    when: ["-", a]'),
    expected: [e('5:11', 'when-start-mixed', '`when` mixes `-` (start at once) with step ids', 'write either `when: ["-"]` or a list of step ids')],
  },
  {
    name: 'negative retries',
    text: yaml('steps:', '  - cmd: x', '    retries: -1'),
    expected: [e('3:14', 'invalid-value', '`retries` must be 0 or more, got -1', 'remove `retries` or write `retries: 0`')],
  },
  {
    name: 'negative repeat, timeout, startDelay and retryDelay',
    text: yaml('steps:', '  - cmd: x', '    repeat: -2', '    timeout: -1', '    startDelay: -3', '    retryDelay: -4'),
    expected: [
      e('3:13', 'invalid-value', '`repeat` must be 0 or more, got -2', 'remove `repeat` or write `repeat: 0`'),
      e('4:14', 'invalid-value', '`timeout` must be 0 or more, got -1', 'remove `timeout` or write `timeout: 0`'),
      e('5:17', 'invalid-value', '`startDelay` must be 0 or more, got -3', 'remove `startDelay` or write `startDelay: 0`'),
      e('6:17', 'invalid-value', '`retryDelay` must be 0 or more, got -4', 'remove `retryDelay` or write `retryDelay: 0`'),
    ],
  },
  {
    name: 'cache neither enabled nor disabled',
    text: yaml('steps:', '  - build: .', '    cache: on'),
    expected: [
      e('3:12', 'invalid-cache', '`cache` must be `enabled` or `disabled`, got "on"', 'write `cache: enabled` (buildx with a registry cache) or `cache: disabled`'),
    ],
  },
  {
    name: 'cache is case-insensitive (disabled is quiet; enabled only gets the lint note)',
    text: yaml('steps:', '  - build: .', '    cache: Disabled'),
    expected: [],
  },
  {
    name: 'unknown version',
    text: yaml('version: v2', 'steps:', '  - cmd: x'),
    expected: [
      e('1:10', 'invalid-version', '`version` must be one of `1.0-preview-1`, `v1.0.0`, `v1.1.0` (any case), got "v2"', 'write `version: v1.1.0` (with aliases) or `version: v1.0.0`'),
    ],
  },
  {
    name: 'secret without id and without source',
    text: yaml('secrets:', '  - clientID: c', 'steps:', '  - cmd: x'),
    expected: [
      e('2:5', 'secret-without-id', 'secret 1 has no `id`', 'add `id: <name>`; templates read it as `{{.Secrets.<name>}}`'),
      e('2:5', 'secret-without-source', 'secret 1 has neither `keyvault` nor `aadresourceid`', 'add `keyvault: https://<vault>.vault.azure.net/secrets/<name>`'),
      e('2:15', 'invalid-client-id', '`clientID` must be a GUID, got "c"', "write the managed identity's client id, e.g. `clientID: 00000000-0000-0000-0000-000000000000`"),
    ],
  },
  {
    name: 'secret id with spaces and a duplicate secret',
    text: yaml(
      'secrets:',
      '  - id: "a b"',
      '    keyvault: https://v.vault.azure.net/secrets/s',
      '  - id: c',
      '    aadresourceid: https://management.azure.com/',
      '    clientID: 3c1f6b0e-8a3c-4d7e-9f12-0a1b2c3d4e5f',
      '  - id: c',
      '    keyvault: https://v.vault.azure.net/secrets/t',
      'steps:',
      '  - cmd: x',
    ),
    expected: [
      e('2:9', 'invalid-secret-id', 'secret id "a b" contains whitespace', 'use `-` or `_` instead of spaces'),
      e('7:9', 'duplicate-secret-id', 'secret id `c` is used twice (lines 4 and 7)', 'give each secret its own `id`'),
    ],
  },
  {
    name: 'volume rules',
    text: yaml(
      'volumes:',
      '  - name: "bad name"',
      '    secret:',
      '      "a b": eA==',
      '  - name: v',
      '  - name: v',
      '    secret: {f: eA==}',
      'steps:',
      '  - cmd: x',
    ),
    expected: [
      e('2:11', 'invalid-volume-name', 'volume name "bad name" may only use letters, digits, `-` and `_`', 'e.g. `bad-name`'),
      e('4:7', 'invalid-volume-file-name', 'file name "a b" in volume `bad name` may only use letters, digits, `-`, `_` and `.`', 'rename the file'),
      e('5:5', 'volume-without-files', 'volume `v` has no `secret` files', 'add `secret:` with `<file name>: <base64 content>` lines'),
      e('6:11', 'duplicate-volume-name', 'volume name `v` is used twice (lines 5 and 6)', 'give each volume its own `name`'),
    ],
  },
  {
    name: 'volume mount rules',
    text: yaml(
      'volumes:',
      '  - name: certs',
      '    secret: {a.pem: eA==}',
      'steps:',
      '  - cmd: x',
      '    volumeMounts:',
      '      - name: cert',
      '        mountPath: /run/a',
      '      - name: certs',
      '        mountPath: /run/a',
      '      - name: certs',
    ),
    expected: [
      e('7:15', 'unknown-volume', 'volume mount names volume `cert`, which the task does not declare', 'did you mean `certs`?'),
      e('10:20', 'duplicate-mount-path', 'step `acb_step_0` mounts two volumes at `/run/a` (lines 8 and 10)', 'give each mount its own `mountPath`'),
      e('11:9', 'mount-without-field', 'volume mount 3 of step `acb_step_0` has no `mountPath`', 'write both `name: <volume>` and `mountPath: <path in the container>`'),
    ],
  },
  {
    name: 'mounts on a push step',
    text: yaml(
      'volumes:',
      '  - name: v',
      '    secret: {f: eA==}',
      'steps:',
      '  - build: -t img .',
      '  - push: [img]',
      '    volumeMounts: [{name: v, mountPath: /v}]',
    ),
    expected: [
      e('7:5', 'mounts-on-push-step', '`volumeMounts` only work on cmd and build steps; step `acb_step_1` is a push step', 'remove `volumeMounts` from this step'),
    ],
  },
  {
    name: 'the same volume at two paths is fine',
    text: yaml('volumes:', '  - name: v', '    secret: {f: eA==}', 'steps:', '  - cmd: x', '    volumeMounts: [{name: v, mountPath: /a}, {name: v, mountPath: /b}]'),
    expected: [],
  },
  {
    name: 'a volume whose secret or name has the wrong shape gets only the type error',
    text: yaml('volumes:', '  - name: v', '    secret: [eA==]', '  - name: [w]', '    secret: plain', 'steps:', '  - cmd: x'),
    expected: [
      e('3:13', 'invalid-type', '`secret` must be a mapping, got a list', 'write `secret` as `key: value` lines'),
      e('4:11', 'invalid-type', '`name` must be a single value, got a list', 'write `name` as one value (quote it if needed)'),
      e('5:13', 'invalid-type', '`secret` must be a mapping, got "plain"', 'write `secret` as `key: value` lines'),
    ],
  },
  {
    name: 'a secret id, a keyvault and a network name with the wrong shape get only the type error',
    text: yaml('secrets:', '  - id: [a]', '    keyvault: {url: x}', 'networks:', '  - name: [n]', 'steps:', '  - cmd: x'),
    expected: [
      e('2:9', 'invalid-type', '`id` must be a single value, got a list', 'write `id` as one value (quote it if needed)'),
      e('3:15', 'invalid-type', '`keyvault` must be a single value, got a mapping', 'write `keyvault` as one value (quote it if needed)'),
      e('5:11', 'invalid-type', '`name` must be a single value, got a list', 'write `name` as one value (quote it if needed)'),
    ],
  },
  {
    name: 'a mount field with the wrong shape gets the type error; a missing one is still reported',
    text: yaml('volumes:', '  - name: v', '    secret: {f: eA==}', 'steps:', '  - cmd: x', '    volumeMounts:', '      - name: [v]', '      - mountPath: [/a]'),
    expected: [
      e('7:9', 'mount-without-field', 'volume mount 1 of step `acb_step_0` has no `mountPath`', 'write both `name: <volume>` and `mountPath: <path in the container>`'),
      e('7:15', 'invalid-type', '`name` must be a single value, got a list', 'write `name` as one value (quote it if needed)'),
      e('8:9', 'mount-without-field', 'volume mount 2 of step `acb_step_0` has no `name`', 'write both `name: <volume>` and `mountPath: <path in the container>`'),
      e('8:20', 'invalid-type', '`mountPath` must be a single value, got a list', 'write `mountPath` as one value (quote it if needed)'),
    ],
  },
  {
    name: 'network without a name',
    text: yaml('networks:', '  - driver: bridge', 'steps:', '  - cmd: x'),
    expected: [e('2:5', 'network-without-name', 'network 1 has no `name`', 'add `name: <network>`')],
  },
  {
    name: 'exitedWith and exitedWithout have no effect',
    text: yaml('steps:', '  - cmd: x', '    exitedWith: [0]', '    exitedWithout: [1]'),
    expected: [
      w('3:5', 'no-effect', '`exitedWith` has no effect (ACR ignores it too)', 'remove `exitedWith`; a step fails on any non-zero exit code (use `ignoreErrors: true` to carry on)'),
      w('4:5', 'no-effect', '`exitedWithout` has no effect (ACR ignores it too)', 'remove `exitedWithout`; a step fails on any non-zero exit code (use `ignoreErrors: true` to carry on)'),
    ],
  },
  {
    name: 'no steps',
    text: yaml('version: v1.1.0'),
    expected: [w('1:1', 'no-steps', 'the task has no steps', 'add a `steps:` list; ACR runs nothing and reports success')],
  },
  {
    name: 'an empty steps list',
    text: yaml('version: v1.1.0', 'steps: []'),
    expected: [w('2:8', 'no-steps', 'the task has no steps', 'add a `steps:` list; ACR runs nothing and reports success')],
  },
];

describe('task rules', () => {
  it.each(cases)('$name', ({ text, expected }) => {
    expect(rows(text)).toEqual(expected);
  });
});
