// The file calls of validate's and render's path as promises, made from node:fs's callback
// functions. node:fs/promises is the same calls, but loading it compiles seven more of Node's own
// modules (its FileHandle brings readline), a larger share of a small file's render than
// reading the file; node:fs is loaded before any script runs.

import fs from 'node:fs';
import { promisify } from 'node:util';

export const readFile = promisify(fs.readFile);
export const writeFile = promisify(fs.writeFile);
export const stat = promisify(fs.stat);
// The native one, as fs/promises has it.
export const realpath = promisify(fs.realpath.native);
export const readdir = promisify(fs.readdir);
export const mkdir = promisify(fs.mkdir);
export const mkdtemp = promisify(fs.mkdtemp);
export const rename = promisify(fs.rename);
export const rm = promisify(fs.rm);
export const rmdir = promisify(fs.rmdir);
