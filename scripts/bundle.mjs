// Build step: the CLI bundled (dist/bundle/taskrun.mjs plus chunks). Node 20 spends more time
// resolving and loading ~150 small modules than running a validate. Each lazy `import()` becomes
// its own chunk, so `validate` never parses the executor, execa or the registry client. Files
// read at run time by path — schemas/, package.json, the ajv-compiled validators — are found
// relative to dist/bundle/, where every chunk lives.
import { build } from 'esbuild';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist/cli/entry.js')],
  outdir,
  entryNames: 'taskrun',
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (handlebars, ajv's runtime, pino) call require().
  banner: { js: "import { createRequire as __taskrunRequire } from 'node:module'; const require = __taskrunRequire(import.meta.url);" },
});
copyFileSync(path.join(root, 'dist/task/schema-validators.cjs'), path.join(outdir, 'schema-validators.cjs'));
