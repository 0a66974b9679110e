import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import {
  ENGINE_PATHS,
  engineEnv,
  labEngineFor,
  listContainers,
  listNetworks,
  removeContainers,
  removeNetworks,
  requireLab,
  runEngineCli,
} from '../helpers/lab.js';
import type { EnginePath } from '../helpers/lab.js';

const REGISTRY = 'http://127.0.0.1:5000';
const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');
const LIST_ACCEPT = 'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json';
const PREFIX = `taskrun-labtest-${process.pid}-`;
/** What `uname -m` prints on each lab platform. */
const MACHINE_OF: Readonly<Record<string, string>> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/arm/v7': 'armv7l',
  'linux/ppc64le': 'ppc64le',
  'linux/s390x': 's390x',
};

interface ImageManifest {
  readonly mediaType?: string;
  readonly config: { readonly digest: string };
  readonly layers: readonly unknown[];
}

interface ManifestList {
  readonly manifests: readonly { readonly digest: string; readonly platform: { readonly os: string; readonly architecture: string; readonly variant?: string } }[];
}

let lab: LabEnv;
let context: string;

async function fetchJson<T>(path: string, accept: string): Promise<{ contentType: string; body: T }> {
  const res = await fetch(`${REGISTRY}${path}`, { headers: { Accept: accept } });
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as T };
}

function platformOf(entry: ManifestList['manifests'][number]): string {
  const { os, architecture, variant } = entry.platform;
  return [os, architecture, ...(variant ? [variant] : [])].join('/');
}

// Per test, so that without the lab every test fails (a failing beforeAll would report them as skipped).
beforeEach(async () => {
  lab = await requireLab();
});

beforeAll(async () => {
  context = await mkdtemp(join(tmpdir(), 'taskrun-labtest-'));
  await writeFile(join(context, 'Dockerfile'), 'FROM localhost:5000/busybox\nARG STAMP\nRUN echo "$STAMP $(uname -m)" > /built-on\n');
});

afterAll(async () => {
  if (context) await rm(context, { recursive: true, force: true });
  if (lab) {
    for (const path of ['docker', 'podman'] as const) {
      await removeContainers(lab, path, PREFIX);
      await removeNetworks(lab, path, PREFIX);
    }
    // A podman build for linux/arm64 tags the arm64 busybox it pulled as localhost:5000/busybox:
    // pull the machine's own again, or later tests would run busybox emulated.
    await runEngineCli(lab, 'podman', ['pull', '--quiet', 'localhost:5000/busybox:latest']);
  }
});

