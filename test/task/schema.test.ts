import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Ajv } from 'ajv';
import { COMMON_SCHEMA_FILE, SCHEMA_FILES, fieldTypeAt, knownKeysAt } from '../../src/task/schema.js';
import { parse, rows, yaml } from './helpers.js';

const readJson = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

const fullExample = {
  version: 'v1.0.0',
  stepTimeout: 900,
  env: ['MODE=release'],
  workingDirectory: 'src',
  secrets: [{ id: 's1', keyvault: 'https://v.vault.azure.net/secrets/s1', clientID: '3c1f6b0e-8a3c-4d7e-9f12-0a1b2c3d4e5f' }],
  networks: [{ name: 'net', driver: 'bridge', ipv6: false, skipCreation: false, isDefault: true }],
  volumes: [{ name: 'certs', secret: { 'a.pem': 'eA==' } }],
  steps: [
    {
      id: 'build',
      build: '-t app:1 .',
      cache: 'enabled',
      workingDirectory: 'app',
      env: ['A=b'],
      timeout: 60,
      startDelay: 1,
      retries: 2,
      retryDelay: 3,
      retryOnErrors: ['TLS handshake timeout'],
      repeat: 0,
      volumeMounts: [{ name: 'certs', mountPath: '/certs' }],
      network: 'net',
      user: 'root',
      privileged: true,
      keep: false,
      detach: false,
      ports: ['8080:80'],
      expose: ['80'],
      isolation: 'default',
      cpus: '1',
      ignoreErrors: false,
      disableWorkingDirectoryOverride: false,
    },
    { id: 'test', cmd: 'app:1 go test ./...', entryPoint: 'sh', pull: false, cmdDownloadRetries: 1, cmdDownloadRetryDelay: 2, when: ['build'] },
    { push: ['app:1'], when: ['-'], exitedWith: [0], exitedWithout: [1] },
  ],
};

describe('schema files', () => {
  const common = readJson(COMMON_SCHEMA_FILE);

  it.each(Object.entries(SCHEMA_FILES))('%s (%s) loads in a fresh ajv and validates a full example', (version, file) => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(common);
    const validate = ajv.compile(readJson(file));
    expect(validate({ ...fullExample, version })).toBe(true);
    expect(validate.errors).toBe(null);
    expect(validate({ steps: [{ cmd: 'x', timeout: '10s' }] })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/steps/0/timeout type']);
  });

  it('gives relative $ids so editors resolve the common file next to the versioned one', () => {
    expect(common['$id']).toBe('task.common.json');
    for (const file of Object.values(SCHEMA_FILES)) {
      const schema = readJson(file);
      expect(schema['$id']).toBe(file);
      expect(JSON.stringify(schema)).toContain('"$ref":"task.common.json#/definitions/task"');
    }
  });

  it('adds `alias` only from v1.1.0 on', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(common);
    const validate = ajv.compile(readJson(SCHEMA_FILES['v1.1.0']));
    expect(validate({ alias: { values: { b: 'mcr.microsoft.com/acr/bash' } }, steps: [] })).toBe(true);
    expect(validate({ alias: { values: 'nope' } })).toBe(false);
    expect(knownKeysAt('v1.1.0', []).has('alias')).toBe(true);
    expect(knownKeysAt('v1.0.0', []).has('alias')).toBe(false);
  });

  it('documents every property with a type and a description, and the ACR defaults', () => {
    const definitions = common['definitions'] as Record<string, { properties?: Record<string, Record<string, unknown>> }>;
    for (const [name, definition] of Object.entries(definitions)) {
      for (const [key, property] of Object.entries(definition.properties ?? {})) {
        expect(typeof property['description'], `${name}.${key}`).toBe('string');
      }
    }
    const step = definitions['step']?.properties ?? {};
    const task = definitions['task']?.properties ?? {};
    expect([task['stepTimeout']?.['default'], step['timeout']?.['default'], step['retryDelay']?.['default']]).toEqual([600, 600, 5]);
    expect([task['version']?.['default'], step['workingDirectory']?.['default']]).toEqual(['v1.0.0', '/workspace']);
  });

  it('tells the YAML decoder the field types', () => {
    expect(fieldTypeAt('v1.0.0', ['steps', 0, 'id'])).toBe('string');
    expect(fieldTypeAt('v1.0.0', ['steps', 3, 'timeout'])).toBe('integer');
    expect(fieldTypeAt('v1.0.0', ['steps', 3, 'when', 0])).toBe('string');
    expect(fieldTypeAt('v1.0.0', ['volumes', 0, 'secret', 'a.pem'])).toBe('string');
    expect(fieldTypeAt('v1.0.0', ['steps', 0, 'nope'])).toBe(undefined);
  });
});

