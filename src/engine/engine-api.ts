// Stage 5, execute: the engine's HTTP API, for the requests on a step's critical path: start a
// container made ahead with its output attached and wait for its exit, create (from a spec,
// create-container.ts) and initialise containers made ahead (podman), and remove finished ones.
// Each CLI process costs tens of milliseconds of CPU (podman's far more) that running containers
// could use; a request on a kept-alive socket costs next to none. docker's API is its daemon's
// local socket; podman's is a service taskrun starts (podman-service.ts). Everything else (pulls
// with credentials, builds, pushes) stays with the CLI, which also takes over whenever the API
// does not answer.

import http from 'node:http';
import type { Engine } from './engine.js';
import { describeEndpoint, isRemotePodman } from './endpoint.js';
import { socketPathOf } from './lab-env.js';
import { startPodmanService } from './podman-service.js';
import { createDemuxer } from './attach-frames.js';
import type { ExecResult, OutputStream } from './process.js';
import type { PodmanSpec } from './podman-spec.js';

/** Set to 0 to send every engine request through the CLI. */
export const ENGINE_API_VAR = 'TASKRUN_ENGINE_API';

/** How long the output may go on arriving after the container exited (a stream the engine does not close). */
const OUTPUT_GRACE_MS = 5_000;

export interface StartAttachedInput {
  readonly containerName: string;
  readonly signal: AbortSignal;
  /** Every output line, without its newline. */
  readonly onLine: (line: string, stream: OutputStream) => void;
}

export interface EngineApi {
  /**
   * `start --attach`: attaches stdout and stderr, starts the container and waits for its exit;
   * the result reads as the CLI's would (exit code, output tail). Undefined when the engine did
   * not answer before the container started: the CLI should do it instead.
   */
  readonly startAttached: (input: StartAttachedInput) => Promise<ExecResult | undefined>;
  /** `rm --force` of each container; a missing one counts as removed. The names the engine did not remove. */
  readonly removeContainers: (names: readonly string[]) => Promise<string[] | undefined>;
  /** podman's `init`: true once done, false when the engine refused, undefined when it did not answer. */
  readonly initContainer: (name: string, signal: AbortSignal) => Promise<boolean | undefined>;
  /** podman only: creates a container from its spec; true once made, false when the engine refused, undefined when it did not answer. */
  readonly createFromSpec?: (spec: PodmanSpec, signal: AbortSignal) => Promise<boolean | undefined>;
  /** The engine's socket. */
  readonly socketPath: string;
}

/** How the two APIs differ for these requests. */
interface Flavour {
  /** Before every path. */
  readonly prefix: string;
  /** docker reports the next exit to a wait sent before the start; podman's wait polls the state, so it goes after. */
  readonly waitsBeforeStart: boolean;
  readonly waitQuery: string;
  readonly exitCodeOf: (body: string) => { exitCode?: number; error?: string };
  readonly forceQuery: string;
}

const DOCKER: Flavour = {
  prefix: '',
  waitsBeforeStart: true,
  waitQuery: '?condition=next-exit',
  exitCodeOf: (body) => {
    const parsed = JSON.parse(body) as { StatusCode?: unknown; Error?: { Message?: unknown } | null };
    const message = parsed.Error?.Message;
    return {
      ...(typeof parsed.StatusCode === 'number' && { exitCode: parsed.StatusCode }),
      ...(typeof message === 'string' && message !== '' && { error: message }),
    };
  },
  forceQuery: '?force=1',
};

const LIBPOD: Flavour = {
  prefix: '/v4.0.0/libpod',
  waitsBeforeStart: false,
  waitQuery: '?condition=exited&condition=stopped',
  exitCodeOf: (body) => {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'number' ? { exitCode: parsed } : {};
  },
  // Without timeout=0 podman first waits the container's stop timeout (10 s), as `rm --force` without `--time 0`.
  forceQuery: '?force=true&timeout=0',
};

/** The socket of a docker engine whose endpoint is local (DOCKER_HOST unix://…, or the default socket with no context). */
export function dockerSocketOf(engine: Engine, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return socketPathOf(describeEndpoint(engine, env));
}

/** Whether taskrun may use the engine's API: off with TASKRUN_ENGINE_API=0, and for podman that is itself a client of a service. */
export function mayUseEngineApi(engine: Engine, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[ENGINE_API_VAR] === '0') return false;
  return engine.name === 'docker' ? dockerSocketOf(engine, env) !== undefined : !isRemotePodman(engine, env);
}

/** One API per endpoint, shared by equal engines. */
const apis = new Map<string, Promise<EngineApi | undefined>>();
/** The answer for each engine object: every step asks, and the endpoint (a config file read) is looked up once. */
const answered = new WeakMap<Engine, Promise<EngineApi | undefined>>();
/** A daemon that does not answer its ping this soon is left to the CLI. */
const PING_TIMEOUT_MS = 5_000;

