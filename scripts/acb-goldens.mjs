#!/usr/bin/env node
// Regenerates the golden files of test/fixtures/acb-render/ with a real `acb` binary:
//   TASKRUN_ACB=/path/to/acb node scripts/acb-goldens.mjs [group/name …]
// It never builds acb; see test/fixtures/acb-render/README.md for which acb the goldens come from.
// Per case `<name>.yaml` it writes `<name>.out` (the rendered bytes) when acb succeeds, else
// `<name>.err` (`exit N` and acb's stderr without log timestamps), and removes the other one.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../test/fixtures/acb-render/', import.meta.url));
const acb = process.env.TASKRUN_ACB;
if (!acb || !existsSync(acb)) {
  console.error('set TASKRUN_ACB to the path of an acb binary (see test/fixtures/acb-render/README.md)');
  process.exit(2);
}
const defaults = JSON.parse(readFileSync(path.join(root, 'defaults.json'), 'utf8'));
const only = new Set(process.argv.slice(2));

const STAMP = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;
const STAMP_LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /m;

/** `acb render`: the bytes after the `Rendered template:` log line, less the newline log.Println adds. */
function fromRender(stderr) {
  const marker = Buffer.from(' Rendered template:\n');
  const at = stderr.indexOf(marker);
  if (at < 0) return undefined;
  const rest = stderr.subarray(at + marker.length);
  const prefix = rest.subarray(0, 20).toString('latin1');
  if (!STAMP.test(prefix)) throw new Error('unexpected acb render output');
  return rest.subarray(20, rest.length - 1);
}

/**
 * `acb exec --dry-run --debug`: the bytes between `Rendered template:` and the next log line.
 * log.Printf adds a newline only when the text lacks one, so exec cases must render a final newline.
 */
function fromExec(stderr, status, name) {
  const marker = Buffer.from(' Rendered template:\n');
  const at = stderr.indexOf(marker);
  if (at < 0) return undefined;
  const rest = stderr.subarray(at + marker.length);
  const next = rest.toString('latin1').search(STAMP_LINE);
  let text = next < 0 ? rest : rest.subarray(0, next);
  // A task that renders but does not parse: acb's error follows the text, without a timestamp.
  const failure = text.lastIndexOf(Buffer.from('\nfailed to unmarshal task before running: '));
  if (status !== 0 && next < 0 && failure >= 0) text = text.subarray(0, failure + 1);
  if (text.length === 0 || text[text.length - 1] !== 0x0a) throw new Error(`${name}: exec output without a final newline`);
  return text;
}

function withoutStamps(stderr) {
  return stderr
    .toString('latin1')
    .split('\n')
    .map((line) => line.replace(STAMP, ''))
    .join('\n');
}

let written = 0;
for (const group of readdirSync(path.join(root, 'cases')).sort()) {
  const dir = path.join(root, 'cases', group);
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.yaml') || file.endsWith('.values.yaml') || file.endsWith('.src.yaml')) continue;
    const name = file.slice(0, -'.yaml'.length);
    const key = `${group}/${name}`;
    if (only.size > 0 && !only.has(key)) continue;
    const sidecarPath = path.join(dir, `${name}.json`);
    const sidecar = existsSync(sidecarPath) ? JSON.parse(readFileSync(sidecarPath, 'utf8')) : {};
    if (sidecar.mode === 'exec') {
      const text = readFileSync(path.join(dir, file), 'latin1');
      const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
      if (!text.endsWith('\n') || lastLine.includes('{{')) throw new Error(`${key}: exec cases end with a newline and no action on the last line`);
    }
    const command = sidecar.mode === 'exec' ? ['exec', '--dry-run', '--debug'] : ['render'];
    const args = [...command, '-f', file, ...defaults.args, ...(sidecar.args ?? [])];
    const result = spawnSync(acb, args, { cwd: dir, env: defaults.env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    if (result.error) throw result.error;
    const rendered = sidecar.mode === 'exec' ? fromExec(result.stderr, result.status, key) : result.status === 0 ? fromRender(result.stderr) : undefined;
    const outPath = path.join(dir, `${name}.out`);
    const errPath = path.join(dir, `${name}.err`);
    if (rendered !== undefined) {
      writeFileSync(outPath, rendered);
      rmSync(errPath, { force: true });
    } else {
      writeFileSync(errPath, `exit ${result.status}\n${withoutStamps(result.stderr)}`);
      rmSync(outPath, { force: true });
    }
    written++;
  }
}
const version = execFileSync(acb, ['version'], { encoding: 'utf8' }).trim().replace(/\s+/g, ' ');
console.log(`${written} goldens written with ${version}`);
