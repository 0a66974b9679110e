// Registry stage: the local store of manifest lists being assembled (docker keeps
// these in ~/.docker/manifests), so create → annotate → push can span several steps.
// One JSON file per list under `<TASKRUN_HOME>/manifests`.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
}

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
    let text: string;
    try {
      text = await readFile(join(this.folder(listRef), LIST_FILE), 'utf8');
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw caught;
    }
    return JSON.parse(text) as StoredList;
  }

  async save(list: StoredList): Promise<void> {
    const folder = this.folder(list.ref);
    await mkdir(folder, { recursive: true });
    // Write then rename, so a reader in a parallel step never sees half a file.
    const temporary = join(folder, `${LIST_FILE}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(temporary, `${JSON.stringify(list, null, 2)}\n`);
    await rename(temporary, join(folder, LIST_FILE));
  }

  async remove(listRef: string): Promise<boolean> {
    if (!(await this.get(listRef))) return false;
    await rm(this.folder(listRef), { recursive: true, force: true });
    return true;
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
}
