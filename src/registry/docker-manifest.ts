// Registry stage: `docker manifest create|annotate|push|inspect|rm` run in-process, with
// docker's flags, output and exit codes, against any registry and without an engine.
// The executor calls runDockerManifest for `cmd: docker manifest …` steps; a dry run
// calls planDockerManifest, which reads the registry but writes nothing.

import { RegistryClient, type PlatformJson } from './client.js';
import { ManifestUsageError, RegistryError } from './errors.js';
import { formatManifest, formatManifestList, formatManifestListVerbose, formatManifestVerbose, type InspectedManifest } from './inspect-output.js';
import { isValidOsArch, parseManifestArgs, type ManifestCommand } from './manifest-args.js';
import { buildManifestList, chooseListMediaType, formatPlatform, splitIndexChildren, type ListEntry } from './manifest-list.js';
import { FileListStore, OverlayListStore, resolveManifestStoreRoot, type ListStore, type ManifestPlanState, type StoredList } from './manifest-store.js';
import { isImageManifestMediaType, isIndexMediaType } from './media-types.js';
import { planPreparedList, preparePush, pushPreparedList } from './push-list.js';
import { formatReference, parseNormalizedReference, ReferenceError, withDigest, type ImageReference } from './reference.js';
import type { RetryPolicy } from './http.js';
import { platformFromConfig, resolveImageEntries } from './resolve-entries.js';

export interface PushedManifestList {
  readonly reference: string;
  readonly digest: string;
  readonly mediaType: string;
}

export interface ManifestCommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly signal: AbortSignal;
  readonly env: NodeJS.ProcessEnv;
  /** Called once a list is pushed (for the run record's `manifest-pushed` event). */
  readonly onManifestPushed?: (pushed: PushedManifestList) => void;
  /** Dry run only: lists "created" by earlier planned steps, so a planned push can see them. */
  readonly planState?: ManifestPlanState;
  /** Overrides the registry retry policy (tests use short delays). */
  readonly retryPolicy?: RetryPolicy;
}

/** Runs `docker manifest <args>` in-process (args start after `manifest`); resolves to the exit code docker would give. */
export async function runDockerManifest(args: readonly string[], io: ManifestCommandIO): Promise<number> {
  let command: ManifestCommand;
  try {
    command = parseManifestArgs(args);
  } catch (caught) {
    if (caught instanceof ManifestUsageError) {
      io.stderr(`${caught.message}\n`);
      return caught.exitCode;
    }
    throw caught;
  }
  return runManifestCommand(command, io);
}

/** Runs an already parsed command (the `taskrun manifest` CLI parses its own flags); resolves to 0 or 1. */
export async function runManifestCommand(command: ManifestCommand, io: ManifestCommandIO): Promise<number> {
  try {
    await executeCommand(command, io);
    return 0;
  } catch (caught) {
    if (io.signal.aborted) throw caught;
    io.stderr(describeError(caught));
    return 1;
  }
}

/** For `--dry-run`: what `docker manifest <args>` would do, without writing anything. Throws RegistryError/ManifestUsageError when it would fail. */
export async function planDockerManifest(args: readonly string[], io: ManifestCommandIO): Promise<string[]> {
  const command = parseManifestArgs(args);
  const store = new OverlayListStore(openStore(io.env), io.planState ?? new Map());
  switch (command.name) {
    case 'help':
      return ['print docker manifest usage'];
    case 'create': {
      const { stored, resolved } = await createList(command, io, store);
      const built = tryBuild(stored);
      const lines = [`create local manifest list ${stored.ref} (${stored.entries.length} ${stored.entries.length === 1 ? 'entry' : 'entries'}${built ? `, will push as ${built}` : ''})`];
      for (const image of resolved) {
        lines.push(`  GET ${formatReference(image.ref)}: ${image.manifest.mediaType} ${image.manifest.digest}`);
        for (const entry of image.entries) lines.push(`    ${describeEntry(entry)}`);
      }
      return lines;
    }
    case 'annotate': {
      const { stored, entry, updated } = await assembleAnnotate(command, store);
      await store.save(stored);
      return [`annotate ${entry.ref} in local manifest list ${stored.ref}: ${formatPlatform(entry.descriptor.platform)} → ${formatPlatform(updated.descriptor.platform)}`];
    }
    case 'push': {
      const target = parseList(command.list);
      const stored = await requireList(store, target);
      const client = createClient(io, command.insecure, [target, ...stored.entries.map((entry) => parseNormalizedReference(entry.ref))]);
      const lines = await planPreparedList(client, preparePush({ target, stored }));
      if (command.purge) {
        await store.remove(stored.ref);
        lines.push(`  remove local manifest list ${stored.ref}`);
      }
      return lines;
    }
    case 'inspect':
      return [`inspect ${command.list ? `${command.ref} in ${command.list}` : command.ref} (read-only)`];
    case 'rm':
      for (const list of command.lists) await store.remove(formatReference(parseList(list)));
      return command.lists.map((list) => `remove local manifest list ${formatReference(parseList(list))}`);
  }
}

