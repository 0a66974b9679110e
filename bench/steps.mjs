#!/usr/bin/env node
// Budgets of issue 14 (points 2 and 4), measured in one run on the lab, on each engine:
//   1. 20 sequential trivial cmd steps ≤ 0.75× a shell script running the same containers with
//      `<engine> run --rm`, one after another (the script also creates and removes the run's
//      network and volumes and copies the context, as taskrun does);
//   2. 100 such steps against the same kind of script, same budget; the peak RSS of those
//      `taskrun run` processes ≤ 100 MB;
//   3. 4 independent 1-second steps ≤ 1.2× one such step.
// Runs are timed in pairs, back to back in alternating order; a ratio is the median of the pairs'
// ratios, which cancels the drift of a shared machine.
// Usage: npm run build && node bench/steps.mjs [--engine docker|podman|all] [--rounds N] [--rounds-100 N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternatePairs, bin, dist, median, option, requireBuild, requireLab, root } from './support.mjs';

const engineOption = option('--engine', 'all');
const rounds = Number(option('--rounds', '3'));
const roundsHundred = Number(option('--rounds-100', '3'));
const engineNames = engineOption === 'all' ? ['docker', 'podman'] : [engineOption];
const BUDGETS = { sequential: 0.75, parallel: 1.2, peakMb: 100 };

requireBuild('run/execute-run.js');

const { quote } = await import('shell-quote');
const { createEngine } = await import(path.join(dist, 'engine/engine.js'));
const { describeRunCommands } = await import(path.join(dist, 'run/execute-run.js'));
const { homeKeyOf } = await import(path.join(dist, 'engine/names.js'));
const { prepareTask } = await import(path.join(dist, 'task/prepare.js'));
const { planTask } = await import(path.join(dist, 'plan/plan.js'));
const { engineApiFor } = await import(path.join(dist, 'engine/engine-api.js'));