describe('the container lab', () => {
  it('describes itself through the pointer file', () => {
    expect(lab.registry).toBe('localhost:5000');
    expect(lab.vars.DOCKER_HOST).toBe(`unix://${lab.dir}/docker.sock`);
    expect(lab.vars.TASKRUN_DOCKER).toBe('/usr/bin/docker');
    expect(lab.vars.TASKRUN_LAB_PODMAN_HOST).toBe(`unix://${lab.dir}/podman.sock`);
    expect(lab.vars.CONTAINERS_CONF).toBe(`${lab.dir}/containers.conf`);
    expect(lab.vars.CONTAINERS_REGISTRIES_CONF).toBe(`${lab.dir}/registries.conf`);
    expect(lab.vars.CONTAINERS_STORAGE_CONF).toBe(`${lab.dir}/storage.conf`);
    expect(lab.vars.TASKRUN_LAB_PLATFORMS?.split(',')).toEqual(Object.keys(MACHINE_OF));
  });

  it('serves the registry API on 127.0.0.1:5000', async () => {
    const res = await fetch(`${REGISTRY}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await res.json()).toEqual({});
  });

  it('runs a real Docker Engine, not podman behind a Docker API', async () => {
    const { stdout } = await runEngineCli(lab, 'docker', ['version', '--format', '{{range .Server.Components}}{{.Name}};{{end}}']);
    expect(stdout.split(';')).toContain('Engine');
    expect(stdout).not.toMatch(/podman/i);
    const { stdout: overPodman } = await runEngineCli(lab, 'docker-on-podman', ['version', '--format', '{{range .Server.Components}}{{.Name}};{{end}}']);
    expect(overPodman).toMatch(/Podman Engine/);
  });

  for (const path of ENGINE_PATHS) {
    it(`runs busybox on ${path}`, async () => {
      const { stdout } = await runEngineCli(lab, path, ['run', '--rm', 'busybox', 'sh', '-c', 'echo "$((6 * 7)) $(uname -m)"']);
      expect(stdout).toBe(`42 ${MACHINE_OF[`linux/${process.arch === 'x64' ? 'amd64' : process.arch}`]}`);
    });
  }

  it('has the busybox base image in the registry as one list with an entry per platform', async () => {
    const { contentType, body } = await fetchJson<ManifestList>('/v2/busybox/manifests/latest', LIST_ACCEPT);
    expect(contentType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(body.manifests.map(platformOf)).toEqual(Object.keys(MACHINE_OF));
  });

  it('runs each platform of the busybox list on its own architecture (emulated where foreign)', { timeout: 120_000 }, async () => {
    const { body } = await fetchJson<ManifestList>('/v2/busybox/manifests/latest', LIST_ACCEPT);
    for (const entry of body.manifests) {
      const platform = platformOf(entry);
      const { stdout } = await runEngineCli(lab, 'docker', ['run', '--rm', '--platform', platform, `localhost:5000/busybox@${entry.digest}`, 'uname', '-m']);
      expect({ platform, machine: stdout }).toEqual({ platform, machine: MACHINE_OF[platform] });
    }
  });

  for (const path of ENGINE_PATHS) {
    it(`builds FROM the busybox list for linux/arm64 with a RUN on arm64 on ${path}, and pushes it`, { timeout: 120_000 }, async () => {
      const repository = `labtest/${path}`;
      const image = `localhost:5000/${repository}:arm64`;
      const stamp = `${path}-${process.pid}`;
      await runEngineCli(lab, path, ['build', '--quiet', '--platform', 'linux/arm64', '--build-arg', `STAMP=${stamp}`, '--tag', image, '.'], { cwd: context });
      await runEngineCli(lab, path, ['push', image]);

      const { contentType, body: manifest } = await fetchJson<ImageManifest>(`/v2/${repository}/manifests/arm64`, MANIFEST_ACCEPT);
      expect(['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json']).toContain(contentType);
      const { body: config } = await fetchJson<{ os: string; architecture: string }>(`/v2/${repository}/blobs/${manifest.config.digest}`, '*/*');
      expect({ os: config.os, architecture: config.architecture }).toEqual({ os: 'linux', architecture: 'arm64' });
      const { stdout } = await runEngineCli(lab, path, ['run', '--rm', '--platform', 'linux/arm64', image, 'cat', '/built-on']);
      expect(stdout).toBe(`${stamp} aarch64`);
    });
  }

  it('builds with BuildKit (DOCKER_BUILDKIT=1) on the real Docker Engine', { timeout: 120_000 }, async () => {
    const image = 'localhost:5000/labtest/buildkit:arm64';
    const env = { ...engineEnv(lab, 'docker'), DOCKER_BUILDKIT: '1' };
    const { execa } = await import('execa');
    const { stderr } = await execa(labEngineFor(lab, 'docker').binary, ['build', '--progress', 'plain', '--platform', 'linux/arm64', '--build-arg', 'STAMP=buildkit', '--tag', image, '.'], {
      cwd: context,
      env,
      extendEnv: false,
    });
    expect(stderr).toMatch(/^#\d+ /m);
    const { stdout } = await runEngineCli(lab, 'docker', ['run', '--rm', '--platform', 'linux/arm64', image, 'cat', '/built-on']);
    expect(stdout).toBe('buildkit aarch64');
  });

  for (const path of ['docker', 'docker-on-podman'] as const) {
    it(`creates and removes a network on ${path}`, async () => {
      const network = `${PREFIX}net-${path}`;
      await runEngineCli(lab, path, ['network', 'create', network]);
      expect(await listNetworks(lab, path, network)).toEqual([network]);
      const { stdout: name } = await runEngineCli(lab, path, ['network', 'inspect', '--format', '{{.Name}}', network]);
      expect(name).toBe(network);
      await runEngineCli(lab, path, ['network', 'rm', network]);
      expect(await listNetworks(lab, path, network)).toEqual([]);
    });
  }

  for (const path of ['docker', 'podman'] as const satisfies readonly EnginePath[]) {
    it(`resolves containers on one network by name on ${path}`, async () => {
      const network = `${PREFIX}dns-${path}`;
      const server = `${PREFIX}server-${path}`;
      await runEngineCli(lab, path, ['network', 'create', network]);
      await runEngineCli(lab, path, [
        'run', '--detach', '--name', server, '--network', network, 'busybox',
        'sh', '-c', 'echo served > /index.html && exec httpd -f -p 8080 -h /',
      ]);
      const { stdout } = await runEngineCli(lab, path, [
        'run', '--rm', '--network', network, 'busybox',
        'sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://${server}:8080/ && exit 0; sleep 0.2; done; exit 1`,
      ]);
      expect(stdout).toBe('served');
      expect(await removeContainers(lab, path, server)).toEqual([server]);
      expect(await removeNetworks(lab, path, network)).toEqual([network]);
    });
  }

  it('keeps container DNS quiet: a container on a network prints only its own output', async () => {
    const network = `${PREFIX}quiet`;
    await runEngineCli(lab, 'podman', ['network', 'create', network]);
    // aardvark-dns starts with the first container on a network; with nothing reading /dev/log it
    // writes "failed to connect to syslog" into that container's output, a moment after start.
    const { all } = await runEngineCli(lab, 'podman', ['run', '--rm', '--network', network, 'busybox', 'sh', '-c', 'sleep 0.5; echo hi'], { all: true });
    expect(all).toBe('hi');
    expect(await removeNetworks(lab, 'podman', network)).toEqual([network]);
  });

  for (const path of ['docker', 'podman'] as const) {
    it(`lists and removes leaked containers by name prefix on ${path}`, async () => {
      const prefix = `${PREFIX}leak-${path}-`;
      for (const name of [`${prefix}b`, `${prefix}a`]) {
        await runEngineCli(lab, path, ['run', '--detach', '--name', name, 'busybox', 'sleep', '300']);
      }
      expect(await listContainers(lab, path, prefix)).toEqual([`${prefix}a`, `${prefix}b`]);
      expect(await listContainers(lab, path, `${prefix}a`)).toEqual([`${prefix}a`]);
      expect(await removeContainers(lab, path, prefix)).toEqual([`${prefix}a`, `${prefix}b`]);
      expect(await listContainers(lab, path, prefix)).toEqual([]);
    });
  }

  it('gives each path only the variables its CLI needs on top of process.env', () => {
    const podman = engineEnv(lab, 'podman');
    expect(podman.CONTAINERS_STORAGE_CONF).toBe(`${lab.dir}/storage.conf`);
    expect(podman.PATH).toBe(process.env.PATH);
    expect(engineEnv(lab, 'docker').DOCKER_HOST).toBe(`unix://${lab.dir}/docker.sock`);
    expect(engineEnv(lab, 'docker-on-podman').DOCKER_HOST).toBe(`unix://${lab.dir}/podman.sock`);
    expect(engineEnv(lab, 'docker').CONTAINERS_CONF).toBe(process.env.CONTAINERS_CONF);
    expect(labEngineFor(lab, 'docker-on-podman')).toEqual({ name: 'docker', binary: '/usr/bin/docker', env: { DOCKER_HOST: `unix://${lab.dir}/podman.sock` } });
  });
});