function openStore(env: NodeJS.ProcessEnv): ListStore {
  return new FileListStore(resolveManifestStoreRoot(env));
}

function createClient(io: ManifestCommandIO, insecure: boolean, refs: readonly ImageReference[]): RegistryClient {
  return new RegistryClient({
    env: io.env,
    signal: io.signal,
    insecureRegistries: insecure ? [...new Set(refs.map((ref) => ref.domain))] : [],
    ...(io.retryPolicy && { retryPolicy: io.retryPolicy }),
    onRetry: (notice) => io.stderr(`taskrun: ${notice.reason} from ${notice.url}; retrying in ${notice.delayMs} ms (attempt ${notice.attempt + 1})\n`),
  });
}

async function executeCommand(command: ManifestCommand, io: ManifestCommandIO): Promise<void> {
  const store = openStore(io.env);
  switch (command.name) {
    case 'help':
      io.stderr(`\n${command.text}`);
      return;
    case 'create': {
      const { stored, resolved } = await createList(command, io, store);
      for (const image of resolved) {
        if (image.entries.length === 1 && !image.entries[0]!.fromIndex) continue;
        const attestations = image.entries.filter((entry) => entry.isAttestation).length;
        io.stderr(`taskrun: ${formatReference(image.ref)} is an index: added its ${image.entries.length - attestations} image manifests and ${attestations} attestation manifests\n`);
      }
      io.stdout(`Created manifest list ${stored.ref}\n`);
      return;
    }
    case 'annotate': {
      await store.withLock(formatReference(parseList(command.list, 'annotate')), async () => {
        const { stored } = await assembleAnnotate(command, store);
        await store.save(stored);
      });
      return;
    }
    case 'push': {
      const target = parseList(command.list, 'push');
      const stored = await requireList(store, target);
      const client = createClient(io, command.insecure, [target, ...stored.entries.map((entry) => parseNormalizedReference(entry.ref))]);
      const preparation = preparePush({ target, stored });
      const result = await pushPreparedList(client, preparation);
      for (const line of result.pushedRefs) io.stdout(`${line}\n`);
      io.stderr(`taskrun: pushed ${preparation.list.reason}\n`);
      io.stdout(`${result.digest}\n`);
      io.onManifestPushed?.({ reference: formatReference(target), digest: result.digest, mediaType: result.mediaType });
      if (command.purge) await store.remove(stored.ref);
      return;
    }
    case 'inspect':
      io.stdout(await inspect(command, io, store));
      return;
    case 'rm': {
      const problems: string[] = [];
      for (const list of command.lists) {
        try {
          const ref = formatReference(parseList(list, 'rm'));
          if (!(await store.remove(ref))) problems.push(`No such manifest: ${ref}`);
        } catch (caught) {
          problems.push((caught as Error).message);
        }
      }
      if (problems.length > 0) throw new RegistryError(problems.join('\n'));
      return;
    }
  }
}

function parseList(text: string, verb?: 'create' | 'annotate' | 'push' | 'rm'): ImageReference {
  try {
    return parseNormalizedReference(text);
  } catch (caught) {
    if (!(caught instanceof ReferenceError)) throw caught;
    const prefix = verb === 'create' ? 'error parsing name for manifest list ' : verb === 'annotate' ? 'annotate: error parsing name for manifest list ' : '';
    throw new RegistryError(prefix ? `${prefix}${text}: ${caught.message}` : caught.message);
  }
}

function parseImage(text: string, prefix = ''): ImageReference {
  try {
    return parseNormalizedReference(text);
  } catch (caught) {
    if (!(caught instanceof ReferenceError)) throw caught;
    throw new RegistryError(`${prefix}${caught.message}`);
  }
}

async function requireList(store: ListStore, target: ImageReference): Promise<StoredList> {
  const ref = formatReference(target);
  const stored = await store.get(ref);
  if (!stored) {
    throw new RegistryError(`No such manifest: ${ref}`, { hint: `create it first: \`docker manifest create ${ref} IMAGE…\`` });
  }
  if (stored.entries.length === 0) throw new RegistryError(`${ref} not found`);
  return stored;
}