/**
 * The engine's API: docker's once a ping showed a Docker Engine on its socket (not podman's
 * compat API, whose attach and wait differ in details), podman's once its service answers.
 * Undefined when there is none: the CLI does everything.
 */
export function engineApiFor(engine: Engine): Promise<EngineApi | undefined> {
  let api = answered.get(engine);
  if (api) return api;
  const socketPath = engine.name === 'docker' ? dockerSocketOf(engine) : undefined;
  if (!mayUseEngineApi(engine)) api = Promise.resolve(undefined);
  else {
    const key = keyOf(engine);
    api = apis.get(key) ?? (socketPath !== undefined ? openDockerApi(socketPath) : openPodmanApi(engine));
    apis.set(key, api);
  }
  answered.set(engine, api);
  return api;
}

const keyOf = (engine: Engine) => JSON.stringify([engine.name, engine.binary, engine.env]);

/**
 * The API for work that needs no service of its own (removals by `runs prune`, a cleanup): docker's
 * socket, or podman's service only when a run already started it.
 */
export function engineApiIfCheap(engine: Engine): Promise<EngineApi | undefined> {
  if (engine.name === 'docker') return engineApiFor(engine);
  return answered.get(engine) ?? (mayUseEngineApi(engine) ? apis.get(keyOf(engine)) : undefined) ?? Promise.resolve(undefined);
}

async function openDockerApi(socketPath: string): Promise<EngineApi | undefined> {
  const client: Client = { socketPath, agent: new http.Agent({ keepAlive: true, maxSockets: 8 }), flavour: DOCKER };
  const ping = await request(client, 'GET', '/_ping', AbortSignal.timeout(PING_TIMEOUT_MS)).catch(() => undefined);
  if (ping?.status !== 200 || ping.headers['libpod-api-version'] !== undefined || !/^Docker\//.test(String(ping.headers.server ?? ''))) {
    client.agent.destroy();
    return undefined;
  }
  return apiOf(client);
}

async function openPodmanApi(engine: Engine): Promise<EngineApi | undefined> {
  const socketPath = await startPodmanService(engine);
  if (socketPath === undefined) return undefined;
  return apiOf({ socketPath, agent: new http.Agent({ keepAlive: true, maxSockets: 8 }), flavour: LIBPOD });
}

function apiOf(client: Client): EngineApi {
  return {
    startAttached: (input) => startAttached(client, input),
    removeContainers: (names) => removeAll(client, names),
    initContainer: (name, signal) => initContainer(client, name, signal),
    ...(client.flavour === LIBPOD && { createFromSpec: (spec: PodmanSpec, signal: AbortSignal) => createFromSpec(client, spec, signal) }),
    socketPath: client.socketPath,
  };
}

interface Client {
  readonly socketPath: string;
  readonly agent: http.Agent;
  readonly flavour: Flavour;
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Requests without a step's signal (ping, init, removals) give up after this long, as the CLI's cleanup commands do. */
const REQUEST_TIMEOUT_MS = 30_000;

function request(client: Client, method: string, path: string, signal: AbortSignal = AbortSignal.timeout(REQUEST_TIMEOUT_MS), json?: unknown): Promise<Answer> {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const sent = http.request({ socketPath: client.socketPath, agent: client.agent, method, path, signal, headers }, (response) => readAnswer(response).then(resolve, reject));
    sent.on('error', reject);
    sent.end(body);
  });
}

/** The whole answer; rejects when it is cut off (the request aborted, the engine gone). */
function readAnswer(response: http.IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(new Error('the answer was cut off'));
    });
  });
}

/** The engine's `message` from an error answer. */
function messageOf(answer: Answer): string {
  try {
    const parsed = JSON.parse(answer.body) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message !== '') return parsed.message;
  } catch {
    // not JSON: the body as it is
  }
  return answer.body.trim() || `HTTP ${answer.status}`;
}

const containerPath = (client: Client, name: string, rest: string) => `${client.flavour.prefix}/containers/${encodeURIComponent(name)}${rest}`;

async function removeAll(client: Client, names: readonly string[]): Promise<string[] | undefined> {
  try {
    const answers = await Promise.all(names.map((name) => request(client, 'DELETE', containerPath(client, name, client.flavour.forceQuery))));
    return names.filter((_, index) => {
      const status = answers[index]?.status ?? 0;
      return !((status >= 200 && status < 300) || status === 404);
    });
  } catch {
    return undefined;
  }
}

async function initContainer(client: Client, name: string, signal: AbortSignal): Promise<boolean | undefined> {
  try {
    const answer = await request(client, 'POST', containerPath(client, name, '/init'), AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]));
    return answer.status === 204 || answer.status === 304;
  } catch {
    return undefined;
  }
}

async function createFromSpec(client: Client, spec: PodmanSpec, signal: AbortSignal): Promise<boolean | undefined> {
  try {
    const answer = await request(client, 'POST', `${client.flavour.prefix}/containers/create`, AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]), spec);
    return answer.status === 201;
  } catch {
    return undefined;
  }
}

