#!/usr/bin/env node
// Budgets of issue 3 point 10, measured in one run on the lab (needs `npm run lab` and `npm run build`):
//   1. 20 trivial cmd steps through taskrun ≤ 1.10× a shell script running the same 20 `<engine> run --rm`
//      commands (the script also creates and removes the run network and volume, as taskrun does);
//   2. 4 independent 1-second steps ≤ 1.5× one such step.
// Usage: node bench/steps.mjs [--engine podman|docker] [--rounds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, dist, median, option, requireBuild, requireLab } from './support.mjs';

const engineName = option('--engine', 'podman');
const rounds = Number(option('--rounds', '3'));

requireBuild('run/execute-run.js');

const { quote } = await import('shell-quote');
const { createEngine } = await import(path.join(dist, 'engine/engine.js'));
const { describeRunCommands } = await import(path.join(dist, 'run/execute-run.js'));
const { prepareTask } = await import(path.join(dist, 'task/prepare.js'));
const { planTask } = await import(path.join(dist, 'plan/plan.js'));

const lab = await requireLab();
const engine = createEngine({ name: engineName, labVars: lab.vars });

const home = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-home-'));

let sequence = 0;
const runId = (label) => `bench${label}${process.pid}${(sequence += 1)}`;

function writeTask(steps) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-'));
  const lines = ['version: v1.0.0', 'steps:'];
  for (const [index, step] of steps.entries()) {
    lines.push(`  - id: s${index}`, `    cmd: ${step.cmd}`);
    if (step.parallel) lines.push('    when: ["-"]');
  }
  writeFileSync(path.join(dir, 'acr-task.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

function timeMs(file, argv, env = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${argv.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

// The real CLI, as a user runs it: a fresh process, a run record, quiet output.
function timeTaskrun(dir, label) {
  return timeMs(process.execPath, [bin, 'run', path.join(dir, 'acr-task.yaml'), '--engine', engineName, '--run-id', runId(label), '--quiet'], { TASKRUN_HOME: home });
}

async function shellScriptFor(dir, label) {
  const id = runId(label);
  const { task, contextDir } = await prepareTask({ file: path.join(dir, 'acr-task.yaml'), runId: id });
  const commands = describeRunCommands({ task, plan: planTask(task), runId: id, engine, contextDir });
  const all = [...commands.setup, ...commands.steps.flatMap((step) => step.commands), ...commands.cleanup];
  const envLines = Object.entries(engine.env).map(([key, value]) => `export ${key}=${quote([value])}`);
  const script = path.join(dir, `${id}.sh`);
  // A command with inputFrom (the workspace copy) reads that command's output: `tar -c … | docker run -i …`.
  const line = (command) => `${command.inputFrom ? `${quote(command.inputFrom)} | ` : ''}${quote(command.argv)} >/dev/null`;
  writeFileSync(script, ['set -e -o pipefail', ...envLines, ...all.map(line)].join('\n') + '\n');
  return script;
}

const twenty = writeTask(Array.from({ length: 20 }, () => ({ cmd: 'busybox true' })));
const four = writeTask(Array.from({ length: 4 }, () => ({ cmd: 'busybox sleep 1', parallel: true })));
const one = writeTask([{ cmd: 'busybox sleep 1' }]);
try {
  // Warm-up: image and engine caches.
  timeTaskrun(one, 'w');
  const taskrunTwenty = [];
  const shellTwenty = [];
  const taskrunFour = [];
  const taskrunOne = [];
  for (let round = 0; round < rounds; round++) {
    shellTwenty.push(timeMs('bash', [await shellScriptFor(twenty, 's')]));
    taskrunTwenty.push(timeTaskrun(twenty, 't'));
    taskrunOne.push(timeTaskrun(one, 'o'));
    taskrunFour.push(timeTaskrun(four, 'f'));
  }
  const ratio1 = median(taskrunTwenty) / median(shellTwenty);
  const ratio2 = median(taskrunFour) / median(taskrunOne);
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`engine: ${engineName}, rounds: ${rounds} (medians)`);
  console.log(`20 trivial steps: taskrun ${fmt(median(taskrunTwenty))}, shell script ${fmt(median(shellTwenty))}, ratio ${ratio1.toFixed(3)} (budget 1.10) ${ratio1 <= 1.1 ? 'ok' : 'OVER'}`);
  console.log(`4 parallel 1-second steps: ${fmt(median(taskrunFour))}, one step ${fmt(median(taskrunOne))}, ratio ${ratio2.toFixed(3)} (budget 1.50) ${ratio2 <= 1.5 ? 'ok' : 'OVER'}`);
  process.exitCode = ratio1 <= 1.1 && ratio2 <= 1.5 ? 0 : 1;
} finally {
  for (const dir of [twenty, four, one, home]) rmSync(dir, { recursive: true, force: true });
}
