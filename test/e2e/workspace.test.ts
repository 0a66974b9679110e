// End-to-end: the workspace is a copy by default (the user's folder stays byte-for-byte the same,
// later cmd and build steps see what earlier steps wrote, `.dockerignore` is honoured), `--bind`
// mounts the live folder, and `{{.Run.SharedVolume}}` names what /workspace is in both modes.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { ENGINE_PATHS, listContainers, listVolumes, requireLab, runEngineCli } from '../helpers/lab.js';
import { newRunId, removeContexts, runOnLab, writeContext, namePrefixOf } from './run-on-lab.js';
import { hashTree } from './tree-hash.js';

let lab: LabEnv;

beforeEach(async () => {
  lab = await requireLab();
});

afterEach(async () => {
  await removeContexts();
});

const WRITING_TASK = (image: string) =>
  [
    'steps:',
    '  - id: write',
    "    cmd: busybox sh -c 'echo generated > gen.txt && rm doomed.txt && sed -i s/FROM/FROM/ Dockerfile && echo changed >> keep.txt && mkdir -p out && echo x > out/y'",
    '  - id: read',
    "    cmd: busybox sh -c 'cat gen.txt; test ! -e doomed.txt && echo doomed gone; cat keep.txt; test ! -e secret.txt && echo secret left out; cat kept/again.txt'",
    '  - id: build',
    `    build: -t ${image} .`,
    '',
  ].join('\n');

describe.each(ENGINE_PATHS)('the workspace on the lab with %s', (engine) => {
  it('is a copy: steps see what earlier steps wrote, a build uses a generated file, and the folder is unchanged', { timeout: 120_000 }, async () => {
    const runId = newRunId(engine);
    const image = `${lab.registry}/taskrun-e2e/${runId}:ws`;
    const contextDir = await writeContext({
      'acr-task.yaml': WRITING_TASK(image),
      Dockerfile: 'FROM busybox\nCOPY gen.txt /gen.txt\n',
      'doomed.txt': 'delete me\n',
      'keep.txt': 'original\n',
      'secret.txt': 'never copied\n',
      'kept/again.txt': 'kept again\n',
      'kept/dropped.txt': 'dropped\n',
      '.dockerignore': 'secret.txt\nkept\n!kept/again.txt\n',
    });
    const before = await hashTree(contextDir);
    const run = await runOnLab({ lab, engine, runId, files: {}, contextDir });
    expect(run.outcome.error).toBeUndefined();
    expect(run.output('read')).toEqual(['generated', 'doomed gone', 'original', 'changed', 'secret left out', 'kept again']);
    expect(await hashTree(contextDir)).toBe(before);
    const { stdout } = await runEngineCli(lab, engine, ['run', '--rm', image, 'cat', '/gen.txt']);
    expect(stdout).toBe('generated');
    expect(await listVolumes(lab, engine, namePrefixOf(runId))).toEqual([]);
    expect(await listContainers(lab, engine, namePrefixOf(runId))).toEqual([]);
  });

  it('with --bind, steps write the live folder as before', async () => {
    const contextDir = await writeContext({ 'acr-task.yaml': "steps:\n  - cmd: busybox sh -c 'echo bound > hello.txt'\n" });
    const run = await runOnLab({ lab, engine, files: {}, contextDir, workspace: 'bind' });
    expect(run.outcome.error).toBeUndefined();
    expect(await readFile(path.join(contextDir, 'hello.txt'), 'utf8')).toBe('bound\n');
  });

  it.each(['copy', 'bind'] as const)('{{.Run.SharedVolume}} mounts the workspace in a host docker run (%s)', async (mode) => {
    const run = await runOnLab({
      lab,
      engine,
      workspace: mode,
      files: {
        'hello.txt': 'from the context\n',
        'acr-task.yaml': [
          'steps:',
          "  - cmd: busybox sh -c 'echo from a step > step.txt'",
          '  - id: host',
          '    cmd: docker run --rm -v {{.Run.SharedVolume}}:/workspace busybox cat /workspace/hello.txt /workspace/step.txt',
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.error).toBeUndefined();
    expect(run.output('host')).toEqual(['from the context', 'from a step']);
  });

  it('copies secret volumes into engine volumes, so no step mounts a host folder', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: {
        'acr-task.yaml': [
          'volumes:',
          '  - name: creds',
          '    secret:',
          `      token.txt: ${Buffer.from('s3cret\n').toString('base64')}`,
          'steps:',
          '  - id: read',
          '    cmd: busybox cat /run/creds/token.txt',
          '    volumeMounts:',
          '      - name: creds',
          '        mountPath: /run/creds',
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.error).toBeUndefined();
    expect(run.output('read')).toEqual(['s3cret']);
    expect(await listVolumes(lab, engine, namePrefixOf(run.runId))).toEqual([]);
  });
});
