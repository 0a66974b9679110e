// `taskrun manifest …` through the real binary, and `docker manifest` steps whose registry
// keeps failing: the step fails with a clear error and the run record says so.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { requireLab } from '../helpers/lab.js';
import { startFaultProxy, type FaultProxy } from '../registry/helpers/fault-proxy.js';
import { pushImage } from '../registry/helpers/images.js';

const REGISTRY = '127.0.0.1:5000';
let home: string;
beforeEach(async () => {
  await requireLab();
  home = mkdtempSync(path.join(tmpdir(), 'taskrun-manifest-cli-'));
});

const cli = (args: string[]) => runCli(args, { env: { ...process.env, TASKRUN_HOME: home } });

describe('taskrun manifest', () => {
  it('creates, annotates, pushes and inspects a list, like docker manifest', async () => {
    const repo = `cli/manifest-${Date.now()}`;
    await pushImage({ baseUrl: `http://${REGISTRY}`, repo }, { tag: 'amd64', platform: { os: 'linux', architecture: 'amd64' } });
    await pushImage({ baseUrl: `http://${REGISTRY}`, repo }, { tag: 'arm', platform: { os: 'linux', architecture: 'arm' } });
    const list = `${REGISTRY}/${repo}:v1`;

    const created = await cli(['manifest', 'create', list, `${REGISTRY}/${repo}:amd64`, `${REGISTRY}/${repo}:arm`]);
    expect(created).toMatchObject({ exitCode: 0, stdout: `Created manifest list ${list}\n` });
    expect((await cli(['manifest', 'annotate', '--variant', 'v7', list, `${REGISTRY}/${repo}:arm`])).exitCode).toBe(0);

    const pushed = await cli(['manifest', 'push', '--purge', list]);
    expect(pushed.exitCode).toBe(0);
    const digest = pushed.stdout.trim().split('\n').at(-1);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const inspected = await cli(['manifest', 'inspect', list]);
    expect(inspected.exitCode).toBe(0);
    expect(inspected.stdout.startsWith('{\n   "schemaVersion": 2,\n')).toBe(true);
    const json = JSON.parse(inspected.stdout);
    expect(json.manifests.map((m: { platform: Record<string, string> }) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm', os: 'linux', variant: 'v7' },
    ]);
    const byDigest = await cli(['manifest', 'inspect', `${REGISTRY}/${repo}@${digest}`]);
    expect(byDigest.stdout).toBe(inspected.stdout);
  });

  it('refuses annotations on a list forced to the Docker format, saying how to fix it', async () => {
    const repo = `cli/manifest-format-${Date.now()}`;
    await pushImage({ baseUrl: `http://${REGISTRY}`, repo }, { tag: 'a', platform: { os: 'linux', architecture: 'amd64' } });
    const result = await cli(['manifest', 'create', '--format', 'docker', '--annotation', 'org.opencontainers.image.source=x', `${REGISTRY}/${repo}:v1`, `${REGISTRY}/${repo}:a`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('a Docker manifest list cannot carry annotations, but the list has some\nhint: use --format oci, or create the list again without --annotation\n');
  });
});

describe('docker manifest steps', () => {
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  it('survives passing faults and fails clearly on a permanent one; the record says so', async () => {
    proxy = await startFaultProxy(REGISTRY);
    const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-fault-'));
    const file = path.join(dir, 'acr-task.yaml');
    writeFileSync(file, `steps:\n  - id: look\n    cmd: docker manifest inspect ${proxy.host}/busybox:latest\n`);

    proxy.setPolicy((n) => (n <= 2 ? (n === 1 ? 'http-500' : 'reset') : 'pass'));
    const flaky = await cli(['run', file, '--run-id', 'flaky', '--quiet']);
    expect(flaky.exitCode).toBe(0);
    expect(proxy.counts.faults).toBe(2);

    proxy.setPolicy(() => 'http-500');
    const broken = await cli(['run', file, '--run-id', 'broken', '--quiet']);
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toContain(
      `Run failed in`,
    );
    expect(broken.stdout).toContain(
      `failed to run step ID: look: docker manifest exited with code 1: cannot read the manifest of ${proxy.host}/busybox:latest: the registry answered HTTP 500 (UNKNOWN injected fault)`,
    );
    const record = JSON.parse(readFileSync(path.join(home, 'runs', 'broken', 'record.json'), 'utf8'));
    expect(record.status).toBe('failed');
    expect(record.steps[0]).toMatchObject({ id: 'look', status: 'failed', exitCode: 1 });
    expect(record.steps[0].error).toBe(`docker manifest exited with code 1: cannot read the manifest of ${proxy.host}/busybox:latest: the registry answered HTTP 500 (UNKNOWN injected fault)`);
    expect(record.error).toContain('failed to run step ID: look');
  });
});
