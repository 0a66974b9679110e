import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { decideBuildkitSupport, probeBuildkitSupport } from '../../src/engine/buildkit-support.js';
import type { Engine } from '../../src/engine/engine.js';

const docker: Engine = { name: 'docker', binary: 'docker', env: {} };
const facts = { clientVersion: '20.10.24+dfsg1', serverComponents: ['Engine', 'containerd'], serverPlatform: '', hasBuildx: false };

describe('decideBuildkitSupport', () => {
  it('lets a docker CLI with built-in BuildKit (before 23) use a Docker Engine', () => {
    expect(decideBuildkitSupport(docker, facts)).toEqual({ isSupported: true });
  });

  it('needs buildx from docker CLI 23 on', () => {
    expect(decideBuildkitSupport(docker, { ...facts, clientVersion: '28.2.2' })).toMatchObject({ isSupported: false, reason: expect.stringContaining('buildx') });
    expect(decideBuildkitSupport(docker, { ...facts, clientVersion: '28.2.2', hasBuildx: true })).toEqual({ isSupported: true });
  });

  it("refuses podman, and the docker CLI on podman's socket", () => {
    expect(decideBuildkitSupport({ name: 'podman', binary: 'podman', env: {} })).toMatchObject({ isSupported: false, reason: 'podman builds with Buildah and ignores DOCKER_BUILDKIT=1' });
    expect(decideBuildkitSupport(docker, { ...facts, serverComponents: ['Podman Engine', 'Conmon'] })).toMatchObject({ isSupported: false, reason: expect.stringContaining("podman's Docker API") });
  });
});

// A stand-in docker CLI that answers `version` like Docker 28 and has no buildx: only the probe's reading is under test.
describe('probeBuildkitSupport', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function fakeCli(script: string): Promise<Engine> {
    const dir = await mkdtemp(path.join(tmpdir(), 'taskrun-fake-docker-'));
    dirs.push(dir);
    const file = path.join(dir, 'docker');
    await writeFile(file, `#!/bin/sh\n${script}\n`);
    await chmod(file, 0o755);
    return { name: 'docker', binary: file, env: {} };
  }

  it('reads the versions and asks for buildx only when the client needs it', async () => {
    const engine = await fakeCli(`case "$1" in
  version) echo '{"Client":{"Version":"28.2.2"},"Server":{"Platform":{"Name":""},"Components":[{"Name":"Engine"}]}}' ;;
  buildx) echo "docker: unknown command: docker buildx" >&2; exit 1 ;;
esac`);
    expect(await probeBuildkitSupport(engine)).toMatchObject({ isSupported: false, reason: 'docker CLI 28.2.2 builds with BuildKit only through its buildx component, which is missing' });
  });

  it('says what is wrong when the CLI does not answer', async () => {
    const engine = await fakeCli('exit 1');
    expect(await probeBuildkitSupport(engine)).toMatchObject({ isSupported: false, fix: 'check that `docker version` works' });
  });
});
