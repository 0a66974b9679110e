import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/engine/engine.js';
import type { RunEvent } from '../../src/run/events.js';
import { describeContainerRun, hostDirFor, normaliseWorkdir } from '../../src/steps/container-run.js';
import type { RunResources, StepContext } from '../../src/steps/context.js';
import { describeStepCommands, runStep } from '../../src/steps/index.js';
import { buildStep, cmdStep, pushStep } from '../run/make-task.js';

const HOME_KEY = 'c0ffee0000000000';

const fakeEngine = fileURLToPath(new URL('../engine/fixtures/fake-engine', import.meta.url));
const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

function resourcesFor(engine: Engine, scratchDir = '/tmp/taskrun-r1'): RunResources {
  return {
    runId: 'r1', homeKey: HOME_KEY,
    engine,
    workspace: { mode: 'bind', contextDir: '/ctx' },
    hostWorkspaceDir: '/ctx',
    defaultNetwork: 'taskrun-c0ffee-r1',
    aliasNetworks: ['taskrun-c0ffee-r1'],
    homeVolume: 'taskrun-c0ffee-r1-home',
    scratchDir,
    secretValues: [],
    volumeDirs: { secrets: '/tmp/taskrun-r1/volumes/secrets' },
    engineVolumes: {},
    platformEngines: [],
    routedImages: {},
  };
}

const podman: Engine = { name: 'podman', binary: 'podman', env: {} };

describe('normaliseWorkdir', () => {
  it('follows acb', () => {
    expect(normaliseWorkdir('')).toBe('/workspace');
    expect(normaliseWorkdir('src')).toBe('/workspace/src');
    expect(normaliseWorkdir('./a/../b/')).toBe('/workspace/b');
    expect(normaliseWorkdir('/abs//dir/')).toBe('/abs/dir');
    expect(normaliseWorkdir('/')).toBe('/');
  });

  it('maps a working directory to a host folder for host commands', () => {
    const step = cmdStep({ id: 'a', cmd: 'docker build .', workingDirectory: 'sub' });
    expect(hostDirFor(step, '/ctx')).toBe('/ctx/sub');
    expect(hostDirFor({ ...step, workingDirectory: '/elsewhere' }, '/ctx')).toBe('/ctx');
  });
});

