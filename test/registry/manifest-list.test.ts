import { describe, it, expect } from 'vitest';
import { buildManifestList, chooseListMediaType, splitIndexChildren, type ListEntry } from '../../src/registry/manifest-list.js';

const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const d = (c: string) => `sha256:${c.repeat(64)}`;

function entry(ref: string, mediaType: string, extra: Partial<ListEntry['descriptor']> = {}): ListEntry {
  return { ref, descriptor: { mediaType, digest: d('a'), size: 10, platform: { os: 'linux', architecture: 'amd64' }, ...extra }, raw: '' };
}

describe('chooseListMediaType', () => {
  it('a Docker list only when every entry is a Docker manifest and nothing needs OCI', () => {
    expect(chooseListMediaType({ entries: [entry('r/a', DOCKER), entry('r/b', DOCKER)] })).toEqual({
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      reason: 'a Docker manifest list, because every entry is a Docker image manifest',
    });
    expect(chooseListMediaType({ entries: [entry('r/a', DOCKER), entry('r/b', OCI)] })).toEqual({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      reason: `an OCI image index, because r/b is of media type ${OCI}`,
    });
    expect(chooseListMediaType({ entries: [entry('r/a', DOCKER)], annotations: { k: 'v' } }).reason).toBe('an OCI image index, because the list has annotations');
    expect(chooseListMediaType({ entries: [entry('r/a', DOCKER)], format: 'oci' }).reason).toBe('an OCI image index, as --format oci asks');
  });

  it('--format docker with annotations is an error that says how to fix it', () => {
    expect(() => chooseListMediaType({ entries: [entry('r/a', DOCKER, { annotations: { k: 'v' } })], format: 'docker' })).toThrow(
      'a Docker manifest list cannot carry annotations, but the entry r/a has some',
    );
  });
});

describe('buildManifestList', () => {
  it('writes docker-style bytes (3-space indent) and the digest of exactly those bytes', () => {
    const built = buildManifestList({ entries: [entry('r/a', DOCKER, { platform: { os: 'linux', architecture: 'arm', variant: 'v7' } })] });
    expect(built.bytes.toString()).toBe(
      `{\n   "schemaVersion": 2,\n   "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",\n   "manifests": [\n      {\n         "mediaType": "${DOCKER}",\n         "size": 10,\n         "digest": "${d('a')}",\n         "platform": {\n            "architecture": "arm",\n            "os": "linux",\n            "variant": "v7"\n         }\n      }\n   ]\n}`,
    );
    expect(built.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('refuses entries without os and architecture, as docker does', () => {
    expect(() => buildManifestList({ entries: [entry('r/a', DOCKER, { platform: { os: '', architecture: '' } })] })).toThrow(
      'manifest r/a must have an OS and Architecture to be pushed to a registry',
    );
  });
});

describe('splitIndexChildren', () => {
  it('separates attestation manifests from image manifests', () => {
    const attestation = { mediaType: OCI, digest: d('b'), size: 1, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } };
    const image = { mediaType: OCI, digest: d('c'), size: 1, platform: { os: 'linux', architecture: 'amd64' } };
    expect(splitIndexChildren({ ref: 'r/x:1', index: { manifests: [image, attestation] } })).toEqual({ images: [image], attestations: [attestation] });
  });
});
