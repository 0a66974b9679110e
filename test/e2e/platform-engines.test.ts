// End-to-end: `--engine-for linux/arm64=…` with two lab engines. The run's engine is the real
// Docker Engine; arm64 builds go to podman (over its Docker API socket). Each image is pushed from
// the engine that built it, and the manifest list joins them through the registry.

import { describe, expect, it } from 'vitest';
import { parseEngineFor } from '../../src/engine/platform-engines.js';
import { labEngineFor, requireLab, runEngineCli } from '../helpers/lab.js';
import { newRunId, removeContexts, runOnLab } from './run-on-lab.js';

const REGISTRY_URL = 'http://127.0.0.1:5000';
const LIST_TYPES = 'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json';

describe('builds routed by platform to another engine', () => {
  it('builds arm64 on podman and amd64 on the Docker Engine, pushes each from its engine, and lists both', { timeout: 240_000 }, async () => {
    const lab = await requireLab();
    const main = labEngineFor(lab, 'docker');
    const { routes, diagnostics } = parseEngineFor([`linux/arm64=${lab.vars.TASKRUN_LAB_PODMAN_HOST}`], main);
    expect(diagnostics).toEqual([]);
    const runId = newRunId('docker');
    const repo = `${lab.registry}/taskrun-e2e/${runId}`;
    try {
      const run = await runOnLab({
        lab,
        engine: 'docker',
        runId,
        platformEngines: routes,
        files: {
          Dockerfile: `FROM ${lab.registry}/busybox\nRUN echo "${runId} built on $(uname -m)" > /built-on\n`,
          'acr-task.yaml': [
            'steps:',
            `  - id: amd64`,
            `    build: --platform linux/amd64 -t ${repo}:amd64 .`,
            `  - id: arm64`,
            `    build: --platform linux/arm64 -t ${repo}:arm64 .`,
            `  - id: push`,
            `    push: ["${repo}:amd64", "${repo}:arm64"]`,
            `  - id: create`,
            `    cmd: docker manifest create --insecure ${repo}:latest ${repo}:amd64 ${repo}:arm64`,
            `  - id: push-list`,
            `    cmd: docker manifest push --insecure ${repo}:latest`,
            '',
          ].join('\n'),
        },
      });
      expect(run.outcome.error).toBeUndefined();
      // The arm64 image exists on podman only: the Docker Engine never built it.
      expect((await runEngineCli(lab, 'docker', ['image', 'inspect', `${repo}:arm64`], { reject: false })).exitCode).not.toBe(0);
      expect((await runEngineCli(lab, 'docker-on-podman', ['image', 'inspect', `${repo}:arm64`], { reject: false })).exitCode).toBe(0);
      const response = await fetch(`${REGISTRY_URL}/v2/taskrun-e2e/${runId}/manifests/latest`, { headers: { accept: LIST_TYPES } });
      const list = (await response.json()) as { manifests: { platform: { architecture: string } }[] };
      expect(list.manifests.map((m) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
      const { stdout } = await runEngineCli(lab, 'docker', ['run', '--rm', '--pull', 'always', '--platform', 'linux/arm64', `${repo}:latest`, 'cat', '/built-on']);
      expect(stdout).toBe(`${runId} built on aarch64`);
    } finally {
      await removeContexts();
      await runEngineCli(lab, 'docker', ['image', 'rm', '--force', `${repo}:amd64`, `${repo}:latest`], { reject: false });
      await runEngineCli(lab, 'docker-on-podman', ['image', 'rm', '--force', `${repo}:arm64`], { reject: false });
    }
  });
});
