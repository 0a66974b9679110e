// The engine's API against the lab's real engines: docker's daemon socket and the podman service
// taskrun starts. What a step sees must read as the CLI's `start --attach` would.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineApiFor, mayUseEngineApi, type EngineApi } from '../../src/engine/engine-api.js';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { IDLE_SECONDS } from '../../src/engine/podman-service.js';
import { REPO_ROOT, requireBuild } from '../helpers/cli.js';
import { labEngineFor, requireLab, runEngineCli, type EnginePath } from '../helpers/lab.js';

let lab: LabEnv;
const made: Array<{ path: EnginePath; name: string }> = [];
let sequence = 0;

/** A container made the way a step's is made ahead (`create`, and on podman `init` through the API). */
async function created(path: EnginePath, command: readonly string[]): Promise<string> {
  const name = `taskrun-api-test-${process.pid}-${(sequence += 1)}`;
  made.push({ path, name });
  await runEngineCli(lab, path, ['create', '--name', name, `${lab.registry}/busybox`, ...command]);
  return name;
}

describe('mayUseEngineApi', () => {
  it('is off with TASKRUN_ENGINE_API=0, for a docker endpoint that is no local socket and for remote podman', () => {
    const docker = { name: 'docker' as const, binary: 'docker', env: {} };
    const podman = { name: 'podman' as const, binary: 'podman', env: {} };
    expect(mayUseEngineApi(docker, {})).toBe(true);
    expect(mayUseEngineApi(docker, { TASKRUN_ENGINE_API: '0' })).toBe(false);
    expect(mayUseEngineApi(docker, { DOCKER_HOST: 'ssh://builder' })).toBe(false);
    expect(mayUseEngineApi(docker, { DOCKER_CONTEXT: 'remote' })).toBe(false);
    expect(mayUseEngineApi(podman, {})).toBe(true);
    expect(mayUseEngineApi(podman, { CONTAINER_HOST: 'unix:///run/podman/podman.sock' })).toBe(false);
  });
});

describe('on the lab', () => {
  beforeAll(async () => {
    lab = await requireLab();
  });

  afterAll(async () => {
    for (const { path, name } of made) await runEngineCli(lab, path, ['rm', '--force', name], { reject: false });
  });

  it("leaves docker over podman's compat API to the CLI", async () => {
    expect(await engineApiFor(labEngineFor(lab, 'docker-on-podman'))).toBeUndefined();
  });

  describe.each(['docker', 'podman'] as const)("the engine's API on %s", (path) => {
    let api: EngineApi;

    beforeAll(async () => {
      const found = await engineApiFor(labEngineFor(lab, path));
      if (!found) throw new Error(`no engine API for ${path}`);
      api = found;
    });

    const start = async (name: string, signal = new AbortController().signal) => {
      if (path === 'podman') expect(await api.initContainer(name, new AbortController().signal)).toBe(true);
      const lines: string[] = [];
      const result = await api.startAttached({ containerName: name, signal, onLine: (line, stream) => lines.push(`${stream}:${line}`) });
      return { result, lines };
    };

    it('runs a container made ahead with its output and its exit code', { timeout: 60_000 }, async () => {
      const name = await created(path, ['sh', '-c', 'echo out; echo err >&2; printf last; exit 3']);
      const { result, lines } = await start(name);
      expect(result).toMatchObject({ exitCode: 3, failed: true, isCanceled: false });
      expect(lines.filter((line) => line.startsWith('stdout:'))).toEqual(['stdout:out', 'stdout:last']);
      expect(lines).toContain('stderr:err');
    });

    it('reads output that arrives after a pause, and a clean exit', { timeout: 60_000 }, async () => {
      const name = await created(path, ['sh', '-c', 'sleep 1; echo late']);
      const { result, lines } = await start(name);
      expect(result).toMatchObject({ exitCode: 0, failed: false });
      expect(lines).toEqual(['stdout:late']);
    });

    it('stops at the signal and says so', { timeout: 60_000 }, async () => {
      const name = await created(path, ['sleep', '60']);
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 1500);
      const { result } = await start(name, controller.signal);
      expect(result).toMatchObject({ isCanceled: true, failed: true });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await api.removeContainers([name])).toEqual([]);
    });

    it('removes containers, running or not, and counts a missing one as removed', { timeout: 60_000 }, async () => {
      const idle = await created(path, ['true']);
      const running = await created(path, ['sleep', '60']);
      await runEngineCli(lab, path, ['start', running]);
      const missing = `taskrun-api-test-${process.pid}-never-made`;
      expect(await api.removeContainers([idle, running, missing])).toEqual([]);
      for (const name of [idle, running]) {
        const listed = await runEngineCli(lab, path, ['ps', '--all', '--quiet', '--filter', `name=${name}`]);
        expect(listed.stdout.trim()).toBe('');
      }
    });

    if (path === 'podman') {
      it('still answers after a quiet spell longer than the idle time of the service', { timeout: 60_000 }, async () => {
        await new Promise((resolve) => setTimeout(resolve, (IDLE_SECONDS + 2) * 1000));
        const name = await created(path, ['true']);
        const { result } = await start(name);
        expect(result).toMatchObject({ exitCode: 0, failed: false });
      });
    }

    if (path === 'docker') {
      it("answers a start the engine refuses with the CLI's exit code and reason, without printing it", { timeout: 60_000 }, async () => {
        const name = await created(path, ['no-such-command']);
        const { result, lines } = await start(name);
        expect(result).toMatchObject({ exitCode: 1, failed: true });
        expect(result?.outputTail).toMatch(/^Error response from daemon: .*no-such-command/);
        expect(lines).toEqual([]);
      });
    }
  });

  describe("podman's service", () => {
    it('ends with the taskrun process that started it', { timeout: 60_000 }, async () => {
      requireBuild();
      const script = [
        `const { engineApiFor } = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist/engine/engine-api.js'))});`,
        `const { createEngine } = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist/engine/engine.js'))});`,
        `const api = await engineApiFor(createEngine({ name: 'podman', labVars: ${JSON.stringify(lab.vars)} }));`,
        "console.log(api ? 'up' : 'none');",
      ].join('\n');
      // Its socket lives under the child's own temporary folder.
      const tmp = await mkdtemp(path.join(os.tmpdir(), 'taskrun-api-test-'));
      try {
        const child = await execa(process.execPath, ['--input-type=module', '--eval', script], { reject: false, env: { TMPDIR: tmp } });
        expect(child.stdout).toBe('up');
        const deadline = Date.now() + 10_000;
        let left = 'not looked';
        while (left !== '' && Date.now() < deadline) {
          const found = await execa('pgrep', ['-f', `${tmp}/`], { reject: false });
          // 1: no process matched; anything else but 0 means pgrep itself failed.
          expect([0, 1]).toContain(found.exitCode);
          left = found.stdout.trim();
          if (left !== '') await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(left).toBe('');
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  });
});
