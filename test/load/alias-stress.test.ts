import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { splitAliasBlock } from '../../src/load/alias-block.js';
import { substituteAliases } from '../../src/load/alias-substitution.js';
import { resolveAliases } from '../../src/load/aliases.js';
import { stripCommentLines } from '../../src/load/comment-lines.js';
import { fromOriginal } from '../../src/source-text.js';

// The acb stress corpus (graph/testdata/preprocessor/preprocessing-stress.yaml), run through
// split → resolve → substitute and compared as YAML, as acb's test does.

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskrun-stress-'));
  // Unquoted `n`, `y` and digits on purpose: YAML 1.1 would read them as booleans and numbers.
  const identity = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].map((c) => `${c}: ${c}`).join('\n');
  await writeFile(join(dir, 'alphanumeric-external.yaml'), `# Letters and digits\n${identity}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function preprocess(text: string) {
  const { aliasBlock, task } = splitAliasBlock(stripCommentLines(fromOriginal('stress.yaml', text)));
  const resolved = await resolveAliases({ aliasBlock, taskDir: dir, os: 'linux' });
  expect(resolved.diagnostics).toEqual([]);
  return substituteAliases(task, resolved);
}

describe('alias stress corpus', () => {
  it('Chaining Directive Unicode', async () => {
    const result = await preprocess(
      [
        'alias:',
        '  src:',
        '    - alphanumeric-external.yaml',
        '  directive: 🐳',
        '',
        'version: v1.1.0',
        'steps:',
        '  - 🐳i🐳d: puller',
        '    cmd: azure/images/docker pull ubuntu',
        '  - id: 🐳C',
        '    cmd: blah',
        '    ports:',
        '      - "8000:8🐳0🐳0🐳0"',
        '      - "8080:8🐳0🐳8🐳0"',
        '  - id: build-bar',
        '    cmd: azure/images/acr-builder build -🐳f Dockerfile https://github.com/ehotinger/bar --cache-from=ubuntu',
        '  - id: 🐳B',
        '    when: [🐳C]',
        '    cmd: azure/images/git clone https://github.com/ehotinger/clone',
      ].join('\n'),
    );
    expect(parse(result.text)).toEqual({
      version: 'v1.1.0',
      steps: [
        { id: 'puller', cmd: 'azure/images/docker pull ubuntu' },
        { id: 'C', cmd: 'blah', ports: ['8000:8000', '8080:8080'] },
        { id: 'build-bar', cmd: 'azure/images/acr-builder build -f Dockerfile https://github.com/ehotinger/bar --cache-from=ubuntu' },
        { id: 'B', when: ['C'], cmd: 'azure/images/git clone https://github.com/ehotinger/clone' },
      ],
    });
    expect(result.origins).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 19]);
  });

  it('Multiline Alias', async () => {
    const result = await preprocess(
      [
        'alias:',
        '  values:',
        '    Puller: |',
        '      id: puller',
        '          cmd: azure/images/docker pull ubuntu',
        '          env: [eric=foo, foo=bar]',
        '          retries: 5',
        '    C: |',
        '      id: C',
        '          cmd: blah',
        '          ports:',
        '            - "8000:8000"',
        '          keep: true',
        '    buildQaz: |',
        '      id: build-qaz',
        '          build: "-f Dockerfile https://github.com/ehotinger/qaz --cache-from=ubuntu"',
        '          repeat: 2',
        '',
        'stepTimeout: 600',
        'version: v1.1.0',
        'steps:',
        '  - $Puller',
        '  - $C',
        '  - $buildQaz',
      ].join('\n'),
    );
    expect(parse(result.text)).toEqual({
      stepTimeout: 600,
      version: 'v1.1.0',
      steps: [
        { id: 'puller', cmd: 'azure/images/docker pull ubuntu', env: ['eric=foo', 'foo=bar'], retries: 5 },
        { id: 'C', cmd: 'blah', ports: ['8000:8000'], keep: true },
        { id: 'build-qaz', build: '-f Dockerfile https://github.com/ehotinger/qaz --cache-from=ubuntu', repeat: 2 },
      ],
    });
    expect(result.text.split('\n').slice(3, 7)).toEqual([
      '  - id: puller',
      '    cmd: azure/images/docker pull ubuntu',
      '    env: [eric=foo, foo=bar]',
      '    retries: 5',
    ]);
    expect(result.origins).toEqual([19, 20, 21, 22, 22, 22, 22, 22, 23, 23, 23, 23, 23, 23, 24, 24, 24, 24, 24]);
  });

  it('Escape', async () => {
    const result = await preprocess(
      [
        'alias:',
        '  values:',
        '    puller: "break"',
        '    azure: "break"',
        '    images: "break"',
        '    docker: "break"',
        'version: v1.1.0',
        'steps:',
        '  - id: $$puller',
        '    cmd: $$azure/$$images/$$docker pull ubuntu',
        '    entryPoint: $$someEntryPoint',
      ].join('\n'),
    );
    expect(parse(result.text)).toEqual({
      version: 'v1.1.0',
      steps: [{ id: '$puller', cmd: '$azure/$images/$docker pull ubuntu', entryPoint: '$someEntryPoint' }],
    });
  });

  it('Alias No Use', async () => {
    const task = 'version: v1.1.0\nsteps:\n  - id: puller\n    cmd: azure/images/docker pull ubuntu\n  - id: build-qaz\n    build: -f Dockerfile .\n';
    const result = await preprocess(`alias:\n  values:\n    puller: "break"\n    id: "break"\n    build: "break"\n${task}`);
    expect(result.text).toBe(task);
  });
});
