// Test support: pushes small images straight to a registry over HTTP (config blob, layer
// blob, manifest), per platform, and buildx-like indexes with an attestation manifest.

import { createHash, randomBytes } from 'node:crypto';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface PushTarget {
  /** `http://127.0.0.1:5000` */
  readonly baseUrl: string;
  readonly repo: string;
  /** Authorization header value, for registries with auth. */
  readonly authorization?: string;
}

export interface PushedManifest {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly configDigest: string;
  readonly layerDigest: string;
}

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function headers(target: PushTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(target.authorization && { authorization: target.authorization }) };
}

export async function pushBlob(target: PushTarget, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  const start = await fetch(`${target.baseUrl}/v2/${target.repo}/blobs/uploads/`, { method: 'POST', headers: headers(target) });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, target.baseUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: headers(target, { 'content-type': 'application/octet-stream' }) });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
  return digest;
}

export async function putManifest(target: PushTarget, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const response = await fetch(`${target.baseUrl}/v2/${target.repo}/manifests/${reference}`, {
    method: 'PUT',
    body: bytes,
    headers: headers(target, { 'content-type': mediaType }),
  });
  if (response.status !== 201) throw new Error(`manifest put ${reference}: HTTP ${response.status} ${await response.text()}`);
  return digestOf(bytes);
}

/** An image for one platform; pushed by `tag` when given (else only by digest). */
export async function pushImage(target: PushTarget, options: { platform: Platform; tag?: string; format?: 'docker' | 'oci' }): Promise<PushedManifest> {
  const layer = randomBytes(64);
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.platform.architecture,
      os: options.platform.os,
      ...(options.platform.variant && { variant: options.platform.variant }),
      config: {},
      rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
    }),
  );
  const isOci = options.format === 'oci';
  const [configDigest, layerDigest] = await Promise.all([pushBlob(target, config), pushBlob(target, layer)]);
  const mediaType = isOci ? OCI_MANIFEST : DOCKER_MANIFEST;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: isOci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
    layers: [{ mediaType: isOci ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: layerDigest }],
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const digest = await putManifest(target, options.tag ?? digestOf(bytes), bytes, mediaType);
  return { digest, size: bytes.length, mediaType, bytes, configDigest, layerDigest };
}

/** Like buildx's default output: an OCI index of image manifests, each with an attestation manifest. */
export async function pushIndexWithAttestations(target: PushTarget, options: { platforms: readonly Platform[]; tag: string }): Promise<{ digest: string; images: PushedManifest[]; attestations: PushedManifest[] }> {
  const images = await Promise.all(options.platforms.map((platform) => pushImage(target, { platform, format: 'oci' })));
  const attestations = await Promise.all(options.platforms.map(() => pushImage(target, { platform: { os: 'unknown', architecture: 'unknown' }, format: 'oci' })));
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      ...images.map((image, i) => ({ mediaType: OCI_MANIFEST, digest: image.digest, size: image.size, platform: options.platforms[i] })),
      ...attestations.map((attestation, i) => ({
        mediaType: OCI_MANIFEST,
        digest: attestation.digest,
        size: attestation.size,
        annotations: { 'vnd.docker.reference.digest': images[i]!.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
        platform: { architecture: 'unknown', os: 'unknown' },
      })),
    ],
  };
  const bytes = Buffer.from(JSON.stringify(index, null, 2));
  const digest = await putManifest(target, options.tag, bytes, OCI_INDEX);
  return { digest, images, attestations };
}

export const EIGHT_PLATFORMS: readonly Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 'arm', variant: 'v6' },
  { os: 'linux', architecture: '386' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: 's390x' },
  { os: 'linux', architecture: 'riscv64' },
];

/** A tag fragment unique to one test run, so repeated runs against the same registry never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
