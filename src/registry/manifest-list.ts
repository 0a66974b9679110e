// Registry stage, pure: the entries of a manifest list being assembled, the media type
// the list gets (a Docker manifest list when every entry is a Docker image manifest and
// nothing needs OCI, an OCI index otherwise, or what `--format` forces), and its bytes.

import type { DescriptorJson, ManifestJson, PlatformJson } from './client.js';
import { RegistryError } from './errors.js';
import { marshalIndentGo, sortedRecord, type GoJsonValue } from './go-json.js';
import {
  ATTESTATION_MANIFEST,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  isImageManifestMediaType,
  isIndexMediaType,
  OCI_INDEX,
  REFERENCE_TYPE_ANNOTATION,
  type ListFormat,
} from './media-types.js';
import { sha256Digest } from './client.js';

export interface EntryDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: PlatformJson;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ListEntry {
  /** The image as the user named it, normalised; `…@sha256:…` for an entry taken out of an index. */
  readonly ref: string;
  readonly descriptor: EntryDescriptor;
  /** The entry's manifest bytes, base64: needed to copy it into the list's repository. */
  readonly raw: string;
  /** A buildx provenance/SBOM manifest carried along from a child index. */
  readonly isAttestation?: boolean;
  /** The digest of the index this entry was taken out of. */
  readonly fromIndex?: string;
}

export interface ListSpec {
  readonly entries: readonly ListEntry[];
  /** Annotations of the list itself (`create --annotation`). */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly format?: ListFormat;
}

export interface BuiltList {
  readonly mediaType: typeof DOCKER_MANIFEST_LIST | typeof OCI_INDEX;
  /** Why this media type, in one line (printed, so the choice is never silent). */
  readonly reason: string;
  readonly bytes: Buffer;
  readonly digest: string;
}

function hasAnnotations(record: Readonly<Record<string, string>> | undefined): boolean {
  return record !== undefined && Object.keys(record).length > 0;
}

export function chooseListMediaType(spec: ListSpec): { mediaType: BuiltList['mediaType']; reason: string } {
  const ociEntry = spec.entries.find((entry) => entry.descriptor.mediaType !== DOCKER_MANIFEST);
  const annotatedEntry = spec.entries.find((entry) => hasAnnotations(entry.descriptor.annotations));
  const hasListAnnotations = hasAnnotations(spec.annotations);
  if (spec.format === 'oci') return { mediaType: OCI_INDEX, reason: 'an OCI image index, as --format oci asks' };
  if (spec.format === 'docker') {
    if (ociEntry) {
      throw new RegistryError(`a Docker manifest list cannot hold ${ociEntry.ref}: it is ${describeEntry(ociEntry)}`, {
        hint: 'use --format oci (or leave --format out to let taskrun pick an OCI index)',
      });
    }
    if (hasListAnnotations || annotatedEntry) {
      const where = annotatedEntry ? `the entry ${annotatedEntry.ref}` : 'the list';
      throw new RegistryError(`a Docker manifest list cannot carry annotations, but ${where} has some`, {
        hint: 'use --format oci, or create the list again without --annotation',
      });
    }
    return { mediaType: DOCKER_MANIFEST_LIST, reason: 'a Docker manifest list, as --format docker asks' };
  }
  if (ociEntry) return { mediaType: OCI_INDEX, reason: `an OCI image index, because ${ociEntry.ref} is ${describeEntry(ociEntry)}` };
  if (hasListAnnotations) return { mediaType: OCI_INDEX, reason: 'an OCI image index, because the list has annotations' };
  if (annotatedEntry) return { mediaType: OCI_INDEX, reason: `an OCI image index, because the entry ${annotatedEntry.ref} has annotations` };
  return { mediaType: DOCKER_MANIFEST_LIST, reason: 'a Docker manifest list, because every entry is a Docker image manifest' };
}

