// Build step: one ESM file for the CLI (dist/bundle/taskrun.mjs). Node 20 spends more time
// resolving and loading ~150 small modules than running a validate; one file starts ~2× faster.
// Lazy `import()`s stay lazy (esbuild defers their evaluation). Files read at run time by path —
// schemas/, package.json, the ajv-compiled validators — are found relative to dist/bundle/.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(root, 'dist/cli/entry.js')],
  outfile: path.join(root, 'dist/bundle/taskrun.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (handlebars, ajv's runtime, pino) call require().
  banner: { js: "import { createRequire as __taskrunRequire } from 'node:module'; const require = __taskrunRequire(import.meta.url);" },
});
copyFileSync(path.join(root, 'dist/task/schema-validators.js'), path.join(root, 'dist/bundle/schema-validators.js'));
