// Test helper: child-process fixtures import the compiled modules from dist/, so build
// them when they are missing or older than their sources (`npm test` builds first anyway).

import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODULES = ['record/home', 'record/run-id', 'record/record', 'record/masker', 'record/logger', 'record/output-lines', 'record/duration'];

export function ensureDistBuilt(): void {
  const isStale = MODULES.some((name) => {
    const built = join(ROOT, 'dist', `${name}.js`);
    return !existsSync(built) || statSync(built).mtimeMs < statSync(join(ROOT, 'src', `${name}.ts`)).mtimeMs;
  });
  if (!isStale) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the tree still emit; the check below is what matters.
  }
  const missing = MODULES.filter((name) => !existsSync(join(ROOT, 'dist', `${name}.js`)));
  if (missing.length > 0) throw new Error(`tsc did not produce ${missing.join(', ')} in dist/`);
}
