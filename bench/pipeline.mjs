#!/usr/bin/env node
// Budget of issue 14 (point 3), measured in one run on the lab, on each engine: the multi-arch
// pipeline of samples/multi-arch (2 builds, one push of both images, manifest create, push and
// inspect) through `taskrun run` ≤ 0.9× the equivalent shell script: the same `<engine> build`
// commands in the same context, `<engine> push` of each image, and the docker CLI's `docker
// manifest create|push|inspect --insecure` (what the task's `docker manifest` steps run on ACR).
// Every round tags new images (a new run id), so every push and list is new; the builds hit the
// engine's cache after the warm-up round, for both alike.
// Runs are timed in pairs, back to back in alternating order; the ratio is the median of the
// pairs' ratios.
// Usage: npm run build && node bench/pipeline.mjs [--engine docker|podman|all] [--rounds N]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternatePairs, bin, dist, median, option, requireBuild, requireLab, root } from './support.mjs';

const engineOption = option('--engine', 'all');
const rounds = Number(option('--rounds', '5'));
const engineNames = engineOption === 'all' ? ['docker', 'podman'] : [engineOption];
const BUDGET = 0.9;

requireBuild('engine/engine.js');
const { quote } = await import('shell-quote');
const { createEngine } = await import(path.join(dist, 'engine/engine.js'));
const lab = await requireLab();
const registry = lab.vars.TASKRUN_LAB_REGISTRY ?? 'localhost:5000';
const repo = `${registry}/bench-pipeline/myimage`;

const context = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-pipeline-'));
const home = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-home-'));
const dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-docker-'));
writeFileSync(path.join(dockerConfig, 'config.json'), '{}\n');
for (const file of ['dockerfile.amd64', 'dockerfile.arm64']) copyFileSync(path.join(root, 'samples', 'multi-arch', file), path.join(context, file));

const buildArgs = (arch) => ['--platform', `linux/${arch}`, '--build-arg', `REGISTRY=${registry}`, '-t', `${repo}:{{ID}}-${arch}`, '-f', `dockerfile.${arch}`, '.'];
writeFileSync(
  path.join(context, 'acr-task.yaml'),
  [
    'version: v1.1.0',
    'steps:',
    ...['amd64', 'arm64'].map((arch) => `- build: ${buildArgs(arch).join(' ').replaceAll('{{ID}}', '{{.Run.ID}}')}`),
    `- push: ["${repo}:{{.Run.ID}}-amd64", "${repo}:{{.Run.ID}}-arm64"]`,
    `- cmd: docker manifest create ${repo}:{{.Run.ID}} ${repo}:{{.Run.ID}}-amd64 ${repo}:{{.Run.ID}}-arm64`,
    `- cmd: docker manifest push --purge ${repo}:{{.Run.ID}}`,
    `- cmd: docker manifest inspect ${repo}:{{.Run.ID}}`,
    '',
  ].join('\n'),
);

let sequence = 0;
const usedIds = [];
const nextId = (label) => {
  const id = `benchpl${label}${process.pid}${(sequence += 1)}`;
  usedIds.push(id);
  return id;
};

function timeMs(file, argv, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd: context, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${argv.join(' ')} failed: ${result.stderr}`);
  return ms;
}

function timeTaskrun(engineName) {
  const id = nextId('t');
  return timeMs(process.execPath, [bin, 'run', 'acr-task.yaml', '--engine', engineName, '--registry', registry, '--run-id', id, '--quiet'], { ...process.env, TASKRUN_HOME: home });
}

function timeShell(engine) {
  const id = nextId('s');
  const engineCommand = (args) => quote([engine.binary, ...args]);
  // Its own config folder: the manifest lists it keeps locally stay out of the user's.
  const dockerCli = (args) => `DOCKER_CONFIG=${quote([dockerConfig])} ${quote(['docker', ...args])}`;
  const list = `${repo}:${id}`;
  const script = [
    'set -e',
    ...Object.entries(engine.env).map(([key, value]) => `export ${key}=${quote([value])}`),
    ...['amd64', 'arm64'].map((arch) => `${engineCommand(['build', ...buildArgs(arch).map((word) => word.replaceAll('{{ID}}', id))])} >/dev/null`),
    ...['amd64', 'arm64'].map((arch) => `${engineCommand(['push', `${repo}:${id}-${arch}`])} >/dev/null`),
    `${dockerCli(['manifest', 'create', '--insecure', list, `${repo}:${id}-amd64`, `${repo}:${id}-arm64`])} >/dev/null`,
    `${dockerCli(['manifest', 'push', '--insecure', '--purge', list])} >/dev/null`,
    `${dockerCli(['manifest', 'inspect', '--insecure', list])} >/dev/null`,
  ];
  const file = path.join(context, `${id}.sh`);
  writeFileSync(file, `${script.join('\n')}\n`);
  return timeMs('bash', [file], process.env);
}

let ok = true;
try {
  for (const engineName of engineNames) {
    const engine = createEngine({ name: engineName, labVars: lab.vars });
    // Warm-up: the builds' cache (an emulated RUN takes a while the first time), the registry's layers.
    timeShell(engine);
    timeTaskrun(engineName);
    const { a: taskrun, b: shell, ratios } = await alternatePairs(rounds, () => timeTaskrun(engineName), () => timeShell(engine));
    const ratio = median(ratios);
    ok &&= ratio <= BUDGET;
    const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`engine: ${engineName}, pairs: ${rounds}, medians`);
    console.log(
      `  multi-arch pipeline (2 builds, push, manifest create/push/inspect): taskrun ${fmt(median(taskrun))}, shell script ${fmt(median(shell))}, ratio ${ratio.toFixed(3)} (budget ${BUDGET}) ${ratio <= BUDGET ? 'ok' : 'over'}`,
    );
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  // The local tags the builds made (the registry keeps what was pushed, as the lab's registry does for every run).
  const tags = usedIds.flatMap((id) => [`${repo}:${id}-amd64`, `${repo}:${id}-arm64`]);
  for (const engineName of engineNames) {
    const engine = createEngine({ name: engineName, labVars: lab.vars });
    spawnSync(engine.binary, ['image', 'rm', '--force', ...tags], { env: { ...process.env, ...engine.env }, stdio: 'ignore' });
  }
  for (const dir of [context, home, dockerConfig]) rmSync(dir, { recursive: true, force: true });
}
