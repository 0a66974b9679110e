// Stage 5, execute: what a stopped `podman build` leaves. Stopping the client in a RUN
// instruction (SIGTERM or SIGINT alike) leaves buildah's working container behind, mounted,
// unlabelled (`--label` goes to the image, not to it) and visible only to `podman ps --external`.
// After a build step is stopped, the external containers that appeared since it started are
// removed: with podman's CLI through `podman ps --external`, with the docker CLI over podman's
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

/** Ids of buildah working containers created at or after `sinceMs`, from `podman ps --external` JSON. */
export function pickWorkingContainers(json: string, sinceMs: number): string[] {
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  // The CLI's Created has whole seconds: a container made in the step's first second counts.
  const sinceSeconds = Math.floor(sinceMs / 1000);
  const createdSeconds = (created: unknown): number =>
    typeof created === 'number' ? created : typeof created === 'string' ? Math.floor(Date.parse(created) / 1000) : Number.NaN;
  return (entries as ExternalContainer[])
    .filter((entry) => typeof entry.Id === 'string' && createdSeconds(entry.Created) >= sinceSeconds)
    .filter((entry) => entry.IsInfra !== true && (entry.Command ?? []).includes('buildah'))
    .map((entry) => entry.Id);
}

/**
 * Call before the build starts; `afterStop` (only once the build was stopped, not when it
 * ended by itself) removes the working containers it left and returns their ids.
 */
export function watchBuildLeftovers(engine: Engine): { afterStop: () => Promise<string[]> } {
  const startedAt = Date.now();
  return {
    async afterStop() {
      if (engine.name === 'docker') return removeThroughPodmanApi(engine, startedAt);
      let json = '';
      const listing = await runEngine({
        engine,
        args: ['ps', '--external', '--all', '--format', 'json'],
        timeoutMs: CLEANUP_TIMEOUT_MS,
        onLine: (line, stream) => {
          if (stream === 'stdout') json += `${line}\n`;
        },
      });
      if (listing.exitCode !== 0) return [];
      const ids = pickWorkingContainers(json, startedAt);
      await removeContainers({ engine, names: ids });
      return ids;
    },
  };
}

const LIBPOD = 'http://d/v4.0.0/libpod';

/**
 * The docker CLI over a podman socket: podman's API there lists and removes working containers.
 * The Docker Engine answers 404 (it removes a stopped build's containers itself): nothing to do.
 */
async function removeThroughPodmanApi(engine: Engine, sinceMs: number): Promise<string[]> {
  const socketPath = socketPathOf(engine.env.DOCKER_HOST ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  if (socketPath === undefined) return [];
  const listing = await callSocket(socketPath, 'GET', `${LIBPOD}/containers/json?all=true&external=true`);
  if (listing?.status !== 200) return [];
  const ids = pickWorkingContainers(listing.body, sinceMs);
  await Promise.all(ids.map((id) => callSocket(socketPath, 'DELETE', `${LIBPOD}/containers/${id}?force=true`)));
  return ids;
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
