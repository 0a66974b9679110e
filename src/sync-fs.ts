// The file calls of the task pipeline (load, task, the run ID), with fs/promises' shape but made
// by node:fs's synchronous functions. They are small reads, stats and renames of local files,
// where the asynchronous ones cost more than the call: loading node:fs/promises compiles seven
// more of Node's own modules, and the first asynchronous call starts libuv's thread pool (four
// threads), together more than a small file's whole render. A failing call rejects, as its
// asynchronous form would.

import fs from 'node:fs';

/** The promise form of a synchronous function: its value resolved, or what it throws rejected. */
function settled<Args extends unknown[], Value>(call: (...args: Args) => Value): (...args: Args) => Promise<Value> {
  return (...args) => {
    try {
      return Promise.resolve(call(...args));
    } catch (caught) {
      return Promise.reject(caught);
    }
  };
}

// Typed as node:fs's own promise forms (util.promisify of the callback functions): the
// synchronous functions take the same arguments and give the same values.
export const readFile = settled(fs.readFileSync as (...args: unknown[]) => unknown) as typeof fs.readFile.__promisify__;
export const writeFile = settled(fs.writeFileSync as (...args: unknown[]) => unknown) as typeof fs.writeFile.__promisify__;
export const stat = settled(fs.statSync as (...args: unknown[]) => unknown) as typeof fs.stat.__promisify__;
export const realpath = settled(fs.realpathSync.native as (...args: unknown[]) => unknown) as typeof fs.realpath.__promisify__;
export const readdir = settled(fs.readdirSync as (...args: unknown[]) => unknown) as typeof fs.readdir.__promisify__;
export const mkdir = settled(fs.mkdirSync as (...args: unknown[]) => unknown) as typeof fs.mkdir.__promisify__;
export const mkdtemp = settled(fs.mkdtempSync as (...args: unknown[]) => unknown) as typeof fs.mkdtemp.__promisify__;
export const rename = settled(fs.renameSync as (...args: unknown[]) => unknown) as typeof fs.rename.__promisify__;
export const rm = settled(fs.rmSync as (...args: unknown[]) => unknown) as typeof fs.rm.__promisify__;
export const rmdir = settled(fs.rmdirSync as (...args: unknown[]) => unknown) as typeof fs.rmdir.__promisify__;
