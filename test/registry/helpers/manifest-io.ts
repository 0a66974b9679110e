// Test support: runs `docker manifest …` in-process with captured output and a
// temporary TASKRUN_HOME, so each test has its own local list store.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDockerManifest, type PushedManifestList } from '../../../src/registry/docker-manifest.js';
import type { RetryPolicy } from '../../../src/registry/http.js';

export interface ManifestRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly pushed: readonly PushedManifestList[];
}

export interface ManifestRunner {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  run(args: readonly string[]): Promise<ManifestRun>;
}

export const FAST_RETRIES: RetryPolicy = { retries: 3, baseDelayMs: 10, maxDelayMs: 50 };

export async function createManifestRunner(options: { env?: NodeJS.ProcessEnv; retryPolicy?: RetryPolicy } = {}): Promise<ManifestRunner> {
  const home = await mkdtemp(join(tmpdir(), 'taskrun-manifest-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TASKRUN_HOME: home, DOCKER_CONFIG: join(home, 'docker'), ...options.env };
  return {
    home,
    env,
    async run(args) {
      let stdout = '';
      let stderr = '';
      const pushed: PushedManifestList[] = [];
      const exitCode = await runDockerManifest(args, {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        signal: new AbortController().signal,
        env,
        retryPolicy: options.retryPolicy ?? FAST_RETRIES,
        onManifestPushed: (list) => pushed.push(list),
      });
      return { exitCode, stdout, stderr, pushed };
    },
  };
}
