#!/usr/bin/env node
// Budgets of issue 9, measured in one run on the lab (needs `npm run lab` and `npm run build`):
//   1. copying a context of 10,000 files / 200 MB into the run's workspace volume ≤ 1.5× a plain
//      `tar -c | <engine> run -i busybox tar -x` of the same folder into a fresh volume (the same kind
//      of destination), with and without a .dockerignore (which makes taskrun walk and list the files);
//      a host-folder `tar -c | tar -x` is printed beside, for scale;
//   2. the 20-step bench run (20 trivial cmd steps) with the copy ≤ 1.05× the same run with --bind.
// Usage: node bench/workspace.mjs [--engine podman|docker] [--rounds N] [--pairs N] [--only copy|steps]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternatePairs, bin, dist, median, option, requireBuild, requireLab } from './support.mjs';

const engineName = option('--engine', 'podman');
const rounds = Number(option('--rounds', '3'));
const pairRounds = Number(option('--pairs', '9'));
const only = option('--only', 'all');

requireBuild('run/workspace.js');
const { quote } = await import('shell-quote');
const { createEngine } = await import(path.join(dist, 'engine/engine.js'));
const { fillWorkspace } = await import(path.join(dist, 'run/workspace.js'));

const lab = await requireLab();
const engine = createEngine({ name: engineName, labVars: lab.vars });
const engineEnv = { ...process.env, ...engine.env };
const home = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-home-'));
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
let sequence = 0;
const nextId = (label) => `benchws${label}${process.pid}${(sequence += 1)}`;

function run(file, argv, env = engineEnv) {
  const result = spawnSync(file, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${file} ${argv.join(' ')} failed: ${result.stderr}`);
}

function timed(action) {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timedAsync(action) {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

// 100 folders × 100 files × 20 KiB of random bytes: 10,000 files, 200 MiB.
function writeContext(withDockerignore) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-ctx-'));
  for (let d = 0; d < 100; d++) {
    const sub = path.join(dir, `dir${d}`);
    mkdirSync(sub);
    for (let f = 0; f < 100; f++) writeFileSync(path.join(sub, `file${f}.bin`), randomBytes(20 * 1024));
  }
  if (withDockerignore) writeFileSync(path.join(dir, '.dockerignore'), '*.tmp\n**/*.swp\n!keep.tmp\n');
  return dir;
}

const volumeCreate = (name) => run(engine.binary, ['volume', 'create', name]);
const volumeRemove = (name) => run(engine.binary, ['volume', 'rm', '--force', name]);

function timeBaseline(contextDir) {
  const volume = nextId('base');
  volumeCreate(volume);
  try {
    const pipeline = `${quote(['tar', '-c', '-C', contextDir, '.'])} | ${quote([engine.binary, 'run', '--interactive', '--rm', '--network', 'none', '--volume', `${volume}:/workspace`, 'busybox', 'tar', '-x', '-C', '/workspace'])}`;
    return timed(() => run('bash', ['-o', 'pipefail', '-c', pipeline]));
  } finally {
    volumeRemove(volume);
  }
}

function timeHostFolder(contextDir) {
  const into = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-into-'));
  try {
    return timed(() => run('bash', ['-o', 'pipefail', '-c', `${quote(['tar', '-c', '-C', contextDir, '.'])} | ${quote(['tar', '-x', '-C', into])}`]));
  } finally {
    rmSync(into, { recursive: true, force: true });
  }
}

async function timeTaskrunFill(contextDir) {
  const runId = nextId('fill');
  const volume = `taskrun-${runId}-workspace`;
  volumeCreate(volume);
  try {
    return await timedAsync(async () => {
      const failure = await fillWorkspace({ engine, runId, spec: { mode: 'copy', contextDir, volume }, signal: new AbortController().signal });
      if (failure) throw new Error(failure);
    });
  } finally {
    volumeRemove(volume);
  }
}

function writeTwentySteps() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-'));
  const lines = ['version: v1.0.0', 'steps:', ...Array.from({ length: 20 }, (_, index) => [`  - id: s${index}`, '    cmd: busybox true']).flat()];
  writeFileSync(path.join(dir, 'acr-task.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

function timeTaskrun(dir, extra) {
  return timed(() =>
    run(process.execPath, [bin, 'run', path.join(dir, 'acr-task.yaml'), '--engine', engineName, '--run-id', nextId('run'), '--quiet', ...extra], { ...process.env, TASKRUN_HOME: home }),
  );
}

const plain = only === 'steps' ? mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-ctx-')) : writeContext(false);
const ignoring = only === 'steps' ? mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-ctx-')) : writeContext(true);
const twenty = writeTwentySteps();
let ok = true;

async function benchCopy() {
  timeBaseline(plain); // warm-up: page cache, helper image
  for (const [label, contextDir] of [['no .dockerignore', plain], ['with a .dockerignore', ignoring]]) {
    const baseline = [];
    const ours = [];
    const host = [];
    for (let round = 0; round < rounds; round++) {
      baseline.push(timeBaseline(contextDir));
      ours.push(await timeTaskrunFill(contextDir));
      host.push(timeHostFolder(contextDir));
    }
    const ratio = median(ours) / median(baseline);
    ok &&= ratio <= 1.5;
    console.log(
      `copy of 10,000 files / 200 MiB (${label}): taskrun ${fmt(median(ours))}, tar | ${engineName} run tar -x ${fmt(median(baseline))}, ratio ${ratio.toFixed(3)} (budget 1.50) ${ratio <= 1.5 ? 'ok' : 'OVER'}; tar | tar into a host folder ${fmt(median(host))}`,
    );
  }
}

// Pairs run back to back, in alternating order; the median of the pair ratios cancels the drift of a shared machine.
async function benchSteps() {
  timeTaskrun(twenty, []); // warm-up
  const { a: copy, b: bind, ratios: pairRatios } = await alternatePairs(pairRounds, () => timeTaskrun(twenty, []), () => timeTaskrun(twenty, ['--bind']));
  const ratio = median(pairRatios);
  ok &&= ratio <= 1.05;
  console.log(`20 trivial steps (${pairRounds} pairs): copy ${fmt(median(copy))}, --bind ${fmt(median(bind))}, median pair ratio ${ratio.toFixed(3)} (budget 1.05) ${ratio <= 1.05 ? 'ok' : 'OVER'}`);
}

try {
  console.log(`engine: ${engineName}, rounds: ${rounds}, pairs: ${pairRounds} (medians)`);
  if (only !== 'steps') await benchCopy();
  if (only !== 'copy') await benchSteps();
  process.exitCode = ok ? 0 : 1;
} finally {
  for (const dir of [plain, ignoring, twenty, home]) rmSync(dir, { recursive: true, force: true });
}
