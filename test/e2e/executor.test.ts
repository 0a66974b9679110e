// End-to-end: real task files run on the lab's three engine paths: the real Docker Engine through
// the docker CLI, podman's CLI, and the docker CLI over podman's socket. A missing lab fails
// these tests; it never skips them.

import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { checkBuildkit } from '../../src/run/preflight.js';
import { ENGINE_PATHS, labEngineFor, listLabelledContainers, requireLab, runEngineCli } from '../helpers/lab.js';
import { expectNothingLeft, newRunId, prepareOnLab, removeContexts, runOnLab, namePrefixOf } from './run-on-lab.js';

const REGISTRY_URL = 'http://127.0.0.1:5000';
const LIST_TYPES = 'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json';

let lab: LabEnv;

beforeEach(async () => {
  lab = await requireLab();
});

afterEach(async () => {
  await removeContexts();
});

describe.each(ENGINE_PATHS)('taskrun on the lab with %s', (engine) => {
  it('builds with a RUN on each platform, pushes, combines, and each platform of the list runs its own architecture', { timeout: 180_000 }, async () => {
    const runId = newRunId(engine);
    const repo = `${lab.registry}/taskrun-e2e/${runId}`;
    const run = await runOnLab({
      lab,
      engine,
      runId,
      files: {
        // One file per platform, as in samples/multi-arch; each RUN executes on its platform (emulated where foreign).
        'dockerfile.amd64': `FROM ${lab.registry}/busybox\nRUN echo "${runId} built on $(uname -m)" > /built-on\n`,
        'dockerfile.arm64': `FROM ${lab.registry}/busybox\nRUN echo "${runId} built on $(uname -m)" > /built-on\n`,
        'acr-task.yaml': [
          'version: v1.0.0',
          'steps:',
          `  - id: build-amd64`,
          `    build: --platform linux/amd64 -t ${repo}:amd64 -f dockerfile.amd64 .`,
          `  - id: build-arm64`,
          `    build: --platform linux/arm64 -t ${repo}:arm64 -f dockerfile.arm64 .`,
          `  - id: push`,
          `    push: ["${repo}:amd64", "${repo}:arm64"]`,
          `  - id: create`,
          `    cmd: docker manifest create --insecure ${repo}:latest ${repo}:amd64 ${repo}:arm64`,
          `  - id: push-list`,
          `    cmd: docker manifest push --insecure ${repo}:latest`,
          `  - id: inspect`,
          `    cmd: docker manifest inspect --insecure ${repo}:latest`,
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.error).toBeUndefined();
    expect(run.outcome.status).toBe('succeeded');
    expect(run.outcome.imagesBuilt.map((image) => image.reference)).toEqual([`${repo}:amd64`, `${repo}:arm64`]);
    const pushed = new Map(run.outcome.imagesPushed.map((image) => [image.reference, image.digest]));
    expect([...pushed.keys()]).toEqual([`${repo}:amd64`, `${repo}:arm64`]);

    const response = await fetch(`${REGISTRY_URL}/v2/taskrun-e2e/${runId}/manifests/latest`, { headers: { accept: LIST_TYPES } });
    expect(response.status).toBe(200);
    const list = (await response.json()) as { manifests: { digest: string; platform: { os: string; architecture: string } }[] };
    const platforms = new Map(list.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest]));
    expect([...platforms.keys()].sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(platforms.get('linux/amd64')).toBe(pushed.get(`${repo}:amd64`));
    expect(platforms.get('linux/arm64')).toBe(pushed.get(`${repo}:arm64`));
    expect(pushed.get(`${repo}:amd64`)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.output('inspect').join('\n')).toContain('"architecture": "arm64"');
    await expectNothingLeft(lab, engine, runId);
    for (const [platform, machine] of [['linux/amd64', 'x86_64'], ['linux/arm64', 'aarch64']]) {
      const { stdout } = await runEngineCli(lab, engine, ['run', '--rm', '--pull', 'always', '--platform', platform!, `${repo}:latest`, 'sh', '-c', 'cat /built-on; uname -m']);
      expect(stdout).toBe(`${runId} built on ${machine}\n${machine}`);
    }
  });

  it('builds with DOCKER_BUILDKIT=1 where the engine can, and refuses before anything runs where it cannot', { timeout: 120_000 }, async () => {
    const runId = newRunId(engine);
    const image = `${lab.registry}/taskrun-e2e/${runId}:buildkit`;
    const files = {
      Dockerfile: `FROM ${lab.registry}/busybox\nRUN --mount=type=tmpfs,target=/scratch echo "$(uname -m)" > /built-on\n`,
      'acr-task.yaml': `steps:\n  - id: bk\n    build: --platform linux/arm64 -t ${image} .\n    env: ["DOCKER_BUILDKIT=1"]\n`,
    };
    const { task } = await prepareOnLab({ lab, runId, files });
    const problems = await checkBuildkit({ task, engine: labEngineFor(lab, engine), severity: 'error', hostEnv: {} });
    if (engine !== 'docker') {
      expect(problems.map((d) => [d.code, d.location?.line])).toEqual([['buildkit-unsupported', 4]]);
      return;
    }
    expect(problems).toEqual([]);
    const run = await runOnLab({ lab, engine, runId, files });
    expect(run.outcome.error).toBeUndefined();
    const { stdout } = await runEngineCli(lab, engine, ['run', '--rm', '--platform', 'linux/arm64', image, 'cat', '/built-on']);
    expect(stdout).toBe('aarch64');
  });

  it('runs steps with when: ["-"] in parallel', async () => {
    const step = (id: string) => [`  - id: ${id}`, '    cmd: busybox sleep 2', '    when: ["-"]'];
    const run = await runOnLab({ lab, engine, files: { 'acr-task.yaml': ['steps:', ...step('a'), ...step('b'), ...step('c'), ''].join('\n') } });
    expect(run.outcome.status).toBe('succeeded');
    // Every step started before any of them ended: they ran side by side, however slow the engine.
    const times = (type: 'step-start' | 'step-end') => run.events.flatMap((event) => (event.type === type ? [event.time] : []));
    expect(times('step-start')).toHaveLength(3);
    expect(Math.max(...times('step-start'))).toBeLessThan(Math.min(...times('step-end')));
    expect(run.outcome.steps.every((s) => s.durationMs >= 2000)).toBe(true);
  });

  it('fails the run when a step exits 3 and never starts later steps', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: { 'acr-task.yaml': 'steps:\n  - id: bad\n    cmd: busybox sh -c "exit 3"\n  - id: later\n    cmd: busybox true\n' },
    });
    expect(run.outcome.status).toBe('failed');
    expect(run.outcome.error).toBe('failed to run step ID: bad: exited with code 3');
    expect(run.started('later')).toBe(false);
    expect(run.outcome.steps.map((s) => [s.id, s.status, s.exitCode])).toEqual([
      ['bad', 'failed', 3],
      ['later', 'skipped', undefined],
    ]);
    await expectNothingLeft(lab, engine, run.runId);
  });

  it('retries a failing step until it succeeds', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: {
        'acr-task.yaml': 'steps:\n  - id: flaky\n    cmd: busybox sh -c "test -f marker || { touch marker; exit 1; }"\n    retries: 2\n    retryDelay: 1\n',
      },
    });
    expect(run.outcome.status).toBe('succeeded');
    expect(run.outcome.steps[0]).toMatchObject({ id: 'flaky', status: 'succeeded', attempts: 2, exitCode: 0 });
  });

  it('kills and removes the container of a step that times out', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: {
        'acr-task.yaml': [
          'steps:',
          '  - id: slow',
          '    cmd: busybox sleep 60',
          '    timeout: 2',
          '    ignoreErrors: true',
          '  - id: look',
          '    cmd: docker ps --all --format "{{.Names}}"',
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.status).toBe('succeeded');
    expect(run.outcome.steps[0]).toMatchObject({ id: 'slow', status: 'failed', error: 'timed out after 2 s', ignoredError: true });
    expect(run.outcome.steps[0]?.durationMs).toBeLessThan(8000);
    expect(run.output('look').filter((name) => name.startsWith(namePrefixOf(run.runId)))).toEqual([]);
    await expectNothingLeft(lab, engine, run.runId);
  });

  it('leaves no container, network or volume when cancelled mid-step', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const run = await runOnLab({
      lab,
      engine,
      signal: controller.signal,
      files: {
        'acr-task.yaml': "steps:\n  - id: svc\n    cmd: busybox sleep 60\n    detach: true\n  - id: long\n    cmd: busybox sh -c 'echo started; sleep 60'\n  - id: never\n    cmd: busybox true\n",
      },
      onEvent: (event) => {
        // Stopped once the step's container demonstrably runs.
        if (event.type === 'step-output' && event.stepId === 'long' && abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort({ kind: 'cancelled' });
        }
      },
    });
    expect(run.output('long')).toEqual(['started']);
    expect(run.outcome.status).toBe('cancelled');
    expect(Date.now() - abortedAt).toBeLessThan(5000);
    expect(run.outcome.steps.map((s) => [s.id, s.status])).toEqual([
      ['svc', 'succeeded'],
      ['long', 'cancelled'],
      ['never', 'skipped'],
    ]);
    await expectNothingLeft(lab, engine, run.runId);
  });

  it('goes on after a failing step with ignoreErrors', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: { 'acr-task.yaml': 'steps:\n  - id: bad\n    cmd: busybox false\n    ignoreErrors: true\n  - id: next\n    cmd: busybox echo went on\n' },
    });
    expect(run.outcome.status).toBe('succeeded');
    expect(run.outcome.steps[0]).toMatchObject({ status: 'failed', ignoredError: true, exitCode: 1 });
    expect(run.output('next')).toEqual(['went on']);
  });

  it('reaches a detached step by its id from a later step', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: {
        'index.html': 'served by svc\n',
        'acr-task.yaml': [
          'steps:',
          '  - id: svc',
          '    cmd: busybox httpd -f -p 8080 -h /workspace',
          '    detach: true',
          '  - id: client',
          '    cmd: busybox sh -c "for i in 1 2 3 4 5; do wget -q -O - http://svc:8080/index.html && exit 0; sleep 1; done; exit 1"',
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.status).toBe('succeeded');
    expect(run.output('client')).toEqual(['served by svc']);
    await expectNothingLeft(lab, engine, run.runId);
  });

  it('bind-mounts a context folder whose path holds `:`', async () => {
    const run = await runOnLab({
      lab,
      engine,
      contextPrefix: 'taskrun-e2e-a:b-',
      files: { 'hello.txt': 'hello through the mount\n', 'acr-task.yaml': 'steps:\n  - id: read\n    cmd: busybox cat /workspace/hello.txt\n' },
    });
    expect(run.outcome.error).toBeUndefined();
    expect(run.output('read')).toEqual(['hello through the mount']);
  });

  it('removes the container of a host `docker run` step stopped by its timeout', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: {
        'acr-task.yaml': [
          'steps:',
          '  - id: hostrun',
          '    cmd: docker run --rm busybox sleep 60',
          '    timeout: 2',
          '    ignoreErrors: true',
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.status).toBe('succeeded');
    expect(run.outcome.steps[0]).toMatchObject({ id: 'hostrun', status: 'failed', ignoredError: true });
    expect(await listLabelledContainers(lab, engine, `taskrun.run=${run.runId}`)).toEqual([]);
  });

  it('merges task and step env and normalises the working directory', async () => {
    const run = await runOnLab({
      lab,
      engine,
      files: {
        'sub/.keep': '',
        'acr-task.yaml': [
          'env: ["TASK_ONLY=task", "SHARED=from-task"]',
          'steps:',
          '  - id: env',
          '    cmd: busybox sh -c "echo $TASK_ONLY $SHARED \\"$SPACED\\" $HOME; pwd"',
          '    env: ["SHARED=from-step", "SPACED=a  b"]',
          '    workingDirectory: sub/../sub',
          '  - id: abs',
          '    cmd: busybox pwd',
          '    workingDirectory: /bin/',
          '',
        ].join('\n'),
      },
    });
    expect(run.outcome.error).toBeUndefined();
    expect(run.output('env')).toEqual(['task from-step a  b /acb/home', '/workspace/sub']);
    expect(run.output('abs')).toEqual(['/bin']);
  });
});