// Read, change and save under the list's lock: parallel steps may change one list.
async function createList(command: Extract<ManifestCommand, { name: 'create' }>, io: ManifestCommandIO, store: ListStore) {
  return store.withLock(formatReference(parseList(command.list, 'create')), async () => {
    const assembled = await assembleCreate(command, io, store);
    await store.save(assembled.stored);
    return assembled;
  });
}

async function assembleCreate(command: Extract<ManifestCommand, { name: 'create' }>, io: ManifestCommandIO, store: ListStore) {
  const target = parseList(command.list, 'create');
  const listRef = formatReference(target);
  const existing = await store.get(listRef);
  if (existing && !command.amend) {
    throw new RegistryError('refusing to amend an existing manifest list with no --amend flag', {
      hint: `add --amend, or remove it first with \`docker manifest rm ${listRef}\``,
    });
  }
  const images = command.images.map((image) => parseImage(image));
  const client = createClient(io, command.insecure, [target, ...images]);
  // Every image is read at once: the slowest one sets the time, not the sum.
  const resolved = await Promise.all(images.map((image) => resolveImageEntries(client, image)));
  // An image named again replaces, in place, all it brought before: a rebuilt index has new child digests.
  let entries = [...(existing?.entries ?? [])];
  for (const image of resolved) {
    const name = formatReference(image.ref);
    const isFromImage = (entry: ListEntry) => entry.ref === name || entry.ref.startsWith(`${name}@`);
    const at = entries.findIndex(isFromImage);
    entries = entries.filter((entry) => !isFromImage(entry));
    entries.splice(at >= 0 ? at : entries.length, 0, ...image.entries);
  }
  const annotations = { ...existing?.annotations, ...command.annotations };
  const format = command.format ?? existing?.format;
  const stored: StoredList = {
    ref: listRef,
    entries,
    ...(Object.keys(annotations).length > 0 && { annotations }),
    ...(format && { format }),
  };
  // An impossible combination (annotations or OCI entries in a --format docker list) fails now, not at push.
  chooseListMediaType(stored);
  return { stored, resolved };
}

async function assembleAnnotate(command: Extract<ManifestCommand, { name: 'annotate' }>, store: ListStore) {
  const target = parseList(command.list, 'annotate');
  const image = parseImage(command.image, `annotate: error parsing name for manifest ${command.image}: `);
  const stored = await store.get(formatReference(target));
  const imageName = formatReference(image);
  const index = stored ? findEntryIndex(stored.entries, image) : -1;
  if (!stored || index < 0) {
    const flattened = stored?.entries.filter((entry) => entry.ref.startsWith(`${imageName}@`)) ?? [];
    if (flattened.length > 0) {
      throw new RegistryError(`${command.image} was an index: its entries in ${command.list} are ${flattened.map((entry) => entry.descriptor.digest).join(', ')}`, {
        hint: `annotate one entry by digest, e.g. \`docker manifest annotate ${command.list} ${imageName.replace(/:[^:/]*$/, '')}@${flattened[0]!.descriptor.digest} …\``,
      });
    }
    throw new RegistryError(`manifest for image ${command.image} does not exist in ${command.list}`);
  }
  const entry = stored.entries[index]!;
  const previous: PlatformJson = entry.descriptor.platform ?? { architecture: '', os: '' };
  const features = [...(previous['os.features'] ?? [])];
  for (const feature of command.osFeatures) if (!features.includes(feature)) features.push(feature);
  const platform: PlatformJson = {
    architecture: command.arch || previous.architecture,
    os: command.os || previous.os,
    ...((command.osVersion || previous['os.version']) && { 'os.version': command.osVersion || previous['os.version'] }),
    ...(features.length > 0 && { 'os.features': features }),
    ...((command.variant || previous.variant) && { variant: command.variant || previous.variant }),
  };
  if (!isValidOsArch(platform.os, platform.architecture)) {
    throw new RegistryError(`manifest entry for image has unsupported os/arch combination: ${command.os}/${command.arch}`, {
      hint: 'use an os/arch pair Go supports, such as linux/amd64, linux/arm64 or linux/arm with --variant v7',
    });
  }
  const annotations = { ...entry.descriptor.annotations, ...command.annotations };
  const updated: ListEntry = {
    ...entry,
    descriptor: { ...entry.descriptor, platform, ...(Object.keys(annotations).length > 0 && { annotations }) },
  };
  const entries = stored.entries.map((candidate, at) => (at === index ? updated : candidate));
  chooseListMediaType({ ...stored, entries });
  return { stored: { ...stored, entries }, entry, updated };
}

