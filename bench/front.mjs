#!/usr/bin/env node
// Budgets of issue 2 point 10, as ratios against `node -e 0` measured in the same run:
//   1. `taskrun validate samples/multi-arch/acr-task.yaml` ≤ 2.0×
//   2. `taskrun render` of a generated 1,000-step file ≤ 4.0×
//   3. peak memory of those runs ≤ 150 MB
// and issue 14's: peak memory of that validate ≤ 60 MB.
// With TASKRUN_BENCH_ACB=/path/to/acb (ACR's engine, acr-builder built from source), also
// issue 14's start-up figure: (taskrun render − node -e 0) / acb render of a small file,
// measured paired in the same rounds (budget ≤ 1.0).
// Usage: npm run build && [TASKRUN_BENCH_ACB=…] node bench/front.mjs [--rounds N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'taskrun.cjs');
const rssHook = path.join(root, 'bench', 'report-peak-rss.mjs');
const at = process.argv.indexOf('--rounds');
const rounds = at > 0 ? Number(process.argv[at + 1]) : 7;
if (!existsSync(path.join(root, 'dist', 'bundle', 'taskrun.cjs'))) {
  console.error('bench: build first with `npm run build`');
  process.exit(2);
}

// 1,000 steps, each with template actions, a pipe and a value: the template and YAML stages both work.
const dir = mkdtempSync(path.join(os.tmpdir(), 'taskrun-bench-front-'));
const big = path.join(dir, 'acr-task.yaml');
const lines = ['version: v1.0.0', 'steps:'];
for (let i = 0; i < 1000; i++) {
  lines.push(`  - id: s${i}`, `    cmd: busybox echo {{ .Values.greeting | default "hi" }} {{ .Run.ID }} {{ .Run.Registry }}/x:{{ .Run.ID }}-${i}`);
}
writeFileSync(big, `${lines.join('\n')}\n`);

function measure(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const rssKb = Number(/PEAK_RSS_KB=(\d+)/.exec(result.stderr)?.[1] ?? 0);
  return { ms, rssKb };
}

const validateArgs = [bin, 'validate', 'samples/multi-arch/acr-task.yaml'];
const renderArgs = [bin, 'render', big, '--set', 'greeting=hello', '--run-id', 'bench'];
// A small file both tools render: the article's multi-arch flow with Go templates only (acb
// render applies no aliases).
const small = path.join(dir, 'small.yaml');
writeFileSync(
  small,
  [
    'steps:',
    '- build: -t {{.Run.Registry}}/samples/myimage:{{.Run.ID}}-amd64 -f dockerfile.amd64 .',
    '- build: -t {{.Run.Registry}}/samples/myimage:{{.Run.ID}}-arm64 -f dockerfile.arm64 .',
    '- push: ["{{.Run.Registry}}/samples/myimage:{{.Run.ID}}-amd64", "{{.Run.Registry}}/samples/myimage:{{.Run.ID}}-arm64"]',
    '- cmd: docker manifest push --purge {{.Run.Registry}}/samples/myimage:latest',
    '',
  ].join('\n'),
);
const acb = process.env.TASKRUN_BENCH_ACB;
const smallRenderArgs = [bin, 'render', small, '--registry', 'localhost:5000', '--run-id', 'bench'];

function measureAcb() {
  const started = process.hrtime.bigint();
  const result = spawnSync(acb, ['render', '-f', small, '--registry', 'localhost:5000', '--id', 'bench'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`acb render exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const samples = { node: [], validate: [], render: [], smallRender: [], acb: [] };
let peakKb = 0;
let validatePeakKb = 0;
try {
  for (let round = 0; round < rounds; round++) {
    samples.node.push(measure(['-e', '0']).ms);
    samples.validate.push(measure(validateArgs).ms);
    samples.render.push(measure(renderArgs).ms);
    if (acb) {
      samples.smallRender.push(measure(smallRenderArgs).ms);
      samples.acb.push(measureAcb());
    }
  }
  // Memory in runs of their own: the preloaded reporter would count in the timings.
  validatePeakKb = measure(['--import', rssHook, ...validateArgs]).rssKb;
  peakKb = Math.max(validatePeakKb, measure(['--import', rssHook, ...renderArgs]).rssKb);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const base = median(samples.node);
const validateRatio = median(samples.validate) / base;
const renderRatio = median(samples.render) / base;
const peakMb = peakKb / 1024;
const validatePeakMb = validatePeakKb / 1024;
const verdict = (ok) => (ok ? 'ok' : 'OVER');
console.log(`rounds: ${rounds} (medians); node -e 0: ${base.toFixed(0)} ms`);
console.log(`validate samples/multi-arch: ${median(samples.validate).toFixed(0)} ms, ratio ${validateRatio.toFixed(2)} (budget 2.0) ${verdict(validateRatio <= 2)}`);
console.log(`render of 1,000 steps: ${median(samples.render).toFixed(0)} ms, ratio ${renderRatio.toFixed(2)} (budget 4.0) ${verdict(renderRatio <= 4)}`);
console.log(`peak memory: ${peakMb.toFixed(0)} MB (budget 150) ${verdict(peakMb <= 150)}`);
console.log(`peak memory of validate samples/multi-arch: ${validatePeakMb.toFixed(0)} MB (budget 60) ${verdict(validatePeakMb <= 60)}`);
let acbOk = true;
if (acb) {
  const ownWork = median(samples.smallRender) - base;
  const acbRatio = ownWork / median(samples.acb);
  acbOk = acbRatio <= 1;
  console.log(
    `render of a small file: taskrun ${median(samples.smallRender).toFixed(0)} ms (own work ${ownWork.toFixed(0)} ms beyond node -e 0), acb render ${median(samples.acb).toFixed(0)} ms, ratio ${acbRatio.toFixed(2)} (budget 1.0) ${verdict(acbOk)}`,
  );
} else {
  console.log('render against acb: skipped (set TASKRUN_BENCH_ACB to an acb binary)');
}
process.exitCode = validateRatio <= 2 && renderRatio <= 4 && peakMb <= 150 && validatePeakMb <= 60 && acbOk ? 0 : 1;
