// Stage 5, execute: which files of the context folder go into the run's workspace: everything
// but what its `.dockerignore` leaves out, as `az acr run` uploads a source.

import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isIgnored, mayReincludeWithin, parseDockerignore, type IgnorePattern } from './dockerignore.js';

export const DOCKERIGNORE = '.dockerignore';

export interface ContextSelection {
  /** `/`-separated paths relative to the context, folders before what they hold; `.dockerignore` always kept. */
  readonly entries: readonly string[];
  readonly fileCount: number;
  /** Bytes of regular files. */
  readonly totalBytes: number;
  /** The outermost paths `.dockerignore` left out (a left-out folder is one entry). */
  readonly leftOut: readonly string[];
  readonly hasDockerignore: boolean;
}

export async function readDockerignore(contextDir: string): Promise<IgnorePattern[] | undefined> {
  try {
    return parseDockerignore(await readFile(path.join(contextDir, DOCKERIGNORE), 'utf8'));
  } catch (caught) {
    if ((caught as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw caught;
  }
}

/** Walks the context folder (symbolic links are kept as links, never followed). */
export async function selectContextFiles(contextDir: string): Promise<ContextSelection> {
  const patterns = (await readDockerignore(contextDir)) ?? [];
  const entries: string[] = [];
  const leftOut: string[] = [];
  let fileCount = 0;
  let totalBytes = 0;

  const walk = async (relDir: string, isInsideLeftOut: boolean): Promise<void> => {
    const dirents = await readdir(relDir === '' ? contextDir : path.join(contextDir, relDir), { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
      const ignored = rel !== DOCKERIGNORE && patterns.length > 0 && isIgnored(patterns, rel);
      if (ignored && !isInsideLeftOut) leftOut.push(rel);
      if (dirent.isDirectory()) {
        if (!ignored) entries.push(rel);
        if (!ignored || mayReincludeWithin(patterns, rel)) await walk(rel, isInsideLeftOut || ignored);
        continue;
      }
      if (ignored) continue;
      entries.push(rel);
      fileCount++;
      if (dirent.isFile()) totalBytes += (await lstat(path.join(contextDir, rel))).size;
    }
  };
  await walk('', false);
  return { entries, fileCount, totalBytes, leftOut, hasDockerignore: patterns.length > 0 };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
