// Stage 5, execute: what a stopped `podman build` leaves. Stopping the client in a RUN
// instruction (SIGTERM or SIGINT alike) leaves buildah's working container behind, mounted,
// unlabelled (`--label` goes to the image, not to it) and visible only to `podman ps --external`.
// It also leaves the layers it committed (`--layers`) as dangling images. After a build step is
// stopped, the external containers that appeared since it started, and the dangling images
// committed since then that nothing uses, are removed: with podman's CLI through `podman ps --external`, with the docker CLI over podman's
// socket through podman's own API on that socket (the Docker API cannot list them, and podman's
// service neither stops nor cleans a build whose client went away). Builds of other processes on the same podman that started in that window are
// indistinguishable from ours; see README "Reliability".

import { request } from 'node:http';
import type { Engine } from '../engine/engine.js';
import { socketPathOf } from '../engine/lab-env.js';
import { CLEANUP_TIMEOUT_MS, removeContainers, runEngine } from '../engine/run-engine.js';

/** One `podman ps --external --format json` entry, the fields used here. */
interface ExternalContainer {
  readonly Id: string;
  /** Seconds since the epoch (podman's CLI) or an RFC 3339 time (podman's API). */
  readonly Created: number | string;
  readonly Command?: readonly string[] | null;
  readonly IsInfra?: boolean;
}

/** The entries of a JSON array an engine printed; none when it printed something else. */
function parseJsonArray(json: string): unknown[] {
  try {
    const entries: unknown = JSON.parse(json);
    return Array.isArray(entries) ? entries : [];
  } catch {
    return [];
  }
}

/** When a build ran: from its start to, when known, the last moment its run was seen alive. */
export interface BuildWindow {
  readonly sinceMs: number;
  readonly untilMs?: number;
}

/** Ids of buildah working containers created within `window`, from `podman ps --external` JSON. */
export function pickWorkingContainers(json: string, window: BuildWindow): string[] {
  const entries = parseJsonArray(json);
  // The CLI's Created has whole seconds: a container made in the step's first second counts.
  const sinceSeconds = Math.floor(window.sinceMs / 1000);
  const untilSeconds = window.untilMs === undefined ? Number.POSITIVE_INFINITY : Math.ceil(window.untilMs / 1000);
  const createdSeconds = (created: unknown): number =>
    typeof created === 'number' ? created : typeof created === 'string' ? Math.floor(Date.parse(created) / 1000) : Number.NaN;
  return (entries as ExternalContainer[])
    .filter((entry) => typeof entry.Id === 'string' && createdSeconds(entry.Created) >= sinceSeconds && createdSeconds(entry.Created) <= untilSeconds)
    .filter((entry) => entry.IsInfra !== true && (entry.Command ?? []).includes('buildah'))
    .map((entry) => entry.Id);
}

/** One `podman images` entry (CLI JSON and API alike), the fields used here. */
interface ImageEntry {
  readonly Id: string;
  /** Seconds since the epoch. */
  readonly Created: number;
  readonly Dangling?: boolean;
  readonly Names?: readonly string[] | null;
  /** The Docker API's field: absent, null, or `<none>:<none>` when untagged. */
  readonly RepoTags?: readonly string[] | null;
  /** -1 when the Docker Engine did not count them. */
  readonly Containers?: number;
}

/** Ids of untagged images created within `window` that no container uses, newest (a child) first. */
export function pickBuildImages(json: string, window: BuildWindow): string[] {
  const entries = parseJsonArray(json);
  const sinceSeconds = Math.floor(window.sinceMs / 1000);
  const untilSeconds = window.untilMs === undefined ? Number.POSITIVE_INFINITY : Math.ceil(window.untilMs / 1000);
  return (entries as ImageEntry[])
    .filter((entry) => typeof entry.Id === 'string' && typeof entry.Created === 'number' && entry.Created >= sinceSeconds && entry.Created <= untilSeconds)
    .filter((entry) => (entry.Dangling ?? true) && (entry.Names ?? []).length === 0 && (entry.RepoTags ?? []).every((tag) => tag === '<none>:<none>'))
    .filter((entry) => (entry.Containers ?? 0) <= 0)
    .sort((a, b) => b.Created - a.Created)
    .map((entry) => entry.Id);
}

/**
 * Call before the build starts; `afterStop` (only once the build was stopped, not when it
 * ended by itself) removes the working containers it left and returns their ids.
 */
export function watchBuildLeftovers(engine: Engine): { afterStop: () => Promise<string[]> } {
  const startedAt = Date.now();
  return { afterStop: () => removeBuildLeftovers(engine, { sinceMs: startedAt }) };
}

/**
 * Removes the working containers and dangling layers builds left within `window` (also for a run
 * killed in a build step, found by its record); returns their ids.
 */
export async function removeBuildLeftovers(engine: Engine, window: BuildWindow): Promise<string[]> {
  if (engine.name === 'docker') return removeThroughSocket(engine, window);
  const containers = pickWorkingContainers(await listJson(engine, ['ps', '--external', '--all', '--format', 'json']), window);
  await removeContainers({ engine, names: containers });
  // Without --force: an image another build or container uses stays.
  const images = pickBuildImages(await listJson(engine, ['images', '--all', '--filter', 'dangling=true', '--format', 'json']), window);
  for (const id of images) await runEngine({ engine, args: ['image', 'rm', id], timeoutMs: CLEANUP_TIMEOUT_MS });
  return [...containers, ...images];
}

async function listJson(engine: Engine, args: readonly string[]): Promise<string> {
  let json = '';
  const listing = await runEngine({
    engine,
    args,
    timeoutMs: CLEANUP_TIMEOUT_MS,
    onLine: (line, stream) => {
      if (stream === 'stdout') json += `${line}\n`;
    },
  });
  return listing.exitCode === 0 ? json : '[]';
}

const LIBPOD = 'http://d/v4.0.0/libpod';
/** How long an image the engine still uses is waited for before it is left alone. */
const IN_USE_WAIT_MS = 10_000;

/**
 * The docker CLI, through the engine's socket (a unix:// DOCKER_HOST or the default one). Over
 * podman's socket, podman's own API there lists and removes working containers (the Docker
 * Engine answers 404 and removes a stopped build's containers itself). On both, the Docker API
 * lists the dangling layers the build committed (the classic builder's, podman's).
 */
async function removeThroughSocket(engine: Engine, window: BuildWindow): Promise<string[]> {
  const socketPath = socketPathOf(engine.env.DOCKER_HOST ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  if (socketPath === undefined) return [];
  const listing = await callSocket(socketPath, 'GET', `${LIBPOD}/containers/json?all=true&external=true`);
  const containers = listing?.status === 200 ? pickWorkingContainers(listing.body, window) : [];
  await Promise.all(containers.map((id) => callSocket(socketPath, 'DELETE', `${LIBPOD}/containers/${id}?force=true`)));
  const imageListing = await callSocket(socketPath, 'GET', `http://d/images/json?all=true&filters=${encodeURIComponent('{"dangling":["true"]}')}`);
  const images = imageListing?.status === 200 ? pickBuildImages(imageListing.body, window) : [];
  // Without force: an image another build or container uses stays. The classic builder removes its
  // stopped RUN container a moment after the client left; until then its image answers 409.
  const deadline = Date.now() + IN_USE_WAIT_MS;
  for (const id of images) {
    while ((await callSocket(socketPath, 'DELETE', `http://d/images/${id}`))?.status === 409 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  return [...containers, ...images];
}

function callSocket(socketPath: string, method: string, url: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { socketPath, method, timeout: CLEANUP_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
