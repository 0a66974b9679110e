import { describe, it, expect, beforeAll } from 'vitest';
import { execa } from 'execa';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireLabRegistry } from './helpers/registry-process.js';
import { digestOf, EIGHT_PLATFORMS, OCI_INDEX, pushImage, pushIndexWithAttestations, uniqueName, type PushTarget } from './helpers/images.js';
import { createManifestRunner } from './helpers/manifest-io.js';

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

let host: string;
let dockerConfig: string;

async function dockerClientMajor(): Promise<number> {
  const { stdout } = await execa('docker', ['version', '--format', '{{.Client.Version}}'], { env: { PATH: process.env.PATH }, extendEnv: false, reject: false });
  return Number.parseInt(stdout, 10);
}

async function dockerInspect(args: readonly string[]): Promise<string> {
  const result = await execa('docker', ['manifest', 'inspect', '--insecure', ...args], {
    env: { PATH: process.env.PATH, HOME: dockerConfig, DOCKER_CONFIG: dockerConfig },
    extendEnv: false,
    stripFinalNewline: false,
  });
  return result.stdout;
}

async function fetchManifest(repo: string, reference: string): Promise<{ mediaType: string; body: string; json: any }> {
  const response = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, {
    headers: { accept: `${OCI_INDEX}, ${DOCKER_LIST}, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json` },
  });
  const body = await response.text();
  return { mediaType: response.headers.get('content-type') ?? '', body, json: JSON.parse(body) };
}

function target(repo: string): PushTarget {
  return { baseUrl: `http://${host}`, repo };
}

beforeAll(async () => {
  host = await requireLabRegistry();
  dockerConfig = await mkdtemp(join(tmpdir(), 'taskrun-docker-config-'));
  await writeFile(join(dockerConfig, 'config.json'), '{"experimental":"enabled"}\n');
});