/** The attach connection: resolves once the engine switched protocols (the stream flows from then on). */
function attach(client: Client, name: string, signal: AbortSignal, onData: (chunk: Buffer) => void): Promise<Connection | Answer> {
  return new Promise((resolve, reject) => {
    const sent = http.request({
      socketPath: client.socketPath,
      method: 'POST',
      path: containerPath(client, name, '/attach?stream=true&stdout=true&stderr=true'),
      headers: { Connection: 'Upgrade', Upgrade: 'tcp' },
      signal,
    });
    sent.on('upgrade', (_response, socket, head) => {
      const ended = new Promise<void>((done) => {
        socket.on('end', done);
        socket.on('close', done);
        socket.on('error', () => done());
      });
      if (head.length > 0) onData(head);
      socket.on('data', onData);
      resolve({ ended, close: () => socket.destroy() });
    });
    // No upgrade: an error answer (no such container).
    sent.on('response', (response) => readAnswer(response).then(resolve, reject));
    sent.on('error', reject);
    sent.end();
  });
}

/** The wait request, sent and answered with its headers: the engine now reports the container's next exit. */
function waitForExit(client: Client, name: string, signal: AbortSignal): Promise<{ readonly exit: Promise<Answer> } | Answer> {
  return new Promise((resolve, reject) => {
    const sent = http.request({ socketPath: client.socketPath, agent: false, method: 'POST', path: containerPath(client, name, `/wait${client.flavour.waitQuery}`), signal }, (response) => {
      if (response.statusCode !== 200) {
        readAnswer(response).then(resolve, reject);
        return;
      }
      const exit = readAnswer(response);
      // Read only after the start: a stopped step rejects it before anyone awaits it.
      exit.catch(() => undefined);
      // Wrapped: resolving with the promise itself would wait for the exit.
      resolve({ exit });
    });
    sent.on('error', reject);
    sent.end();
  });
}

type Connection = { readonly ended: Promise<void>; readonly close: () => void };


async function startAttached(client: Client, input: StartAttachedInput): Promise<ExecResult | undefined> {
  const { flavour } = client;
  const startedAt = Date.now();
  const demuxer = createDemuxer(input.onLine);
  const result = (fields: { exitCode?: number; failed: boolean }): ExecResult => ({
    ...(fields.exitCode !== undefined && { exitCode: fields.exitCode }),
    timedOut: false,
    isCanceled: input.signal.aborted,
    durationMs: Date.now() - startedAt,
    outputTail: demuxer.end(),
    failed: fields.failed || input.signal.aborted,
  });
  // The CLI prints the engine's answer and exits 1. Here it reaches the step's error, not its
  // output: a container that never started is run again the usual way, which prints it.
  const refused = (answer: Answer) => {
    demuxer.note(`Error response from daemon: ${messageOf(answer)}`);
    return result({ exitCode: 1, failed: true });
  };
  // Ends a wait request when the container will not run (or the step was stopped): it would wait for ever.
  const endWait = new AbortController();
  const waitSignal = AbortSignal.any([input.signal, endWait.signal]);
  let connection: Connection | undefined;
  let waiting: { readonly exit: Promise<Answer> } | Answer | undefined;
  try {
    const attached = await attach(client, input.containerName, input.signal, (chunk) => demuxer.push(chunk));
    if (!('ended' in attached)) return refused(attached);
    connection = attached;
    if (flavour.waitsBeforeStart) waiting = await waitForExit(client, input.containerName, waitSignal);
  } catch {
    connection?.close();
    // Nothing started: the CLI can still do it all (unless the step was stopped meanwhile).
    return input.signal.aborted ? result({ failed: true }) : undefined;
  }
  const live = connection;
  const fail = (answer?: Answer) => {
    live.close();
    endWait.abort();
    return answer ? refused(answer) : result({ failed: true });
  };
  if (waiting !== undefined && !('exit' in waiting)) return fail(waiting);
  const stop = () => live.close();
  input.signal.addEventListener('abort', stop, { once: true });
  try {
    const started = await request(client, 'POST', containerPath(client, input.containerName, '/start'), input.signal);
    if (started.status !== 204 && started.status !== 304) return fail(started);
    waiting ??= await waitForExit(client, input.containerName, waitSignal);
    if (!('exit' in waiting)) return fail(waiting);
    const answer = await waiting.exit;
    if (answer.status !== 200) return fail(answer);
    const outcome = flavour.exitCodeOf(answer.body);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([live.ended, new Promise((done) => (grace = setTimeout(done, OUTPUT_GRACE_MS)))]);
    clearTimeout(grace);
    live.close();
    if (outcome.error !== undefined) demuxer.line(`Error response from daemon: ${outcome.error}`, 'stderr');
    const exitCode = outcome.exitCode ?? 1;
    return result({ exitCode, failed: exitCode !== 0 });
  } catch {
    return fail();
  } finally {
    input.signal.removeEventListener('abort', stop);
  }
}