// An entry taken out of an index is `repo:tag@digest`; the user may name it `repo@digest`.
function findEntryIndex(entries: readonly ListEntry[], image: ImageReference): number {
  const name = formatReference(image);
  const exact = entries.findIndex((entry) => entry.ref === name);
  if (exact >= 0 || image.digest === undefined) return exact;
  return entries.findIndex((entry) => {
    const candidate = parseNormalizedReference(entry.ref);
    return candidate.domain === image.domain && candidate.path === image.path && entry.descriptor.digest === image.digest;
  });
}

async function inspect(command: Extract<ManifestCommand, { name: 'inspect' }>, io: ManifestCommandIO, store: ListStore): Promise<string> {
  const ref = parseImage(command.ref);
  const refName = formatReference(ref);
  if (command.list !== undefined) {
    const listRef = formatReference(parseImage(command.list));
    const stored = await store.get(listRef);
    const entry = stored ? stored.entries[findEntryIndex(stored.entries, ref)] : undefined;
    if (!entry) throw new RegistryError(`No such manifest: ${refName}`);
    const manifest = storedToInspected(entry);
    return command.verbose ? formatManifestVerbose(manifest) : formatManifest(manifest);
  }
  const local = await store.get(refName);
  if (local) {
    for (const entry of local.entries) {
      const domain = parseNormalizedReference(entry.ref).domain;
      if (domain !== ref.domain) throw new RegistryError(`failed to assemble ManifestDescriptor: cannot use source images from a different registry than the target image: ${domain} != ${ref.domain}`);
    }
    const manifests = local.entries.map(storedToInspected);
    return command.verbose ? formatManifestListVerbose(manifests) : formatManifestList(manifests);
  }
  const client = createClient(io, command.insecure, [ref]);
  const fetched = await client.getManifest(ref);
  if (isImageManifestMediaType(fetched.mediaType)) {
    const configDigest = fetched.json.config?.digest;
    const platform = configDigest ? platformFromConfig(await client.getBlob(ref, configDigest)) : { architecture: '', os: '' };
    const manifest: InspectedManifest = {
      ref: refName,
      descriptor: { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size, platform },
      raw: fetched.bytes,
    };
    return command.verbose ? formatManifestVerbose(manifest) : formatManifest(manifest);
  }
  if (!isIndexMediaType(fetched.mediaType)) throw new RegistryError(`${refName} is not a manifest (media type ${fetched.mediaType})`);
  splitIndexChildren({ ref: refName, index: fetched.json });
  // As docker does: each child is read, and its platform is the one the list gives it.
  const manifests = await Promise.all(
    (fetched.json.manifests ?? []).map(async (child): Promise<InspectedManifest> => {
      const childRef = withDigest(ref, child.digest);
      const childManifest = await client.getManifest(childRef);
      return {
        ref: formatReference(childRef),
        descriptor: {
          mediaType: childManifest.mediaType,
          digest: childManifest.digest,
          size: childManifest.size,
          platform: child.platform ?? { architecture: '', os: '' },
        },
        raw: childManifest.bytes,
      };
    }),
  );
  return command.verbose ? formatManifestListVerbose(manifests) : formatManifestList(manifests);
}

function storedToInspected(entry: ListEntry): InspectedManifest {
  return { ref: entry.ref, descriptor: entry.descriptor, raw: Buffer.from(entry.raw, 'base64') };
}

function tryBuild(stored: StoredList): string | undefined {
  try {
    const built = buildManifestList(stored);
    return `${built.mediaType} (${built.reason})`;
  } catch {
    return undefined;
  }
}

function describeEntry(entry: ListEntry): string {
  const kind = entry.isAttestation ? 'attestation' : formatPlatform(entry.descriptor.platform);
  return `${kind}  ${entry.descriptor.digest}  ${entry.descriptor.mediaType}  ${entry.ref}`;
}

/** docker prints the error text alone; taskrun adds the hint on the next line. */
export function describeError(caught: unknown): string {
  if (caught instanceof RegistryError) return `${caught.message}\n${caught.hint ? `hint: ${caught.hint}\n` : ''}`;
  if (caught instanceof Error) return `${caught.message}\n`;
  return `${String(caught)}\n`;
}
