// Test support: a hash of a folder tree, to check that a run left the user's folder byte-for-byte unchanged.

import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** A hash of every path, type, mode, size, mtime, content and link target under dir. */
export async function hashTree(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(path.join(dir, rel))).sort();
    for (const name of names) {
      const relPath = path.join(rel, name);
      const info = await lstat(path.join(dir, relPath));
      hash.update(`${relPath}\0${info.mode}\0${info.size}\0${info.mtimeMs}\0`);
      if (info.isSymbolicLink()) hash.update(await readlink(path.join(dir, relPath)));
      else if (info.isDirectory()) await walk(relPath);
      else hash.update(await readFile(path.join(dir, relPath)));
    }
  };
  await walk('');
  return hash.digest('hex');
}