function describeEntry(entry: ListEntry): string {
  if (entry.isAttestation) return 'an attestation manifest (OCI)';
  return entry.descriptor.mediaType === DOCKER_MANIFEST ? 'a Docker image manifest' : `of media type ${entry.descriptor.mediaType}`;
}

export function buildManifestList(spec: ListSpec): BuiltList {
  if (spec.entries.length === 0) throw new RegistryError('the manifest list has no entries', { hint: 'add images with `manifest create LIST IMAGE…`' });
  for (const entry of spec.entries) {
    const platform = entry.descriptor.platform;
    if (!platform || platform.os === '' || platform.architecture === '') {
      throw new RegistryError(`manifest ${entry.ref} must have an OS and Architecture to be pushed to a registry`, {
        hint: `set them with \`manifest annotate --os OS --arch ARCH LIST ${entry.ref}\``,
      });
    }
  }
  const { mediaType, reason } = chooseListMediaType(spec);
  const manifests = spec.entries.map((entry) => descriptorValue(entry.descriptor, mediaType));
  const value: GoJsonValue = {
    schemaVersion: 2,
    mediaType,
    manifests,
    annotations: mediaType === OCI_INDEX ? sortedRecord(spec.annotations) : undefined,
  };
  // Docker (distribution's manifestlist) writes lists with a 3-space indent; taskrun does the same.
  const bytes = Buffer.from(marshalIndentGo(value, '   '), 'utf8');
  return { mediaType, reason, bytes, digest: sha256Digest(bytes) };
}

/** A descriptor in distribution's field order: mediaType, size, digest, annotations, platform. */
export function descriptorValue(descriptor: EntryDescriptor, listMediaType: string): GoJsonValue {
  return {
    mediaType: descriptor.mediaType,
    size: descriptor.size,
    digest: descriptor.digest,
    annotations: listMediaType === OCI_INDEX ? sortedRecord(descriptor.annotations) : undefined,
    platform: descriptor.platform ? platformValue(descriptor.platform) : undefined,
  };
}

export function platformValue(platform: PlatformJson): GoJsonValue {
  return {
    architecture: platform.architecture,
    os: platform.os,
    'os.version': platform['os.version'] || undefined,
    'os.features': platform['os.features']?.length ? platform['os.features'] : undefined,
    variant: platform.variant || undefined,
    features: platform.features?.length ? platform.features : undefined,
  };
}

/** `linux/arm/v7` */
export function formatPlatform(platform: PlatformJson | undefined): string {
  if (!platform) return 'unknown platform';
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined && part !== '').join('/');
}

export function isAttestationDescriptor(descriptor: DescriptorJson): boolean {
  return descriptor.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_MANIFEST;
}

export interface IndexChildren {
  readonly images: readonly DescriptorJson[];
  readonly attestations: readonly DescriptorJson[];
}

// buildx's default output is an index whose image manifests come with attestation manifests.
export function splitIndexChildren(options: { ref: string; index: ManifestJson }): IndexChildren {
  const images: DescriptorJson[] = [];
  const attestations: DescriptorJson[] = [];
  for (const child of options.index.manifests ?? []) {
    const mediaType = child.mediaType ?? '';
    if (isIndexMediaType(mediaType)) {
      throw new RegistryError(`${options.ref} holds another index (${child.digest}); taskrun flattens one level of index only`, {
        hint: `name the inner index directly: ${options.ref.replace(/[:@].*$/, '')}@${child.digest}`,
      });
    }
    if (!isImageManifestMediaType(mediaType)) {
      throw new RegistryError(`${options.ref} holds ${child.digest} of media type ${mediaType || '(none)'}, which is not an image manifest`);
    }
    if (isAttestationDescriptor(child)) attestations.push(child);
    else images.push(child);
  }
  return { images, attestations };
}

/** Every blob a manifest names (config first, then layers). */
export function manifestBlobDigests(manifest: ManifestJson): string[] {
  return [...(manifest.config ? [manifest.config.digest] : []), ...(manifest.layers ?? []).map((layer) => layer.digest)];
}