describe('docker manifest in-process against the lab registry', () => {
  it('creates and pushes an 8-platform list; inspect by tag and by digest matches docker manifest inspect', async () => {
    const repo = uniqueName('eight');
    const images = await Promise.all(EIGHT_PLATFORMS.map((platform, i) => pushImage(target(repo), { platform, tag: `p${i}` })));
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:multi`;

    const create = await runner.run(['create', list, ...EIGHT_PLATFORMS.map((_, i) => `${host}/${repo}:p${i}`)]);
    expect(create).toEqual({ exitCode: 0, stdout: `Created manifest list ${list}\n`, stderr: '', pushed: [] });

    const push = await runner.run(['push', list]);
    const pushed = await fetchManifest(repo, 'multi');
    expect(push.exitCode).toBe(0);
    expect(push.stdout).toBe(`${digestOf(Buffer.from(pushed.body))}\n`);
    expect(push.stderr).toBe('taskrun: pushed a Docker manifest list, because every entry is a Docker image manifest\n');
    expect(push.pushed).toEqual([{ reference: list, digest: digestOf(Buffer.from(pushed.body)), mediaType: DOCKER_LIST }]);
    expect(pushed.mediaType).toBe(DOCKER_LIST);
    expect(pushed.json.manifests.map((m: any) => m.digest)).toEqual(images.map((image) => image.digest));
    expect(pushed.json.manifests[2].platform).toEqual({ architecture: 'arm', os: 'linux', variant: 'v7' });

    // Local list (not purged) and remote list print the same, as docker's do.
    const local = await runner.run(['inspect', list]);
    expect(local.stdout).toBe(await dockerInspect([list]));
    const purge = await runner.run(['rm', list]);
    expect(purge.exitCode).toBe(0);

    const byTag = await runner.run(['inspect', '--insecure', list]);
    expect(byTag.exitCode).toBe(0);
    expect(byTag.stdout).toBe(await dockerInspect([list]));
    const byDigest = `${host}/${repo}@${digestOf(Buffer.from(pushed.body))}`;
    expect((await runner.run(['inspect', byDigest])).stdout).toBe(await dockerInspect([byDigest]));
    // `--verbose` is compared with a docker CLI of 23 or later, the one taskrun follows: Docker
    // 20.10's (Debian's docker.io) indents it with tabs and has no `Raw` field.
    const isCurrentDocker = (await dockerClientMajor()) >= 23;
    if (isCurrentDocker) expect((await runner.run(['inspect', '-v', list])).stdout).toBe(await dockerInspect(['-v', list]));
    expect((await runner.run(['inspect', `${host}/${repo}:p2`])).stdout).toBe(await dockerInspect([`${host}/${repo}:p2`]));
    if (isCurrentDocker) expect((await runner.run(['inspect', '--verbose', `${host}/${repo}:p2`])).stdout).toBe(await dockerInspect(['--verbose', `${host}/${repo}:p2`]));
  });

  it('flattens a child index and keeps its attestation manifests; the result is an OCI index', async () => {
    const repo = uniqueName('buildx');
    const platforms = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ];
    const index = await pushIndexWithAttestations(target(repo), { platforms, tag: 'built' });
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 's390x' }, tag: 's390x' });
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:all`;

    const create = await runner.run(['create', list, `${host}/${repo}:built`, `${host}/${repo}:s390x`]);
    expect(create.exitCode).toBe(0);
    expect(create.stderr).toBe(`taskrun: ${host}/${repo}:built is an index: added its 2 image manifests and 2 attestation manifests\n`);

    const push = await runner.run(['push', '--purge', list]);
    expect(push.exitCode).toBe(0);
    expect(push.stderr).toBe(`taskrun: pushed an OCI image index, because ${host}/${repo}:built@${index.images[0]!.digest} is of media type application/vnd.oci.image.manifest.v1+json\n`);
    const pushed = await fetchManifest(repo, 'all');
    expect(pushed.mediaType).toBe(OCI_INDEX);
    const entries = pushed.json.manifests as any[];
    expect(entries.map((m) => m.digest)).toEqual([...index.images.map((m) => m.digest), ...index.attestations.map((m) => m.digest), expect.any(String)]);
    expect(entries[2]).toEqual({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: index.attestations[0]!.size,
      digest: index.attestations[0]!.digest,
      annotations: { 'vnd.docker.reference.digest': index.images[0]!.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
    expect(entries[4].platform).toEqual({ architecture: 's390x', os: 'linux' });
    const inspected = await runner.run(['inspect', list]);
    expect(inspected.exitCode).toBe(0);
    // Docker 20.10's CLI (Debian's docker.io) cannot read an index with attestations; later ones print the same text.
    if ((await dockerClientMajor()) >= 23) expect(inspected.stdout).toBe(await dockerInspect([list]));
  });

  it('refuses to overwrite a local list without --amend, and adds entries with it', async () => {
    const repo = uniqueName('amend');
    await Promise.all(EIGHT_PLATFORMS.slice(0, 3).map((platform, i) => pushImage(target(repo), { platform, tag: `p${i}` })));
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:v1`;
    expect((await runner.run(['create', list, `${host}/${repo}:p0`, `${host}/${repo}:p1`])).exitCode).toBe(0);
    const again = await runner.run(['create', list, `${host}/${repo}:p2`]);
    expect(again).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `refusing to amend an existing manifest list with no --amend flag\nhint: add --amend, or remove it first with \`docker manifest rm ${list}\`\n`,
      pushed: [],
    });
    expect((await runner.run(['create', '--amend', list, `${host}/${repo}:p2`, `${host}/${repo}:p0`])).exitCode).toBe(0);
    expect((await runner.run(['push', list])).exitCode).toBe(0);
    const pushed = await fetchManifest(repo, 'v1');
    expect(pushed.json.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm']);
  });

  it('annotates different entries of one list from parallel steps without losing either change', async () => {
    const repo = uniqueName('parallel');
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'amd64' }, tag: 'amd64' });
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'arm64' }, tag: 'arm64' });
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:race`;
    expect((await runner.run(['create', list, `${host}/${repo}:amd64`, `${host}/${repo}:arm64`])).exitCode).toBe(0);
    const results = await Promise.all([
      runner.run(['annotate', '--os-version', '10.0.1', list, `${host}/${repo}:amd64`]),
      runner.run(['annotate', '--variant', 'v8', list, `${host}/${repo}:arm64`]),
    ]);
    expect(results.map((result) => result.exitCode)).toEqual([0, 0]);
    const inspected = JSON.parse((await runner.run(['inspect', list])).stdout);
    expect(inspected.manifests.map((m: any) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux', 'os.version': '10.0.1' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
    ]);
  });

  it('create --amend with a rebuilt index replaces everything the old index brought, in place', async () => {
    const repo = uniqueName('rebuilt');
    const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }];
    const first = await pushIndexWithAttestations(target(repo), { platforms, tag: 'multi' });
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:l`;
    expect((await runner.run(['create', list, `${host}/${repo}:multi`])).exitCode).toBe(0);
    const second = await pushIndexWithAttestations(target(repo), { platforms, tag: 'multi' });
    expect((await runner.run(['create', '--amend', list, `${host}/${repo}:multi`])).exitCode).toBe(0);
    const digests = JSON.parse((await runner.run(['inspect', list])).stdout).manifests.map((m: any) => m.digest);
    expect(digests).toEqual([...second.images, ...second.attestations].map((m) => m.digest));
    expect(digests).not.toContain(first.images[0]!.digest);
  });

  it('annotate --variant v7 sets the variant of a linux/arm entry; bad os/arch pairs are refused', async () => {
    const repo = uniqueName('annotate');
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'arm' }, tag: 'arm' });
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'amd64' }, tag: 'amd64' });
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:multi`;
    await runner.run(['create', list, `${host}/${repo}:arm`, `${host}/${repo}:amd64`]);
    expect(await runner.run(['annotate', '--variant', 'v7', list, `${host}/${repo}:arm`])).toEqual({ exitCode: 0, stdout: '', stderr: '', pushed: [] });
    const bad = await runner.run(['annotate', '--os', 'linux', '--arch', 'sparc', list, `${host}/${repo}:arm`]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('manifest entry for image has unsupported os/arch combination: linux/sparc');
    const missing = await runner.run(['annotate', '--variant', 'v8', list, `${host}/${repo}:nope`]);
    expect(missing.stderr).toBe(`manifest for image ${host}/${repo}:nope does not exist in ${list}\n`);
    expect((await runner.run(['push', list])).exitCode).toBe(0);
    const pushed = await fetchManifest(repo, 'multi');
    expect(pushed.json.manifests[0].platform).toEqual({ architecture: 'arm', os: 'linux', variant: 'v7' });
  });

  it('push --purge removes the local list; without it the list stays', async () => {
    const repo = uniqueName('purge');
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'amd64' }, tag: 'a' });
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:multi`;
    await runner.run(['create', list, `${host}/${repo}:a`]);
    await runner.run(['push', list]);
    expect((await runner.run(['push', '-p', list])).exitCode).toBe(0);
    const after = await runner.run(['push', list]);
    expect(after.exitCode).toBe(1);
    expect(after.stderr).toBe(`No such manifest: ${list}\nhint: create it first: \`docker manifest create ${list} IMAGE…\`\n`);
    expect((await runner.run(['rm', list])).stderr).toBe(`No such manifest: ${list}\n`);
  });

  it('copies entries from other repositories: blobs mounted, manifests put by digest', async () => {
    const source = uniqueName('source');
    const repo = uniqueName('target');
    const image = await pushImage(target(source), { platform: { os: 'linux', architecture: 'arm64' }, tag: 'arm64' });
    const runner = await createManifestRunner();
    const list = `${host}/${repo}:multi`;
    await runner.run(['create', list, `${host}/${source}:arm64`]);
    const push = await runner.run(['push', list]);
    expect(push.exitCode).toBe(0);
    expect(push.stdout.split('\n')[0]).toBe(`Pushed ref ${host}/${repo}@${image.digest} with digest: ${image.digest}`);
    const copied = await fetch(`http://${host}/v2/${repo}/manifests/${image.digest}`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    expect(copied.status).toBe(200);
    for (const blob of [image.configDigest, image.layerDigest]) {
      expect((await fetch(`http://${host}/v2/${repo}/blobs/${blob}`, { method: 'HEAD' })).status).toBe(200);
    }
  });

  it('--format and --annotation: explicit media types, and a clear error for impossible ones', async () => {
    const repo = uniqueName('format');
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'amd64' }, tag: 'docker' });
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'arm64' }, tag: 'oci', format: 'oci' });
    const runner = await createManifestRunner();
    const forced = `${host}/${repo}:forced`;
    // Refused at create already, so nothing impossible is ever stored.
    const refused = await runner.run(['create', '--format', 'docker', forced, `${host}/${repo}:docker`, `${host}/${repo}:oci`]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      `a Docker manifest list cannot hold ${host}/${repo}:oci: it is of media type application/vnd.oci.image.manifest.v1+json\nhint: use --format oci (or leave --format out to let taskrun pick an OCI index)\n`,
    );
    const annotated = `${host}/${repo}:annotated`;
    await runner.run(['create', '--annotation', 'org.opencontainers.image.source=https://example.test/app', annotated, `${host}/${repo}:docker`]);
    await runner.run(['annotate', '--annotation', 'com.example.note=first', annotated, `${host}/${repo}:docker`]);
    expect((await runner.run(['push', annotated])).exitCode).toBe(0);
    const pushed = await fetchManifest(repo, 'annotated');
    expect(pushed.mediaType).toBe(OCI_INDEX);
    expect(pushed.json.annotations).toEqual({ 'org.opencontainers.image.source': 'https://example.test/app' });
    expect(pushed.json.manifests[0].annotations).toEqual({ 'com.example.note': 'first' });
  });

  it('needs no container engine: works with an empty PATH', async () => {
    const repo = uniqueName('noengine');
    await pushImage(target(repo), { platform: { os: 'linux', architecture: 'amd64' }, tag: 'a' });
    const runner = await createManifestRunner({ env: { PATH: '/nonexistent' } });
    const list = `${host}/${repo}:multi`;
    expect((await runner.run(['create', list, `${host}/${repo}:a`])).exitCode).toBe(0);
    expect((await runner.run(['push', '--purge', list])).exitCode).toBe(0);
  });

  it('a missing image fails create with the reference and what to do', async () => {
    const repo = uniqueName('missing');
    const runner = await createManifestRunner();
    const result = await runner.run(['create', `${host}/${repo}:multi`, `${host}/${repo}:nope`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `cannot read the manifest of ${host}/${repo}:nope: not found (MANIFEST_UNKNOWN manifest unknown)\nhint: check the repository name and tag, and that the image was pushed to ${host}\n`,
    );
  });
});