const lab = await requireLab();
const rssHook = path.join(root, 'bench', 'report-peak-rss.mjs');
const home = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-home-'));
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok) => (ok ? 'ok' : 'over');

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
  const result = spawnSync(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${argv.join(' ')} failed: ${result.stderr}`);
  const reported = /PEAK_RSS_KB=(\d+)/.exec(result.stderr)?.[1];
  // A run with the reporter preloaded must report: a missing figure would pass the memory budget unmeasured.
  if (argv.includes(rssHook) && reported === undefined) throw new Error(`${file} ${argv.join(' ')} printed no PEAK_RSS_KB line`);
  return { ms, rssKb: Number(reported ?? 0) };
}

// The real CLI, as a user runs it: a fresh process, a run record, quiet output. The preloaded
// reporter only adds an exit handler that prints the peak RSS.
function timeTaskrun(engineName, dir, label) {
  return timeMs(process.execPath, ['--import', rssHook, bin, 'run', path.join(dir, 'acr-task.yaml'), '--engine', engineName, '--run-id', runId(label), '--quiet'], {
    TASKRUN_HOME: home,
  });
}

// The floor a user would write: taskrun's own setup and cleanup commands, and each step as a
// `<engine> run --rm` of the same container, one after another.
async function shellScriptFor(engine, dir, label) {
  const id = runId(label);
  const { task, contextDir } = await prepareTask({ file: path.join(dir, 'acr-task.yaml'), runId: id });
  const commands = describeRunCommands({ task, plan: planTask(task), runId: id, homeKey: homeKeyOf(home), engine, contextDir });
  const isRemoval = (command) => command.argv[1] === 'rm';
  const withRm = (command) => (command.argv[1] === 'run' && !command.argv.includes('--rm') ? { ...command, argv: [command.argv[0], 'run', '--rm', ...command.argv.slice(2)] } : command);
  const all = [...commands.setup, ...commands.steps.flatMap((step) => step.commands.filter((command) => !isRemoval(command)).map(withRm)), ...commands.cleanup.filter((command) => !isRemoval(command))];
  return writeScript(engine, dir, id, all);
}

/** A bash script running the commands one after another with the engine's environment; its path. */
function writeScript(engine, dir, name, commands) {
  const envLines = Object.entries(engine.env).map(([key, value]) => `export ${key}=${quote([value])}`);
  const script = path.join(dir, `${name}.sh`);
  // A command with inputFrom (the workspace copy) reads that command's output: `tar -c … | docker run -i …`.
  const line = (command) => `${command.inputFrom ? `${quote(command.inputFrom)} | ` : ''}${quote(command.argv)} >/dev/null`;
  writeFileSync(script, ['set -e -o pipefail', ...envLines, ...commands.map(line)].join('\n') + '\n');
  return script;
}

// The engine's own floor: the same containers, made beforehand (not timed; a run makes them
// while earlier steps go) and started through the engine's API, nothing else: one after another,
// or all at once for parallel steps. No client of the engine runs these steps faster.
async function timeEngineFloor(engine, dir, label, { parallel = false } = {}) {
  const id = runId(label);
  const { task, contextDir } = await prepareTask({ file: path.join(dir, 'acr-task.yaml'), runId: id });
  const commands = describeRunCommands({ task, plan: planTask(task), runId: id, homeKey: homeKeyOf(home), engine, contextDir });
  const runs = commands.steps.flatMap((step) => step.commands.filter((command) => command.argv[1] === 'run'));
  const creates = runs.map((command) => ({ argv: [command.argv[0], 'create', ...command.argv.slice(2).filter((word) => word !== '--rm')] }));
  const names = runs.map((command) => command.argv[command.argv.indexOf('--name') + 1]);
  timeMs('bash', [writeScript(engine, dir, `${id}-setup`, [...commands.setup, ...creates])]);
  const api = await engineApiFor(engine);
  if (!api) throw new Error(`bench: no engine API for ${engine.name}`);
  const signal = new AbortController().signal;
  if (engine.name === 'podman') for (const name of names) await api.initContainer(name, signal);
  const start = async (containerName) => {
    const result = await api.startAttached({ containerName, signal, onLine: () => undefined });
    if (result?.exitCode !== 0) throw new Error(`bench: ${containerName} did not run: ${result?.outputTail}`);
  };
  const started = process.hrtime.bigint();
  if (parallel) await Promise.all(names.map(start));
  else for (const name of names) await start(name);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await api.removeContainers(names);
  timeMs('bash', [writeScript(engine, dir, `${id}-cleanup`, commands.cleanup)]);
  return { ms, rssKb: 0 };
}

/** `count` alternating pairs of two measurements: the medians, the median ratio a/b, and a's peak RSS. */
async function pairs(count, measureA, measureB) {
  const { a, b, ratios } = await alternatePairs(count, measureA, measureB, (time) => time.ms);
  return { a: median(a.map((t) => t.ms)), b: median(b.map((t) => t.ms)), ratio: median(ratios), peakKb: Math.max(...a.map((t) => t.rssKb)) };
}

const twenty = writeTask(Array.from({ length: 20 }, () => ({ cmd: 'busybox true' })));
const hundred = writeTask(Array.from({ length: 100 }, () => ({ cmd: 'busybox true' })));
const four = writeTask(Array.from({ length: 4 }, () => ({ cmd: 'busybox sleep 1', parallel: true })));
const one = writeTask([{ cmd: 'busybox sleep 1' }]);
let ok = true;
try {
  for (const engineName of engineNames) {
    const engine = createEngine({ name: engineName, labVars: lab.vars });
    // Warm-up: image and engine caches.
    timeTaskrun(engineName, one, 'w');
    console.log(`engine: ${engineName}, pairs: ${rounds} (100 steps: ${roundsHundred}), medians`);
    const seq20 = await pairs(rounds, () => timeTaskrun(engineName, twenty, 't'), async () => timeMs('bash', [await shellScriptFor(engine, twenty, 's')]));
    ok &&= seq20.ratio <= BUDGETS.sequential;
    console.log(
      `  20 sequential trivial steps: taskrun ${fmt(seq20.a)}, shell script (run --rm) ${fmt(seq20.b)}, ratio ${seq20.ratio.toFixed(3)} (budget ${BUDGETS.sequential}) ${verdict(seq20.ratio <= BUDGETS.sequential)}`,
    );
    const floor20 = await pairs(rounds, () => timeEngineFloor(engine, twenty, 'F'), async () => timeMs('bash', [await shellScriptFor(engine, twenty, 's')]));
    console.log(
      `    the engine's floor: the same 20 containers made beforehand, started one after another through its API: ${fmt(floor20.a)}, ratio to the shell script ${floor20.ratio.toFixed(3)}`,
    );
    const par4 = await pairs(rounds, () => timeTaskrun(engineName, four, 'f'), () => timeTaskrun(engineName, one, 'o'));
    ok &&= par4.ratio <= BUDGETS.parallel;
    console.log(`  4 parallel 1-second steps: ${fmt(par4.a)}, one step ${fmt(par4.b)}, ratio ${par4.ratio.toFixed(3)} (budget ${BUDGETS.parallel}) ${verdict(par4.ratio <= BUDGETS.parallel)}`);
    const floor4 = await pairs(rounds, () => timeEngineFloor(engine, four, 'P', { parallel: true }), () => timeEngineFloor(engine, one, 'O'));
    console.log(`    the engine's floor: the same 4 containers made beforehand and started at once through its API: ${fmt(floor4.a)}, one ${fmt(floor4.b)}, ratio ${floor4.ratio.toFixed(3)}`);
    const seq100 = await pairs(roundsHundred, () => timeTaskrun(engineName, hundred, 'h'), async () => timeMs('bash', [await shellScriptFor(engine, hundred, 'S')]));
    ok &&= seq100.ratio <= BUDGETS.sequential;
    console.log(
      `  100 sequential trivial steps: taskrun ${fmt(seq100.a)}, shell script (run --rm) ${fmt(seq100.b)}, ratio ${seq100.ratio.toFixed(3)} (budget ${BUDGETS.sequential}) ${verdict(seq100.ratio <= BUDGETS.sequential)}`,
    );
    const peakMb = seq100.peakKb / 1024;
    ok &&= peakMb <= BUDGETS.peakMb;
    console.log(`  peak RSS of taskrun run, 100 steps: ${peakMb.toFixed(0)} MB (budget ${BUDGETS.peakMb}) ${verdict(peakMb <= BUDGETS.peakMb)}`);
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  for (const dir of [twenty, hundred, four, one, home]) rmSync(dir, { recursive: true, force: true });
}
