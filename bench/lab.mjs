#!/usr/bin/env node
// The lab's figures (issue 8), measured in one run on a lab that is up:
//   1. `npm run lab` when everything is already up: budget under 5 s;
//   2. an emulated RUN step (linux/arm64, or linux/amd64 on an arm64 machine) against the same step
//      on the machine's own platform, per engine: no budget, the ratio says what emulation costs.
// Usage: npm run build && node bench/lab.mjs [--rounds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, option, requireBuild, requireLab, root } from './support.mjs';

const rounds = Number(option('--rounds', '3'));
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('bench: --rounds takes a whole number greater than 0');
  process.exit(2);
}
const LAB_UP_BUDGET_MS = 5_000;

function timeMs(file, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

requireBuild('engine/lab-env.js');
const { vars: lab } = await requireLab();

const labUp = [];
for (let round = 0; round < rounds; round++) labUp.push(timeMs('bash', [path.join(root, 'scripts', 'lab.sh'), 'up']));
const labUpMs = median(labUp);
console.log(`npm run lab with everything up: ${seconds(labUpMs)} (budget under ${seconds(LAB_UP_BUDGET_MS)}) ${labUpMs < LAB_UP_BUDGET_MS ? 'ok' : 'OVER'}`);

// The same shell loop as a RUN step; --no-cache so every round really runs it.
const context = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-lab-'));
writeFileSync(
  path.join(context, 'Dockerfile'),
  `FROM ${lab.TASKRUN_LAB_REGISTRY}/busybox\nRUN i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done; echo "$(uname -m) $i" > /counted\n`,
);
const engines = [
  { name: 'Docker Engine', file: lab.TASKRUN_DOCKER, env: { ...process.env, DOCKER_HOST: lab.DOCKER_HOST } },
  {
    name: 'podman',
    file: 'podman',
    env: { ...process.env, CONTAINERS_CONF: lab.CONTAINERS_CONF, CONTAINERS_REGISTRIES_CONF: lab.CONTAINERS_REGISTRIES_CONF, CONTAINERS_STORAGE_CONF: lab.CONTAINERS_STORAGE_CONF },
  },
];
const nativePlatform = process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
const foreignPlatform = process.arch === 'arm64' ? 'linux/amd64' : 'linux/arm64';
try {
  for (const engine of engines) {
    const build = (platform) => timeMs(engine.file, ['build', '--no-cache', '--quiet', '--platform', platform, '-t', `taskrun-bench-lab:${platform.replaceAll('/', '-')}`, context], { env: engine.env });
    build(foreignPlatform);
    const native = [];
    const emulated = [];
    for (let round = 0; round < rounds; round++) {
      native.push(build(nativePlatform));
      emulated.push(build(foreignPlatform));
    }
    console.log(
      `${engine.name}: build with an emulated ${foreignPlatform} RUN ${seconds(median(emulated))}, the same on ${nativePlatform} ${seconds(median(native))}, ratio ${(median(emulated) / median(native)).toFixed(2)} (no budget)`,
    );
  }
} finally {
  rmSync(context, { recursive: true, force: true });
  for (const engine of engines) {
    const tags = [nativePlatform, foreignPlatform].map((platform) => `taskrun-bench-lab:${platform.replaceAll('/', '-')}`);
    spawnSync(engine.file, ['image', 'rm', '--force', ...tags], { env: engine.env, stdio: 'ignore' });
  }
}
