// Bench (issue 4, point 8): an 8-platform manifest list, create + push, on the same
// registry and images: taskrun in-process (the step's own time) against the docker CLI
// pair `docker manifest create --insecure` + `docker manifest push --insecure --purge`
// (measured as processes). Budget: taskrun ≤ 0.5 × docker.
//
// Usage: npm run build && node bench/manifest.mjs
// Env: BENCH_REGISTRY (default 127.0.0.1:5000), BENCH_ROUNDS (default 5),
//      TASKRUN_DIST (compiled taskrun folder, default ./dist).

import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './support.mjs';

const BUDGET_RATIO = 0.5;
const registry = process.env.BENCH_REGISTRY ?? '127.0.0.1:5000';
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const distFolder = process.env.TASKRUN_DIST ?? new URL('../dist/', import.meta.url).pathname;
const platforms = [
  ['linux', 'amd64'], ['linux', 'arm64'], ['linux', 'arm', 'v7'], ['linux', 'arm', 'v6'],
  ['linux', '386'], ['linux', 'ppc64le'], ['linux', 's390x'], ['linux', 'riscv64'],
];

const digestOf = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function pushBlob(repo, bytes) {
  const start = await fetch(`http://${registry}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload to ${registry}: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location'), `http://${registry}`);
  location.searchParams.set('digest', digestOf(bytes));
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload to ${registry}: HTTP ${put.status}`);
  return digestOf(bytes);
}

async function pushImage(repo, tag, [os, architecture, variant]) {
  const layer = randomBytes(256);
  const config = Buffer.from(JSON.stringify({ architecture, os, ...(variant && { variant }), config: {}, rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } }));
  const [configDigest, layerDigest] = await Promise.all([pushBlob(repo, config), pushBlob(repo, layer)]);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: layerDigest }],
  }, null, 3));
  const put = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  if (put.status !== 201) throw new Error(`manifest put: HTTP ${put.status}`);
}

async function main() {
  let runDockerManifest;
  try {
    ({ runDockerManifest } = await import(pathToFileURL(join(distFolder, 'registry', 'docker-manifest.js')).href));
  } catch (caught) {
    throw new Error(`cannot load taskrun from ${distFolder} (${caught.message}): run \`npm run build\` first`);
  }
  const probe = await fetch(`http://${registry}/v2/`).catch((caught) => caught);
  if (!(probe instanceof Response) || probe.status !== 200) throw new Error(`no registry answers on http://${registry}/v2/: run \`npm run lab\``);

  const repo = `bench-manifest-${Date.now().toString(36)}`;
  await Promise.all(platforms.map((platform, i) => pushImage(repo, `p${i}`, platform)));
  const images = platforms.map((_, i) => `${registry}/${repo}:p${i}`);

  const dockerConfig = await mkdtemp(join(tmpdir(), 'taskrun-bench-docker-'));
  await writeFile(join(dockerConfig, 'config.json'), '{"experimental":"enabled"}\n');
  const dockerEnv = { PATH: process.env.PATH, HOME: dockerConfig, DOCKER_CONFIG: dockerConfig };
  const taskrunHome = await mkdtemp(join(tmpdir(), 'taskrun-bench-home-'));
  const io = { stdout: () => {}, stderr: (text) => process.stderr.write(text), signal: new AbortController().signal, env: { TASKRUN_HOME: taskrunHome, HOME: taskrunHome, PATH: process.env.PATH } };

  const dockerMs = [];
  const taskrunMs = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so neither always gets a warmer registry.
    const order = round % 2 === 0 ? ['taskrun', 'docker'] : ['docker', 'taskrun'];
    for (const who of order) {
      const list = `${registry}/${repo}:${who}-${round}`;
      const started = performance.now();
      if (who === 'docker') {
        await execa('docker', ['manifest', 'create', '--insecure', list, ...images], { env: dockerEnv, extendEnv: false });
        await execa('docker', ['manifest', 'push', '--insecure', '--purge', list], { env: dockerEnv, extendEnv: false });
        dockerMs.push(performance.now() - started);
      } else {
        const created = await runDockerManifest(['create', '--insecure', list, ...images], io);
        const pushed = await runDockerManifest(['push', '--insecure', '--purge', list], io);
        if (created !== 0 || pushed !== 0) throw new Error(`taskrun manifest create/push failed (${created}/${pushed})`);
        taskrunMs.push(performance.now() - started);
      }
    }
  }
  await rm(dockerConfig, { recursive: true, force: true });
  await rm(taskrunHome, { recursive: true, force: true });

  const ratio = median(taskrunMs) / median(dockerMs);
  const format = (values) => values.map((ms) => ms.toFixed(1)).join(' ');
  console.log(`8-platform manifest list create + push on ${registry}, ${rounds} rounds`);
  console.log(`  docker CLI (2 processes): median ${median(dockerMs).toFixed(1)} ms  [${format(dockerMs)}]`);
  console.log(`  taskrun in-process:       median ${median(taskrunMs).toFixed(1)} ms  [${format(taskrunMs)}] (first, cold: ${taskrunMs[0].toFixed(1)} ms)`);
  console.log(`  ratio taskrun/docker: ${ratio.toFixed(2)} (budget ≤ ${BUDGET_RATIO}) ${ratio <= BUDGET_RATIO ? 'OK' : 'OVER BUDGET'}`);
  process.exitCode = ratio <= BUDGET_RATIO ? 0 : 1;
}

await main();