describe('schema findings in the user\'s words', () => {
  const e = (at: string, message: string, hint: string) => ({ at: `t.yaml:${at}`, severity: 'error', code: 'invalid-type', message, hint });

  it.each([
    {
      name: 'a unit in a number of seconds',
      text: yaml('steps:', '  - cmd: x', '    timeout: 10s'),
      expected: e('3:14', '`timeout` must be a whole number of seconds, got "10s"', 'write a number without quotes or units, e.g. `timeout: 10`'),
    },
    {
      name: 'a quoted number (a type error on ACR too)',
      text: yaml('stepTimeout: "600"', 'steps:', '  - cmd: x'),
      expected: e('1:14', '`stepTimeout` must be a whole number of seconds, got "600"', 'write a number without quotes or units, e.g. `stepTimeout: 600`'),
    },
    {
      name: 'a count',
      text: yaml('steps:', '  - cmd: x', '    retries: many'),
      expected: e('3:14', '`retries` must be a whole number, got "many"', 'write a number without quotes or units, e.g. `retries: 3`'),
    },
    {
      name: 'a scalar where a list is expected (push)',
      text: yaml('steps:', '  - push: foo'),
      expected: e('2:11', '`push` must be a list, got "foo"', 'write the list form: `push: ["foo"]`, or one `- item` per line below `push:`'),
    },
    {
      name: 'a scalar where a list is expected (env)',
      text: yaml('env: A=B', 'steps:', '  - cmd: x'),
      expected: e('1:6', '`env` must be a list, got "A=B"', 'write the list form: `env: ["A=B"]`, or one `- item` per line below `env:`'),
    },
    {
      name: 'a quoted boolean',
      text: yaml('steps:', '  - cmd: x', '    keep: "yes"'),
      expected: e('3:11', '`keep` must be true or false, got "yes"', 'write `keep: true` or `keep: false` without quotes'),
    },
    {
      name: 'a list where a string is expected',
      text: yaml('steps:', '  - cmd: [alpine, echo]'),
      expected: e('2:10', '`cmd` must be a single value, got a list', 'write `cmd` as one value (quote it if needed)'),
    },
    {
      name: 'a step that is not a mapping',
      text: yaml('steps:', '  - alpine echo hi'),
      expected: e('2:5', '`steps` item 1 must be a mapping, got "alpine echo hi"', 'start each step with a key, e.g. `- cmd: alpine echo hello`'),
    },
  ])('$name', ({ text, expected }) => {
    expect(rows(text)).toEqual([expected]);
  });
});

