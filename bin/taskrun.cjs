#!/usr/bin/env node
// The taskrun command. It runs the CLI bundle (dist/bundle/taskrun.cjs, built by
// scripts/bundle.mjs) through V8's code cache: compiling the bundle is most of taskrun's
// start-up, and Node 20 has no compile cache of its own (Node 22's module.enableCompileCache).
// The cache is only an optimisation. When it is missing, stale, or rejected by another Node
// version, the bundle compiles as usual and a fresh cache is written at exit (best effort).
// `validate` and `render` run bundles of their own (src/cli/validate-main.ts, render-main.ts),
// the same program with that one command: less to read, deserialise and evaluate before a
// small file's work.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const COMMAND_BUNDLES = { validate: 'validate.cjs', render: 'render.cjs' };
const bundle = path.join(__dirname, '..', 'dist', 'bundle', Object.hasOwn(COMMAND_BUNDLES, process.argv[2]) ? COMMAND_BUNDLES[process.argv[2]] : 'taskrun.cjs');
const cacheFile = `${bundle}.cache`;

// The bundles are ASCII (scripts/bundle.mjs checks): read as Latin-1, the text is a plain copy of
// the bytes, where reading it as UTF-8 would decode and check each of them.
function readSource() {
  try {
    return fs.readFileSync(bundle, 'latin1');
  } catch (error) {
    process.stderr.write(`taskrun: cannot read ${bundle} (${error.code}): build it with \`npm run build\`\n`);
    process.exit(1);
  }
}

// V8 checks a cache against the source's length only, so the cache file starts with a stamp of
// the bundle it was made from.
function stampOf() {
  const { size, mtimeMs } = fs.statSync(bundle);
  return `${size}:${mtimeMs}\n`;
}

function readCache(stamp) {
  let data;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  return data.subarray(0, stamp.length).toString('latin1') === stamp ? data.subarray(stamp.length) : undefined;
}

function writeCache(script, stamp) {
  const temporary = `${cacheFile}.${process.pid}`;
  try {
    fs.writeFileSync(temporary, Buffer.concat([Buffer.from(stamp, 'latin1'), script.createCachedData()]));
    fs.renameSync(temporary, cacheFile);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

const source = readSource();
const stamp = stampOf();
const cachedData = readCache(stamp);
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
const cli = { exports: {} };
// module.constructor is Module: its createRequire without loading node:module (Node's ESM loader).
script.runInThisContext()(cli.exports, module.constructor.createRequire(bundle), cli, bundle, path.dirname(bundle));
// Made at exit, the cache also holds the functions this run compiled, not just the top level.
if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => writeCache(script, stamp));
cli.exports.main(process.argv.slice(2)).then((exitCode) => {
  process.exitCode = exitCode;
});
