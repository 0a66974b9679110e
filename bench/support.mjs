// What the bench scripts share: the repo's folders, their flags, medians, and the built CLI and
// running lab they measure with.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const dist = path.join(root, 'dist');
export const bin = path.join(root, 'bin', 'taskrun.cjs');

/** The value after `--name` on the command line, or the fallback. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * `count` rounds of two measurements run back to back, in alternating order, so a shared
 * machine's drift weighs on both alike: each side's results and the pair ratios a/b, read
 * through `msOf` (a result is its milliseconds unless told otherwise).
 */
export async function alternatePairs(count, measureA, measureB, msOf = (result) => result) {
  const a = [];
  const b = [];
  const ratios = [];
  for (let round = 0; round < count; round++) {
    let resultA;
    let resultB;
    if (round % 2 === 0) {
      resultA = await measureA();
      resultB = await measureB();
    } else {
      resultB = await measureB();
      resultA = await measureA();
    }
    a.push(resultA);
    b.push(resultB);
    ratios.push(msOf(resultA) / msOf(resultB));
  }
  return { a, b, ratios };
}

/** Exits 2 unless `npm run build` made the given file of dist/. */
export function requireBuild(distFile) {
  if (existsSync(path.join(dist, distFile))) return;
  console.error('bench: build first with `npm run build`');
  process.exit(2);
}

/** The running lab's environment (dist's reader of its pointer file); exits 2 without a lab. */
export async function requireLab() {
  const { readLabEnv } = await import(path.join(dist, 'engine/lab-env.js'));
  const lab = await readLabEnv();
  if (lab) return lab;
  console.error('bench: the lab is not running: `npm run lab`');
  process.exit(2);
}