describe('unknown and ignored keys', () => {
  it('warns about unknown keys with did-you-mean', () => {
    expect(rows(yaml('stpes:', '  - cmd: x', 'steps:', '  - cmd: x', '    retry: 3', '    whatever: 1'))).toEqual([
      {
        at: 't.yaml:1:1',
        severity: 'warning',
        code: 'unknown-key',
        message: 'unknown key `stpes` (ACR ignores it); did you mean `steps`?',
        hint: 'rename it to `steps`',
      },
      {
        at: 't.yaml:5:5',
        severity: 'warning',
        code: 'unknown-key',
        message: 'unknown key `retry` (ACR ignores it); did you mean `retries`?',
        hint: 'rename it to `retries`',
      },
      expect.objectContaining({ at: 't.yaml:6:5', code: 'unknown-key', message: 'unknown key `whatever` (ACR ignores it)' }),
    ]);
  });

  it('suggests the key other CI systems use for the same thing, and lists the known keys once per kind of mapping', () => {
    const found = rows(yaml('steps:', '  - cmd: x', '    continueOnError: true', '    dependsOn: [a]', '    colour: red', '  - cmd: y', '    flavour: z'));
    expect(found.map((row) => [row.at, row.message, row.hint?.slice(0, 40)])).toEqual([
      ['t.yaml:3:5', 'unknown key `continueOnError` (ACR ignores it); did you mean `ignoreErrors`?', 'rename it to `ignoreErrors`'],
      ['t.yaml:4:5', 'unknown key `dependsOn` (ACR ignores it); did you mean `when`?', 'rename it to `when`'],
      ['t.yaml:5:5', 'unknown key `colour` (ACR ignores it)', 'known keys here: `id`, `cmd`, `build`, `'],
      ['t.yaml:7:5', 'unknown key `flavour` (ACR ignores it)', 'the known keys are listed at line 5'],
    ]);
  });

  it('checks keys inside secrets, networks, volumes and mounts', () => {
    const found = rows(
      yaml(
        'secrets: [{id: s, keyvault: k, clientId: c}]',
        'networks: [{name: n, default: true}]',
        'volumes: [{name: v, secret: {any-file: eA==}, secrets: {}}]',
        'steps:',
        '  - cmd: x',
        '    volumeMounts: [{name: v, path: /v}]',
      ),
    ).filter((row) => row.code === 'unknown-key');
    expect(found.map((row) => `${row.at} ${row.message}`)).toEqual([
      't.yaml:1:32 unknown key `clientId` (ACR ignores it); did you mean `clientID`?',
      't.yaml:2:22 unknown key `default` (ACR ignores it); did you mean `isDefault`?',
      't.yaml:3:47 unknown key `secrets` (ACR ignores it); did you mean `secret`?',
      't.yaml:6:30 unknown key `path` (ACR ignores it)',
    ]);
  });

  it('accepts ACR\'s accidental lower-case keys with an ignored-key warning', () => {
    expect(rows(yaml('registryname: r', 'isbuildtask: true', 'steps:', '  - cmd: x', '    usesbuildkit: true'))).toEqual([
      {
        at: 't.yaml:1:1',
        severity: 'warning',
        code: 'ignored-key',
        message: '`registryname` has no effect in taskrun (ACR accepts it only as an internal field)',
        hint: 'remove `registryname`',
      },
      expect.objectContaining({ at: 't.yaml:2:1', code: 'ignored-key' }),
      expect.objectContaining({ at: 't.yaml:5:5', code: 'ignored-key' }),
    ]);
  });

  it('honours step `tags` (replacing the tags read from `build`) and secret `aadresourceid`', () => {
    const result = parse(
      yaml('secrets:', '  - id: myregistry', '    aadresourceid: https://management.azure.com/', 'steps:', '  - build: -t a:1 .', '    tags: [b:2]'),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.task?.steps[0]).toMatchObject({ kind: 'build', tags: ['b:2'] });
  });

  it('warns that `alias` needs v1.1.0 and accepts it there', () => {
    expect(rows(yaml('version: v1.0.0', 'alias:', '  values: {b: bash}', 'steps:', '  - cmd: x'))).toEqual([
      {
        at: 't.yaml:2:1',
        severity: 'warning',
        code: 'unknown-key',
        message: '`alias` has no effect in a v1.0.0 file (ACR ignores it)',
        hint: 'aliases need `version: v1.1.0`',
      },
    ]);
    expect(rows(yaml('version: v1.1.0', 'alias:', '  values: {b: bash}', 'steps:', '  - cmd: x'))).toEqual([]);
  });
});
