// Build step: the CLI bundled into CommonJS files that bin/taskrun.cjs runs through V8's code
// cache: dist/bundle/taskrun.cjs for every command, and for `validate` and `render` bundles of
// their own, dist/bundle/validate.cjs and render.cjs (src/cli/validate-main.ts, render-main.ts):
// the same program with that one command, without the run-time half (pino, registry, record,
// views; `validate` keeps the engine probe its BuildKit check loads lazily, with execa), so a
// half or less of the bytes to read, deserialise and evaluate. Node 20 spends more time resolving, loading and
// compiling ~150 modules than running a validate; one script with a code cache skips nearly all
// of it. Lazy `import()`s stay lazy: esbuild wraps those modules, so `validate` never runs the
// executor's, execa's or the registry client's top level. Files read at run time by path
// (schemas/, package.json, the ajv-compiled validators) are found relative to dist/bundle/.
// `graph --format svg|png` is a bundle of its own too, dist/bundle/graph-image.cjs: Graphviz's
// WebAssembly (~800 kB of JavaScript) would make every command's start-up read and compile it.
// resvg stays a package (a native addon per platform, found in node_modules at run time).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/bundle');
const outfile = path.join(outdir, 'taskrun.cjs');
const graphImageFile = 'graph-image.cjs';
rmSync(outdir, { recursive: true, force: true });

// The main bundle requires the picture bundle by its path next to it, and never reads it otherwise.
const graphImageApart = {
  name: 'graph-image-apart',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/graph-image\.js$/ }, () => ({ path: `./${graphImageFile}`, external: true }));
  },
};

// commander requires node:child_process at load, for executable subcommands taskrun does not
// have; loading it (and net, dgram, streams) is a sixth of a render's start-up. The bundles get
// it on first use instead.
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess = {
  name: 'lazy-commander-child-process',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, ({ path: file }) => {
      const text = readFileSync(file, 'utf8');
      if (!text.includes(COMMANDER_CHILD_PROCESS)) throw new Error(`${file}: no longer requires node:child_process as scripts/bundle.mjs expects; update lazyCommanderChildProcess`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(COMMANDER_CHILD_PROCESS, lazy), loader: 'js' };
    });
  },
};

// node:module in the CLI bundles is this createRequire alone: Node's node:module loads its ESM
// loader and source-map support, four more of Node's modules to compile at every start. Each
// createRequire of src/ is given its own module's URL, in a bundle the bundle's, so the bundle's
// own require (bin/taskrun.cjs makes it for the bundle's path) is the answer.
const bundleCreateRequire = {
  name: 'bundle-create-require',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(node:)?module$/ }, () => ({ path: 'create-require', namespace: 'bundle-create-require' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'bundle-create-require' }, () => ({
      loader: 'js',
      contents: `export function createRequire(url) {
  if (String(url) !== __taskrunModuleUrl) throw new Error('createRequire(' + url + '): a bundle only requires from its own path');
  return require;
}`,
    }));
  },
};

// Every bundle: one CommonJS file for Node 20, minified. import() would need a module
// loader inside vm.Script; as require() it needs none.
const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  supported: { 'dynamic-import': false },
};

// The CLI bundles: every module inside, found next to its bundle as it would be in dist/.
const CLI_OPTIONS = {
  ...BUNDLE_OPTIONS,
  plugins: [graphImageApart, lazyCommanderChildProcess, bundleCreateRequire],
  define: { 'import.meta.url': '__taskrunModuleUrl' },
  banner: { js: 'var __taskrunModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
};
for (const [entry, file] of [
  ['dist/cli/main.js', outfile],
  ['dist/cli/validate-main.js', path.join(outdir, 'validate.cjs')],
  ['dist/cli/render-main.js', path.join(outdir, 'render.cjs')],
]) {
  await build({ ...CLI_OPTIONS, entryPoints: [path.join(root, entry)], outfile: file });
  const text = readFileSync(file, 'utf8');
  if (/[^\w$.]import\(/.test(text)) {
    throw new Error(`${file} still calls import(), which fails inside vm.Script: make that import static or lazy through a bundled module`);
  }
  // bin/taskrun.cjs reads the bundles as Latin-1, a copy where UTF-8 would be decoded and checked.
  const nonAscii = /[^\x00-\x7f]/.exec(text);
  if (nonAscii) {
    throw new Error(`${file} holds a non-ASCII character (${JSON.stringify(text.slice(Math.max(0, nonAscii.index - 40), nonAscii.index + 10))}): esbuild escapes those in strings, not in regular expressions; write it as \\u…`);
  }
}
copyFileSync(path.join(root, 'dist/task/schema-validators.cjs'), path.join(outdir, 'schema-validators.cjs'));

await build({
  ...BUNDLE_OPTIONS,
  entryPoints: [path.join(root, 'dist/cli/commands/graph-image.js')],
  outfile: path.join(outdir, graphImageFile),
  external: ['@resvg/resvg-js'],
});

// The first run of each bundle writes its code cache: a graph compiles the front half of the
// pipeline and the plan (taskrun.cjs), a validate and a render their own (validate.cjs, render.cjs).
const sample = path.join(root, 'samples/multi-arch/acr-task.yaml');
if (existsSync(sample)) {
  for (const command of ['graph', 'validate', 'render']) {
    execFileSync(process.execPath, [path.join(root, 'bin/taskrun.cjs'), command, sample], { cwd: root, stdio: 'ignore' });
  }
}
