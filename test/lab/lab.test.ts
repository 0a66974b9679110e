import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import type { LabEnv } from '../../src/engine/lab-env.js';
import {
  engineEnv,
  listContainers,
  listNetworks,
  removeContainers,
  removeNetworks,
  requireLab,
} from '../helpers/lab.js';
import type { LabEngine } from '../helpers/lab.js';

const REGISTRY = 'http://127.0.0.1:5000';
const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');
const PREFIX = `taskrun-labtest-${process.pid}-`;

interface ImageManifest {
  readonly mediaType?: string;
  readonly config: { readonly digest: string };
  readonly layers: readonly unknown[];
}

let lab: LabEnv;
let context: string;

function runEngine(engine: LabEngine, args: readonly string[], options: { cwd?: string } = {}) {
  return execa(engine, args, { env: engineEnv(lab, engine), extendEnv: false, ...options });
}

async function fetchManifest(repository: string, tag: string): Promise<{ contentType: string; manifest: ImageManifest }> {
  const res = await fetch(`${REGISTRY}/v2/${repository}/manifests/${tag}`, { headers: { Accept: MANIFEST_ACCEPT } });
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type') ?? '', manifest: (await res.json()) as ImageManifest };
}

// Per test, so that without the lab every test fails (a failing beforeAll would report them as skipped).
beforeEach(async () => {
  lab = await requireLab();
});

beforeAll(async () => {
  context = await mkdtemp(join(tmpdir(), 'taskrun-labtest-'));
  await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY engine.txt /engine.txt\n');
});

afterAll(async () => {
  if (context) await rm(context, { recursive: true, force: true });
  if (lab) {
    await removeContainers(lab, PREFIX);
    await removeNetworks(lab, PREFIX);
  }
});

