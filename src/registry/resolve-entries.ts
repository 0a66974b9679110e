// Registry stage: what `manifest create` adds for one image, read from the registry:
// an image manifest becomes one entry whose platform comes from the image config; an
// index (buildx's default output) is flattened into its image manifests, with its
// attestation manifests carried along.

import type { FetchedManifest, PlatformJson, RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { splitIndexChildren, type ListEntry } from './manifest-list.js';
import { isImageManifestMediaType, isIndexMediaType } from './media-types.js';
import { formatReference, withDigest, type ImageReference } from './reference.js';

/** os, architecture, variant, os.version and os.features of an image config. */
export function platformFromConfig(config: Buffer): PlatformJson {
  const parsed = JSON.parse(config.toString('utf8')) as Record<string, unknown>;
  const text = (key: string) => (typeof parsed[key] === 'string' ? (parsed[key] as string) : undefined);
  const features = Array.isArray(parsed['os.features']) ? (parsed['os.features'] as unknown[]).filter((f): f is string => typeof f === 'string') : undefined;
  return {
    architecture: text('architecture') ?? '',
    os: text('os') ?? '',
    ...(text('os.version') && { 'os.version': text('os.version') }),
    ...(features && features.length > 0 && { 'os.features': features }),
    ...(text('variant') && { variant: text('variant') }),
  };
}

export interface ResolvedImage {
  readonly ref: ImageReference;
  /** The manifest the reference points at (an image manifest or an index). */
  readonly manifest: FetchedManifest;
  readonly entries: readonly ListEntry[];
}

export async function resolveImageEntries(client: RegistryClient, ref: ImageReference): Promise<ResolvedImage> {
  const manifest = await client.getManifest(ref);
  const name = formatReference(ref);
  if (isImageManifestMediaType(manifest.mediaType)) {
    return { ref, manifest, entries: [await imageEntry({ client, ref, name, manifest })] };
  }
  if (!isIndexMediaType(manifest.mediaType)) {
    throw new RegistryError(`${name} is not an image: its manifest has media type ${manifest.mediaType}`, {
      hint: 'name an image (or an index of images) built for one or more platforms',
    });
  }
  const { images, attestations } = splitIndexChildren({ ref: name, index: manifest.json });
  const children = await Promise.all(
    [...images, ...attestations].map(async (child) => {
      const childRef = withDigest(ref, child.digest);
      const fetched = await client.getManifest(childRef);
      const isAttestation = attestations.includes(child);
      const platform = child.platform ?? (isAttestation ? { architecture: 'unknown', os: 'unknown' } : undefined);
      const entry = await imageEntry({ client, ref: childRef, name: formatReference(childRef), manifest: fetched, ...(platform && { platform }) });
      return {
        ...entry,
        descriptor: { ...entry.descriptor, ...(child.annotations && Object.keys(child.annotations).length > 0 && { annotations: child.annotations }) },
        ...(isAttestation && { isAttestation: true }),
        fromIndex: manifest.digest,
      } satisfies ListEntry;
    }),
  );
  // Keep the index's order: image manifests and their attestations as buildx wrote them.
  const order = new Map((manifest.json.manifests ?? []).map((child, index) => [child.digest, index]));
  children.sort((a, b) => (order.get(a.descriptor.digest) ?? 0) - (order.get(b.descriptor.digest) ?? 0));
  return { ref, manifest, entries: children };
}

async function imageEntry(options: { client: RegistryClient; ref: ImageReference; name: string; manifest: FetchedManifest; platform?: PlatformJson }): Promise<ListEntry> {
  const { manifest } = options;
  let platform = options.platform;
  if (!platform) {
    const configDigest = manifest.json.config?.digest;
    if (!configDigest) throw new RegistryError(`the manifest of ${options.name} names no config blob, so its platform is unknown`);
    platform = platformFromConfig(await options.client.getBlob(options.ref, configDigest));
  }
  return {
    ref: options.name,
    descriptor: { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size, platform },
    raw: manifest.bytes.toString('base64'),
  };
}