describe('describeStepCommands', () => {
  it('runs a cmd step in a container on the run network', () => {
    const step = cmdStep({
      id: 'test',
      cmd: 'busybox echo hi',
      env: ['foo=bar', 'HOME=qux'],
      workingDirectory: 'sub',
      volumeMounts: [{ name: 'secrets', mountPath: '/run/secrets' }],
    });
    expect(describeStepCommands(step, resourcesFor(podman))).toEqual([
      {
        argv: [
          'podman', 'run', '--rm', '--network', 'taskrun-c0ffee-r1', '--network-alias', 'test', '--name', 'taskrun-c0ffee-r1-test',
          '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', '--mount', 'type=bind,source=/ctx,target=/workspace', '--volume', 'taskrun-c0ffee-r1-home:/acb/home',
          '--mount', 'type=bind,source=/tmp/taskrun-r1/volumes/secrets,target=/run/secrets', '--env', 'HOME=/acb/home', '--env', 'foo=bar',
          '--env', 'HOME=qux', '--workdir', '/workspace/sub', 'busybox', 'echo', 'hi',
        ],
      },
    ]);
  });

  it('pulls first with pull: true, keeps without --rm, drops --workdir when told', () => {
    const step = cmdStep({ id: 'k', cmd: 'busybox true', pull: true, keep: true, disableWorkingDirectoryOverride: true, network: 'host' });
    expect(describeStepCommands(step, resourcesFor(podman)).map((c) => c.argv)).toEqual([
      ['podman', 'pull', 'busybox'],
      ['podman', 'run', '--network', 'host', '--name', 'taskrun-c0ffee-r1-k', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', '--mount', 'type=bind,source=/ctx,target=/workspace', '--volume', 'taskrun-c0ffee-r1-home:/acb/home', '--env', 'HOME=/acb/home', 'busybox', 'true'],
    ]);
  });

  it('passes isolation to docker only', () => {
    const step = cmdStep({ id: 'i', cmd: 'busybox true', isolation: 'default' });
    expect(describeContainerRun({ step, resources: resourcesFor(podman) }).isolation).toBeUndefined();
    expect(describeContainerRun({ step, resources: resourcesFor({ ...podman, name: 'docker', binary: 'docker' }) }).isolation).toBe('default');
  });

  it('with docker, runs a foreground container without --rm and removes it after it exits', () => {
    const docker: Engine = { name: 'docker', binary: 'docker', env: {} };
    const step = cmdStep({ id: 'a', cmd: 'busybox true', network: 'host' });
    expect(describeStepCommands(step, resourcesFor(docker)).map((c) => c.argv)).toEqual([
      ['docker', 'run', '--network', 'host', '--name', 'taskrun-c0ffee-r1-a', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', '--mount', 'type=bind,source=/ctx,target=/workspace', '--volume', 'taskrun-c0ffee-r1-home:/acb/home', '--env', 'HOME=/acb/home', '--workdir', '/workspace', 'busybox', 'true'],
      ['docker', 'rm', '--force', 'taskrun-c0ffee-r1-a'],
    ]);
  });

  it('runs `docker …` cmd steps with the engine CLI on the host', () => {
    const step = cmdStep({ id: 't', cmd: 'docker tag a:1 b:1' });
    expect(describeStepCommands(step, resourcesFor(podman))).toEqual([{ argv: ['podman', 'tag', 'a:1', 'b:1'], cwd: '/ctx' }]);
  });

  it('labels the container of a host `docker run|create` step with the run', () => {
    const argvOf = (cmd: string) => describeStepCommands(cmdStep({ id: 't', cmd }), resourcesFor(podman))[0]?.argv;
    expect(argvOf('docker run --rm busybox true')).toEqual(['podman', 'run', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', '--rm', 'busybox', 'true']);
    expect(argvOf('docker create busybox')).toEqual(['podman', 'create', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', 'busybox']);
    expect(argvOf('docker container run busybox')).toEqual(['podman', 'container', 'run', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', 'busybox']);
    expect(argvOf('docker ps --filter label=run')).toEqual(['podman', 'ps', '--filter', 'label=run']);
  });

  it('bind-mounts a context folder whose path holds `:` or `,`', () => {
    const step = cmdStep({ id: 'a', cmd: 'busybox true' });
    const argv = describeStepCommands(step, { ...resourcesFor(podman), workspace: { mode: 'bind', contextDir: '/tmp/a:b,c' } })[0]?.argv ?? [];
    expect(argv.slice(argv.indexOf('--mount'), argv.indexOf('--mount') + 2)).toEqual(['--mount', 'type=bind,"source=/tmp/a:b,c",target=/workspace']);
  });

  it('builds on the host in the context folder and pushes image by image', () => {
    expect(describeStepCommands(buildStep({ id: 'b', build: '-t x:1 -f Dockerfile .' }), resourcesFor(podman))).toEqual([
      { argv: ['podman', 'build', '-t', 'x:1', '-f', 'Dockerfile', '.'], cwd: '/ctx' },
    ]);
    expect(describeStepCommands(pushStep({ id: 'p', images: ['x:1', 'y:2'] }), resourcesFor(podman))).toEqual([
      { argv: ['podman', 'push', '--digestfile', '/tmp/taskrun-r1/p-push-0.digest', 'x:1'] },
      { argv: ['podman', 'push', '--digestfile', '/tmp/taskrun-r1/p-push-1.digest', 'y:2'] },
    ]);
  });
});

describe('step handlers on a fake engine', () => {
  let log: string;
  let scratchDir: string;
  let events: RunEvent[];
  const fake = (name: 'docker' | 'podman', env: Record<string, string> = {}): Engine => ({ name, binary: fakeEngine, env: { FAKE_ENGINE_LOG: log, ...env } });
  const ctxFor = (engine: Engine, signal = new AbortController().signal): StepContext => ({
    resources: { ...resourcesFor(engine, scratchDir), workspace: { mode: 'bind', contextDir: scratchDir }, hostWorkspaceDir: scratchDir },
    workspace: { hostDir: async () => ({ ok: true, dir: scratchDir }), noteWrite: () => undefined },
    attempt: 1,
    signal,
    emit: (event) => events.push(event),
  });
  const calls = async () => (await readFile(log, 'utf8')).trim().split('\n');

  beforeEach(async () => {
    scratchDir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-steps-'));
    log = path.join(scratchDir, 'calls.log');
    events = [];
  });

  afterEach(async () => {
    await rm(scratchDir, { recursive: true, force: true });
  });

  it('streams a cmd step output and reports its exit code', async () => {
    const result = await runStep({ step: cmdStep({ id: 'a', cmd: 'busybox true' }), ctx: ctxFor(fake('podman', { FAKE_RUN_EXIT: '3' })) });
    expect(result).toMatchObject({ ok: false, exitCode: 3, error: 'exited with code 3' });
    const output = events.flatMap((e) => (e.type === 'step-output' ? [`${e.stream}:${e.text.trimEnd()}`] : []));
    expect(output.sort()).toEqual(['stderr:err line 1', 'stdout:out line 1', 'stdout:out line 2']);
  });

  it('removes the container when the step is stopped', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const result = await runStep({ step: cmdStep({ id: 'a', cmd: 'busybox sleep 9' }), ctx: ctxFor(fake('podman', { FAKE_RUN_SLEEP: '9' }), controller.signal) });
    expect(result.ok).toBe(false);
    expect((await calls()).at(-1)).toBe('rm|--force|--ignore|--time|0|taskrun-c0ffee-r1-a');
  });

  it('reports the digest podman wrote for each pushed image', async () => {
    const result = await runStep({ step: pushStep({ id: 'p', images: ['localhost:5000/x:1'] }), ctx: ctxFor(fake('podman')) });
    expect(result.ok).toBe(true);
    expect(events.filter((e) => e.type === 'image-pushed')).toMatchObject([{ stepId: 'p', image: { reference: 'localhost:5000/x:1', digest: digestB } }]);
  });

  it('reads the digest docker prints', async () => {
    await runStep({ step: pushStep({ id: 'p', images: ['localhost:5000/x:1'] }), ctx: ctxFor(fake('docker')) });
    expect(events.filter((e) => e.type === 'image-pushed')).toMatchObject([{ image: { reference: 'localhost:5000/x:1', digest: digestA } }]);
  });

  it('tries a push 3 times with back-off', async () => {
    const started = Date.now();
    const result = await runStep({ step: pushStep({ id: 'p', images: ['x:1'] }), ctx: ctxFor(fake('docker', { FAKE_EXIT: '1' })) });
    expect(result).toMatchObject({ ok: false, error: 'failed to push x:1: exited with code 1' });
    expect(await calls()).toEqual(['push|x:1', 'push|x:1', 'push|x:1']);
    expect(events.filter((e) => e.type === 'step-retry').map((e) => (e.type === 'step-retry' ? e.delayMs : 0))).toEqual([250, 500]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(740);
  });

  it('pushes the images of one step 4 at once, reporting them as if pushed one after another', async () => {
    const meetDir = path.join(scratchDir, 'meet');
    await mkdir(meetDir);
    const images = ['x:0', 'x:1', 'x:2', 'x:3', 'x:4', 'x:5'];
    // Each push fails unless 4 are under way at once; x:0 ends last of the first four.
    const result = await runStep({ step: pushStep({ id: 'p', images }), ctx: ctxFor(fake('docker', { FAKE_PUSH_MEET: `${meetDir}:4`, FAKE_PUSH_SLOW: 'x:0' })) });
    expect(result).toEqual({ ok: true, exitCode: 0 });
    expect(events.filter((e) => e.type === 'image-pushed').map((e) => (e.type === 'image-pushed' ? e.image.reference : ''))).toEqual(images);
    const pushing = events.flatMap((e) => (e.type === 'step-output' && e.text.startsWith('pushing') ? [e.text.trim()] : []));
    expect(pushing).toEqual(images.map((image) => `pushing ${image}`));
  });

  it('fails a push step on its first image in order that failed, after the pushes under way end', async () => {
    const result = await runStep({ step: pushStep({ id: 'p', images: ['x:0', 'x:1'] }), ctx: ctxFor(fake('docker', { FAKE_EXIT: '1' })) });
    expect(result).toMatchObject({ ok: false, error: 'failed to push x:0: exited with code 1' });
  });

  it('reports each tag of a successful build', async () => {
    await runStep({ step: buildStep({ id: 'b', build: '-t x:1 --tag y:2 .' }), ctx: ctxFor(fake('podman')) });
    expect(await calls()).toEqual(['build|-t|x:1|--tag|y:2|.']);
    expect(events.filter((e) => e.type === 'image-built').map((e) => (e.type === 'image-built' ? e.image.reference : ''))).toEqual(['x:1', 'y:2']);
  });
});