describe('the container lab', () => {
  it('describes itself through the pointer file', () => {
    expect(lab.registry).toBe('localhost:5000');
    expect(lab.vars.DOCKER_HOST).toBe(`unix://${lab.dir}/podman.sock`);
    expect(lab.vars.CONTAINERS_CONF).toBe(`${lab.dir}/containers.conf`);
    expect(lab.vars.CONTAINERS_REGISTRIES_CONF).toBe(`${lab.dir}/registries.conf`);
    expect(lab.vars.CONTAINERS_STORAGE_CONF).toBe(`${lab.dir}/storage.conf`);
  });

  it('serves the registry API on 127.0.0.1:5000', async () => {
    const res = await fetch(`${REGISTRY}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await res.json()).toEqual({});
  });

  it('runs busybox with podman', async () => {
    const { stdout } = await runEngine('podman', ['run', '--rm', 'busybox', 'echo', 'hi']);
    expect(stdout).toBe('hi');
  });

  it('runs busybox with the docker CLI over the podman socket', async () => {
    const { stdout } = await runEngine('docker', ['run', '--rm', 'busybox', 'sh', '-c', 'echo "$((6 * 7))"']);
    expect(stdout).toBe('42');
  });

  it('has the busybox image in the registry', async () => {
    const { manifest } = await fetchManifest('busybox', 'latest');
    expect(manifest.layers.length).toBeGreaterThan(0);
  });

  for (const engine of ['podman', 'docker'] as const) {
    it(`builds a FROM scratch image for linux/arm64 with ${engine} and pushes it to the registry`, async () => {
      const image = 'localhost:5000/labtest/scratch:arm64';
      await writeFile(join(context, 'engine.txt'), `${engine} ${process.pid}\n`);
      await runEngine(engine, ['build', '--quiet', '--platform', 'linux/arm64', '--tag', image, '.'], { cwd: context });
      await runEngine(engine, ['push', image]);
      const { stdout: imageId } = await runEngine(engine, ['image', 'inspect', '--format', '{{.Id}}', image]);

      const { contentType, manifest } = await fetchManifest('labtest/scratch', 'arm64');
      expect([
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
      ]).toContain(contentType);
      expect(manifest.config.digest).toBe(`sha256:${imageId.replace(/^sha256:/, '')}`);
      expect(manifest.layers).toHaveLength(1);

      const config = (await (await fetch(`${REGISTRY}/v2/labtest/scratch/blobs/${manifest.config.digest}`)).json()) as {
        os: string;
        architecture: string;
      };
      expect({ os: config.os, architecture: config.architecture }).toEqual({ os: 'linux', architecture: 'arm64' });
    });
  }

  it('creates and removes a network with the docker CLI over the podman socket', async () => {
    const network = `${PREFIX}net`;
    await runEngine('docker', ['network', 'create', network]);
    expect(await listNetworks(lab, PREFIX)).toEqual([network]);
    const { stdout: name } = await runEngine('docker', ['network', 'inspect', '--format', '{{.Name}}', network]);
    expect(name).toBe(network);
    await runEngine('docker', ['network', 'rm', network]);
    expect(await listNetworks(lab, PREFIX)).toEqual([]);
  });

  it('resolves containers on one network by name', async () => {
    const network = `${PREFIX}dns`;
    const server = `${PREFIX}server`;
    await runEngine('docker', ['network', 'create', network]);
    await runEngine('docker', [
      'run', '--detach', '--name', server, '--network', network, 'busybox',
      'sh', '-c', 'echo served > /index.html && exec httpd -f -p 8080 -h /',
    ]);
    const { stdout } = await runEngine('docker', [
      'run', '--rm', '--network', network, 'busybox',
      'sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://${server}:8080/ && exit 0; sleep 0.2; done; exit 1`,
    ]);
    expect(stdout).toBe('served');
    expect(await removeContainers(lab, PREFIX)).toEqual([server]);
    expect(await removeNetworks(lab, PREFIX)).toEqual([network]);
  });

  it('keeps container DNS quiet: a container on a network prints only its own output', async () => {
    const network = `${PREFIX}quiet`;
    await runEngine('podman', ['network', 'create', network]);
    // aardvark-dns starts with the first container on a network; with nothing reading /dev/log it
    // writes "failed to connect to syslog" into that container's output, a moment after start.
    const { all } = await execa('podman', ['run', '--rm', '--network', network, 'busybox', 'sh', '-c', 'sleep 0.5; echo hi'], {
      env: engineEnv(lab, 'podman'),
      extendEnv: false,
      all: true,
    });
    expect(all).toBe('hi');
    expect(await removeNetworks(lab, PREFIX)).toEqual([network]);
  });

  it('lists and removes leaked containers by name prefix', async () => {
    const names = [`${PREFIX}leak-b`, `${PREFIX}leak-a`];
    for (const name of names) {
      await runEngine('podman', ['run', '--detach', '--name', name, 'busybox', 'sleep', '300']);
    }
    expect(await listContainers(lab, PREFIX)).toEqual([`${PREFIX}leak-a`, `${PREFIX}leak-b`]);
    expect(await listContainers(lab, `${PREFIX}leak-a`)).toEqual([`${PREFIX}leak-a`]);
    expect(await removeContainers(lab, PREFIX)).toEqual([`${PREFIX}leak-a`, `${PREFIX}leak-b`]);
    expect(await listContainers(lab, PREFIX)).toEqual([]);
  });

  it('gives each engine CLI only the variables it needs on top of process.env', () => {
    const podman = engineEnv(lab, 'podman');
    const docker = engineEnv(lab, 'docker');
    expect(podman.CONTAINERS_STORAGE_CONF).toBe(`${lab.dir}/storage.conf`);
    expect(podman.PATH).toBe(process.env.PATH);
    expect(docker.DOCKER_HOST).toBe(`unix://${lab.dir}/podman.sock`);
    expect(docker.CONTAINERS_CONF).toBe(process.env.CONTAINERS_CONF);
  });
});
