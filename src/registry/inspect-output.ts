// Registry stage, pure: `docker manifest inspect` output, byte for byte as docker prints
// it: a list rebuilt as distribution's manifestlist (3-space indent, media type from the
// first entry, platform only), a single manifest re-indented with tabs, and `--verbose`
// as docker's ImageManifest structs (Ref, Descriptor, Raw, SchemaV2Manifest/OCIManifest).

import { indentJson, marshalIndentGo, RawJson, sortedRecord, type GoJsonValue } from './go-json.js';
import type { EntryDescriptor } from './manifest-list.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from './media-types.js';

/** One manifest as docker's inspect holds it. */
export interface InspectedManifest {
  readonly ref: string;
  readonly descriptor: EntryDescriptor;
  /** The manifest's bytes. */
  readonly raw: Buffer;
}

/** Non-verbose single manifest: json.Indent(raw, "", "\t") and a newline. */
export function formatManifest(manifest: InspectedManifest): string {
  return `${indentJson(manifest.raw.toString('utf8'), '\t')}\n`;
}

export function formatManifestVerbose(manifest: InspectedManifest): string {
  return `${marshalIndentGo(imageManifestValue(manifest), '\t')}\n`;
}

export function formatManifestList(entries: readonly InspectedManifest[]): string {
  // distribution's manifestlist.FromDescriptors: an OCI index only when the first entry is an OCI manifest.
  const mediaType = entries[0]?.descriptor.mediaType === OCI_MANIFEST ? OCI_INDEX : DOCKER_MANIFEST_LIST;
  const value: GoJsonValue = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((entry) => ({
      mediaType: entry.descriptor.mediaType || undefined,
      size: entry.descriptor.size || undefined,
      digest: entry.descriptor.digest || undefined,
      platform: {
        architecture: entry.descriptor.platform?.architecture ?? '',
        os: entry.descriptor.platform?.os ?? '',
        'os.version': entry.descriptor.platform?.['os.version'] || undefined,
        'os.features': entry.descriptor.platform?.['os.features']?.length ? entry.descriptor.platform['os.features'] : undefined,
        variant: entry.descriptor.platform?.variant || undefined,
      },
    })),
  };
  return `${marshalIndentGo(value, '   ')}\n`;
}

export function formatManifestListVerbose(entries: readonly InspectedManifest[]): string {
  return `${marshalIndentGo(entries.map(imageManifestValue), '\t')}\n`;
}

function imageManifestValue(manifest: InspectedManifest): GoJsonValue {
  const { descriptor } = manifest;
  const platform = descriptor.platform;
  const body = new RawJson(manifest.raw.toString('utf8'));
  return {
    Ref: manifest.ref,
    Descriptor: {
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      annotations: sortedRecord(descriptor.annotations),
      platform: platform
        ? {
            architecture: platform.architecture,
            os: platform.os,
            'os.version': platform['os.version'] || undefined,
            'os.features': platform['os.features']?.length ? platform['os.features'] : undefined,
            variant: platform.variant || undefined,
          }
        : undefined,
    },
    Raw: manifest.raw.length > 0 ? manifest.raw.toString('base64') : undefined,
    SchemaV2Manifest: descriptor.mediaType === DOCKER_MANIFEST ? body : undefined,
    OCIManifest: descriptor.mediaType === OCI_MANIFEST ? body : undefined,
  };
}
