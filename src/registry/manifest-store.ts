// Registry stage: the local store of manifest lists being assembled (docker keeps
// these in ~/.docker/manifests), so create → annotate → push can span several steps.
// One JSON file per list under `<TASKRUN_HOME>/manifests`.

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from './errors.js';
import { resolveTaskrunHome } from '../record/home.js';
import type { ListEntry } from './manifest-list.js';
import type { ListFormat } from './media-types.js';

export interface StoredList {
  /** The list's normalised reference (`host/repo:tag`). */
  readonly ref: string;
  readonly entries: readonly ListEntry[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly format?: ListFormat;
}

export interface ListStore {
  get(listRef: string): Promise<StoredList | undefined>;
  save(list: StoredList): Promise<void>;
  /** False when there was no such list. */
  remove(listRef: string): Promise<boolean>;
  /** Runs a read-change-write of one list with no other taskrun (step or process) changing it meanwhile. */
  withLock<T>(listRef: string, change: () => Promise<T>): Promise<T>;
}

const LOCK_WAIT_MS = 30_000;
const LOCK_STALE_MS = 60_000;

/** Per list, the tail of the changes queued in this process (parallel steps of one run). */
const queued = new Map<string, Promise<unknown>>();

const LIST_FILE = 'list.json';

/** `<TASKRUN_HOME>/manifests` (TASKRUN_HOME, else the XDG state folder). */
export function resolveManifestStoreRoot(env: NodeJS.ProcessEnv): string {
  return join(resolveTaskrunHome(env), 'manifests');
}

/** Docker's file-safe name: `:` → `-`, `/` → `_`. */
export function fileSafeName(ref: string): string {
  return ref.replaceAll(':', '-').replaceAll('/', '_');
}

export class FileListStore implements ListStore {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  private folder(listRef: string): string {
    return join(this.root, fileSafeName(listRef));
  }

  async get(listRef: string): Promise<StoredList | undefined> {
    const file = join(this.folder(listRef), LIST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw caught;
    }
    let list: StoredList;
    try {
      list = JSON.parse(text) as StoredList;
    } catch {
      throw new RegistryError(`the local manifest list ${listRef} is damaged (${file})`, { hint: `remove it with \`docker manifest rm ${listRef}\` and create it again` });
    }
    // Two names can share a folder (`a:b-c`, `a-b:c`, as in docker's layout): only the list's own name counts.
    return list.ref === listRef ? list : undefined;
  }

  async save(list: StoredList): Promise<void> {
    const folder = this.folder(list.ref);
    await mkdir(folder, { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const temporary = join(folder, `${LIST_FILE}.${randomUUID()}.tmp`);
    await writeFile(temporary, `${JSON.stringify(list, null, 2)}\n`);
    await rename(temporary, join(folder, LIST_FILE));
  }

  // Removes even a damaged list; a folder holding another name's list is left alone.
  async remove(listRef: string): Promise<boolean> {
    const folder = this.folder(listRef);
    const text = await readFile(join(folder, LIST_FILE), 'utf8').catch(() => undefined);
    if (text === undefined) return false;
    const ref = (() => {
      try {
        return (JSON.parse(text) as StoredList).ref;
      } catch {
        return listRef;
      }
    })();
    if (ref !== listRef) return false;
    await rm(folder, { recursive: true, force: true });
    return true;
  }

  async withLock<T>(listRef: string, change: () => Promise<T>): Promise<T> {
    const key = this.folder(listRef);
    const previous = queued.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.withFileLock(key, change), () => this.withFileLock(key, change));
    const tail = run.catch(() => undefined);
    queued.set(key, tail);
    try {
      return await run;
    } finally {
      if (queued.get(key) === tail) queued.delete(key);
    }
  }

  // Across processes: a lock folder next to the list's, taken with mkdir (atomic), dropped after.
  private async withFileLock<T>(folder: string, change: () => Promise<T>): Promise<T> {
    const lock = `${folder}.lock`;
    await mkdir(this.root, { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await mkdir(lock);
        break;
      } catch (caught) {
        if ((caught as NodeJS.ErrnoException).code !== 'EEXIST') throw caught;
        const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
        if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
        else if (Date.now() > deadline) throw new RegistryError(`the local manifest list is locked by another taskrun (${lock})`, { hint: `if no other taskrun runs, remove ${lock}` });
        else await sleep(25);
      }
    }
    try {
      return await change();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** What a dry run has "written" so far: later steps of the same dry run see it; nothing touches disk. */
export type ManifestPlanState = Map<string, StoredList | null>;

export function createManifestPlanState(): ManifestPlanState {
  return new Map();
}

export class OverlayListStore implements ListStore {
  private readonly base: ListStore;
  private readonly overlay: ManifestPlanState;
  constructor(base: ListStore, overlay: ManifestPlanState) {
    this.base = base;
    this.overlay = overlay;
  }

  async get(listRef: string): Promise<StoredList | undefined> {
    if (this.overlay.has(listRef)) return this.overlay.get(listRef) ?? undefined;
    return this.base.get(listRef);
  }

  async save(list: StoredList): Promise<void> {
    this.overlay.set(list.ref, list);
  }

  async remove(listRef: string): Promise<boolean> {
    const existed = (await this.get(listRef)) !== undefined;
    this.overlay.set(listRef, null);
    return existed;
  }

  // A dry run writes nothing, so there is nothing to lock.
  withLock<T>(_listRef: string, change: () => Promise<T>): Promise<T> {
    return change();
  }
}
