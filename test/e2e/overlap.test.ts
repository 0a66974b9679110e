// End-to-end: containers made ahead of their step's turn (src/run/prepare-ahead.ts) on the lab's
// three engine paths. They exist while the step before runs, are removed when their step will
// not run (a failure, a cancel), and give the step the same view as a container made at its turn.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { STEP_HANDLERS } from '../../src/steps/index.js';
import { ENGINE_PATHS, listContainers, requireLab, runEngineCli } from '../helpers/lab.js';
import { expectNothingLeft, namePrefixOf, newRunId, removeContexts, runOnLab, writeContext } from './run-on-lab.js';

let lab: LabEnv;

beforeEach(async () => {
  lab = await requireLab();
});

afterEach(async () => {
  await removeContexts();
});

/** Polls until the condition holds (the test's own timeout bounds the wait). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(100);
}

// The first step waits for a file the test writes into the context (bound at /workspace), then fails.
const WAIT_THEN_FAIL = `busybox sh -c 'while [ ! -e /workspace/go ]; do sleep 0.1; done; exit 3'`;

describe.each(ENGINE_PATHS)('containers made ahead on %s', (engine) => {
  it('makes the next step container while a step runs, and removes it when the step fails', { timeout: 120_000 }, async () => {
    const runId = newRunId(engine);
    const contextDir = await writeContext({ 'acr-task.yaml': ['steps:', '  - id: first', `    cmd: ${WAIT_THEN_FAIL}`, '  - id: next', '    cmd: busybox true', ''].join('\n') });
    const running = runOnLab({ lab, engine, runId, files: {}, contextDir, workspace: 'bind' });
    await until(async () => (await listContainers(lab, engine, `${namePrefixOf(runId)}-next`)).length === 1);
    await writeFile(path.join(contextDir, 'go'), '');
    const run = await running;
    expect(run.outcome.status).toBe('failed');
    expect(run.outcome.steps.map((step) => [step.id, step.status, step.exitCode])).toEqual([
      ['first', 'failed', 3],
      ['next', 'skipped', undefined],
    ]);
    await expectNothingLeft(lab, engine, runId);
  });

  it('removes the container made ahead when the run is cancelled', { timeout: 120_000 }, async () => {
    const runId = newRunId(engine);
    const controller = new AbortController();
    const contextDir = await writeContext({ 'acr-task.yaml': ['steps:', '  - id: first', `    cmd: ${WAIT_THEN_FAIL}`, '  - id: next', '    cmd: busybox true', ''].join('\n') });
    const running = runOnLab({ lab, engine, runId, files: {}, contextDir, workspace: 'bind', signal: controller.signal });
    await until(async () => (await listContainers(lab, engine, `${namePrefixOf(runId)}-next`)).length === 1);
    controller.abort({ kind: 'cancelled' });
    const run = await running;
    expect(run.outcome.status).toBe('cancelled');
    expect(run.started('next')).toBe(false);
    await expectNothingLeft(lab, engine, runId);
  });

  it('gives a step the same env (a secret included), mounts, user, working directory and network as a container made at its turn', { timeout: 120_000 }, async () => {
    const look = [
      'env | grep -v -e ^HOSTNAME= | sort',
      'grep -o -e " /workspace " -e " /acb/home " -e " /data " /proc/self/mountinfo | sort',
      'ls /workspace /data',
      'pwd; id',
      'nslookup look >/dev/null 2>&1 && echo alias resolves',
      'ip -o -4 addr show | cut -d" " -f2',
    ].join('; ');
    const files = {
      'acr-task.yaml': [
        'volumes:',
        '  - name: data',
        '    secret:',
        '      file.txt: aGk=',
        'steps:',
        '  - id: first',
        '    cmd: busybox sh -c "echo written > /workspace/from-first"',
        '  - id: look',
        `    cmd: busybox sh -c '${look}'`,
        '    env: ["TOKEN=s3cret-value", "PLAIN=1"]',
        '    workingDirectory: sub',
        '    volumeMounts:',
        '      - name: data',
        '        mountPath: /data',
        '',
      ].join('\n'),
      'sub/kept.txt': 'kept',
    };
    const ahead = await runOnLab({ lab, engine, files, secretValues: ['s3cret-value'] });
    const atTurn = await runOnLab({ lab, engine, files, secretValues: ['s3cret-value'], handlers: { ...STEP_HANDLERS, prepare: undefined } });
    for (const run of [ahead, atTurn]) expect(run.outcome.status).toBe('succeeded');
    const normalised = (lines: string[], runId: string) => lines.map((line) => line.replaceAll(runId, 'RUN'));
    const seen = normalised(ahead.output('look'), ahead.runId);
    expect(seen).toEqual(normalised(atTurn.output('look'), atTurn.runId));
    expect(seen).toEqual(expect.arrayContaining(['TOKEN=s3cret-value', 'PLAIN=1', '/workspace/sub', 'from-first', 'file.txt', 'alias resolves']));
    await expectNothingLeft(lab, engine, ahead.runId);
    await expectNothingLeft(lab, engine, atTurn.runId);
  });

  it('runs a retry in a fresh container once the made-ahead one is removed', { timeout: 120_000 }, async () => {
    const run = await runOnLab({
      lab,
      engine,
      workspace: 'copy',
      files: {
        'acr-task.yaml': [
          'steps:',
          '  - id: first',
          '    cmd: busybox true',
          '  - id: flaky',
          // /tmp is the container's own: a reused container would say so.
          `    cmd: busybox sh -c '[ -e /tmp/seen ] && echo same-container; touch /tmp/seen; if [ -e /workspace/tried ]; then echo second; exit 0; fi; touch /workspace/tried; exit 1'`,
          '    retries: 1',
          '    retryDelay: 0',
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.status).toBe('succeeded');
    expect(run.outcome.steps[1]).toMatchObject({ id: 'flaky', status: 'succeeded', attempts: 2 });
    expect(run.output('flaky')).toEqual(['second']);
    await expectNothingLeft(lab, engine, run.runId);
  });

  it('exits as `run` does when the command is missing from the image', { timeout: 120_000 }, async () => {
    const expected = await runEngineCli(lab, engine, ['run', '--rm', 'busybox', 'no-such-command'], { reject: false });
    const run = await runOnLab({ lab, engine, files: { 'acr-task.yaml': ['steps:', '  - id: first', '    cmd: busybox true', '  - id: missing', '    cmd: busybox no-such-command', ''].join('\n') } });
    expect(run.outcome.steps[1]).toMatchObject({ id: 'missing', status: 'failed', exitCode: expected.exitCode });
    await expectNothingLeft(lab, engine, run.runId);
  });
});
