// Stage 5, execute: `create` of a container made ahead of its turn. On local podman a `create`
// process costs more CPU than the running steps beside it (it opens the container store); its
// service makes the same container from a spec for next to nothing. So the run's first container
// is made by podman's own remote client through a socket of taskrun's that passes every request
// on to the service and keeps the spec the client sent (podman's defaults, from its
// containers.conf); later containers of the same shape are made from that spec with their own
// values (podman-spec.ts). Everything else, and anything the service refuses (a missing image is
// pulled by the CLI), is made by the CLI.

import { rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { buildCreateArgv, type RunArgvInput } from './argv.js';
import type { Engine } from './engine.js';
import { engineApiFor, type EngineApi } from './engine-api.js';
import { specFor, templateFrom, type CreateCall, type PodmanSpec, type SpecTemplate } from './podman-spec.js';
import { runEngine } from './run-engine.js';

export interface CreateInput {
  readonly engine: Engine;
  readonly run: RunArgvInput;
  /** Values the CLI reads from its environment (secrets passed by name). */
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

/** What an engine's creates so far taught. */
interface Learnt {
  /** The spec of the first create: pending while it runs, undefined inside when there is none to use. */
  template?: Promise<SpecTemplate | undefined>;
  /** Creates through the remote client that sent no spec (it failed before). */
  failedCaptures: number;
}

const learntBy = new WeakMap<Engine, Learnt>();
/** After this many, the CLI makes every container of the engine. */
const CAPTURE_ATTEMPTS = 2;

export interface Created {
  readonly created: boolean;
  /** Who made it: the CLI, podman's remote client through the capture, or the service from a spec. */
  readonly by: 'cli' | 'remote-client' | 'spec';
}

export async function createContainer(input: CreateInput): Promise<Created> {
  const { engine } = input;
  const api = engine.name === 'podman' ? await engineApiFor(engine) : undefined;
  if (api?.createFromSpec === undefined) return createByCli(input);
  const call = callOf(input);
  const learnt = learntBy.get(engine) ?? { failedCaptures: 0 };
  learntBy.set(engine, learnt);
  if (learnt.template === undefined) {
    const capture = captureCreate(api, input, call);
    learnt.template = capture.then((captured) => captured.template);
    const { created, clientFailedEarly } = await capture;
    // The client failed before it sent a spec (a pull, its own trouble): the next create tries it
    // again, a few times. This container is left to the step's turn, as any failed create.
    if (clientFailedEarly && (learnt.failedCaptures += 1) < CAPTURE_ATTEMPTS) delete learnt.template;
    return created;
  }
  const template = await learnt.template;
  const spec = template && specFor(template, call);
  if (spec !== undefined) {
    const made = await api.createFromSpec(spec, input.signal);
    if (made === true || input.signal.aborted) return { created: made === true, by: 'spec' };
  }
  return createByCli(input);
}

async function createByCli(input: CreateInput): Promise<Created> {
  const created = await runEngine({ engine: input.engine, args: buildCreateArgv(input.run), env: input.env, signal: input.signal });
  return { created: created.exitCode === 0, by: 'cli' };
}

function callOf(input: CreateInput): CreateCall {
  return {
    input: input.run,
    cliEnv: { ...process.env, ...input.engine.env, ...input.env },
    argv: [input.engine.binary, ...buildCreateArgv(input.run)],
  };
}

let captures = 0;

/**
 * `podman --remote create` through a socket that passes each request on to the service and keeps
 * the create's spec. The spec goes on with the CreateCommand the local CLI would have recorded,
 * so this container is the one `podman create` makes.
 */
async function captureCreate(api: EngineApi, input: CreateInput, call: CreateCall): Promise<{ created: Created; clientFailedEarly: boolean; template?: SpecTemplate }> {
  const socketPath = path.join(path.dirname(api.socketPath), `capture-${(captures += 1)}.sock`);
  let captured: PodmanSpec | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.method === 'POST' && /\/libpod\/containers\/create(\?|$)/.test(request.url ?? '')) {
        captured = asSpec(body, call.argv);
        if (captured !== undefined) body = Buffer.from(JSON.stringify(captured));
      }
      const headers = { ...request.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const upstream = http.request({ socketPath: api.socketPath, method: request.method, path: request.url, headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      upstream.end(body);
    });
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(socketPath, () => resolve(true));
  });
  if (!listening) return { created: await createByCli(input), clientFailedEarly: false };
  try {
    const created = await runEngine({ engine: input.engine, args: ['--remote', '--url', `unix://${socketPath}`, ...buildCreateArgv(input.run)], env: input.env, signal: input.signal });
    const template = captured && templateFrom(captured, call);
    return { created: { created: created.exitCode === 0, by: 'remote-client' }, clientFailedEarly: captured === undefined && created.exitCode !== 0 && !input.signal.aborted, ...(template && { template }) };
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(socketPath, { force: true });
  }
}

function asSpec(body: Buffer, argv: readonly string[]): PodmanSpec | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return { ...(parsed as Record<string, unknown>), containerCreateCommand: [...argv] };
  } catch {
    return undefined;
  }
}
