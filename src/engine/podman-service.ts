// Stage 5, execute: podman's API for one taskrun process. Local podman has no daemon: each CLI
// command is a process that opens the container store, which costs more CPU than the request it
// makes. `podman system service` on a private socket answers the same store (same configuration,
// from the engine's environment) without that cost. It is stopped when taskrun exits. While
// taskrun lives, an open events stream (filtered to match nothing) keeps it from counting as idle
// through a long step; should taskrun be killed, that stream closes and the service ends by itself.

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { Engine } from './engine.js';
import { pingSocket } from './ping-socket.js';

/** Seconds without a connection after which the service exits. */
export const IDLE_SECONDS = 10;
const READY_WITHIN_MS = 5_000;
const POLL_MS = 15;
const PING_TIMEOUT_MS = 1_000;

/** Starts the service; its socket once it answers, undefined when it could not start. */
export async function startPodmanService(engine: Engine): Promise<string | undefined> {
  let dir: string;
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'taskrun-podman-'));
  } catch {
    return undefined;
  }
  const socketPath = path.join(dir, 'api.sock');
  const service = execa(engine.binary, ['system', 'service', `--time=${IDLE_SECONDS}`, `unix://${socketPath}`], {
    env: { ...process.env, ...engine.env },
    detached: true,
    stdio: 'ignore',
    reject: false,
    cleanup: false,
  });
  let ended = false;
  void service.finally(() => (ended = true));
  const stop = () => {
    if (!ended) service.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  // The service must not keep taskrun alive.
  service.unref();
  const deadline = Date.now() + READY_WITHIN_MS;
  while (!ended && Date.now() < deadline) {
    if (await pingSocket(socketPath, PING_TIMEOUT_MS)) {
      holdOpen(socketPath);
      return socketPath;
    }
    await sleep(POLL_MS);
  }
  process.removeListener('exit', stop);
  stop();
  return undefined;
}

const NO_EVENTS = encodeURIComponent(JSON.stringify({ label: ['taskrun.keep-service=none'] }));

function holdOpen(socketPath: string): void {
  const held = http.request({ socketPath, method: 'GET', path: `/v4.0.0/libpod/events?stream=true&filters=${NO_EVENTS}`, agent: false }, (response) => response.resume());
  held.on('socket', (socket) => socket.unref());
  held.on('error', () => undefined);
  held.end();
}

