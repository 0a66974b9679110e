// Registry stage: pushing an assembled list. Entries from other repositories of the same
// registry are copied into the list's repository first (their blobs mounted across
// repositories, in parallel, then the manifest PUT by digest), then the list is PUT.

import type { ManifestJson, RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { buildManifestList, formatPlatform, manifestBlobDigests, type BuiltList, type ListEntry } from './manifest-list.js';
import type { StoredList } from './manifest-store.js';
import { formatReference, parseReference, repositoryName, type ImageReference } from './reference.js';

export interface EntryCopy {
  readonly entry: ListEntry;
  readonly source: ImageReference;
  /** `<list repository>@<entry digest>`, where the entry's manifest must exist. */
  readonly target: ImageReference;
  readonly blobs: readonly string[];
  readonly manifest: Buffer;
}

export interface PushPreparation {
  readonly target: ImageReference;
  readonly list: BuiltList;
  readonly copies: readonly EntryCopy[];
}

export function preparePush(options: { target: ImageReference; stored: StoredList }): PushPreparation {
  const { target, stored } = options;
  const list = buildManifestList(stored);
  const copies: EntryCopy[] = [];
  for (const entry of stored.entries) {
    const source = parseReference(entry.ref);
    if (source.domain !== target.domain) {
      throw new RegistryError(`cannot use source images from a different registry than the target image: ${source.domain} != ${target.domain}`, {
        hint: `push ${entry.ref} to ${target.domain} first, and create the list from that copy`,
      });
    }
    if (source.path === target.path) continue;
    const manifest = Buffer.from(entry.raw, 'base64');
    const json = JSON.parse(manifest.toString('utf8')) as ManifestJson;
    copies.push({
      entry,
      source,
      target: { domain: target.domain, path: target.path, digest: entry.descriptor.digest },
      blobs: manifestBlobDigests(json),
      manifest,
    });
  }
  return { target, list, copies };
}

export interface PushResult {
  readonly digest: string;
  readonly mediaType: string;
  /** `Pushed ref … with digest: …` lines, in entry order (docker prints these). */
  readonly pushedRefs: readonly string[];
}

export async function pushPreparedList(client: RegistryClient, preparation: PushPreparation): Promise<PushResult> {
  const pushedRefs = await Promise.all(
    preparation.copies.map(async (copy) => {
      const present = await client.headManifest(copy.target);
      if (!present) {
        await Promise.all(copy.blobs.map((digest) => client.mountBlob({ target: copy.target, from: copy.source, digest })));
        await client.putManifest({ ref: copy.target, bytes: copy.manifest, mediaType: copy.entry.descriptor.mediaType });
      }
      return `Pushed ref ${formatReference(copy.target)} with digest: ${copy.entry.descriptor.digest}`;
    }),
  );
  const digest = await client.putManifest({ ref: preparation.target, bytes: preparation.list.bytes, mediaType: preparation.list.mediaType });
  return { digest, mediaType: preparation.list.mediaType, pushedRefs };
}

/** The registry operations a push would make, read-only (HEADs only). */
export async function planPreparedList(client: RegistryClient, preparation: PushPreparation): Promise<string[]> {
  const lines: string[] = [];
  const targetName = formatReference(preparation.target);
  lines.push(`push ${targetName}: ${preparation.list.mediaType} (${preparation.list.reason}), digest ${preparation.list.digest}, ${preparation.list.bytes.length} bytes`);
  const presence = await Promise.all(preparation.copies.map((copy) => client.headManifest(copy.target)));
  preparation.copies.forEach((copy, index) => {
    const where = `${repositoryName(copy.target)}@${copy.entry.descriptor.digest}`;
    if (presence[index]) {
      lines.push(`  HEAD ${where}: present, nothing to copy (${formatPlatform(copy.entry.descriptor.platform)})`);
      return;
    }
    lines.push(`  HEAD ${where}: missing (${formatPlatform(copy.entry.descriptor.platform)})`);
    for (const blob of copy.blobs) lines.push(`  mount ${blob} from ${repositoryName(copy.source)} into ${repositoryName(copy.target)}`);
    lines.push(`  PUT ${where} (${copy.entry.descriptor.mediaType})`);
  });
  lines.push(`  PUT ${targetName} (${preparation.list.mediaType}, ${preparation.list.digest})`);
  return lines;
}
