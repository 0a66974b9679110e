// Test support: an HTTP proxy in front of a registry that breaks answers the ways real networks
// and registries do, for the requests a policy picks: 500s, connection resets, truncated bodies,
// wrong digests, slow answers, and a 401 Bearer challenge with its own token endpoint.

import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault = 'pass' | 'http-500' | 'reset' | 'truncated-body' | 'wrong-digest' | 'slow' | 'bearer';

/** Which fault the n-th request (from 1, token requests excluded) gets. */
export type FaultPolicy = (requestNumber: number, method: string, path: string) => Fault;

export const SLOW_ANSWER_MS = 1_500;
const TOKEN = 'fault-proxy-token';
const WRONG_DIGEST = `sha256:${'0'.repeat(64)}`;

export interface FaultProxy {
  readonly host: string;
  /** Number of requests seen (token requests excluded), and of faults injected. */
  readonly counts: { requests: number; faults: number };
  setPolicy(policy: FaultPolicy): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(upstreamHost: string): Promise<FaultProxy> {
  let policy: FaultPolicy = () => 'pass';
  const counts = { requests: 0, faults: 0 };
  const sockets = new Set<Socket>();
  const [upstreamName = '127.0.0.1', upstreamPort = '5000'] = upstreamHost.split(':');
  let host = '';

  const forward = (req: IncomingMessage, res: ServerResponse, change: (headers: Record<string, string | string[] | undefined>) => void = () => undefined, truncate = false) => {
    const headers = { ...req.headers };
    delete headers.authorization;
    const upstream = request({ host: upstreamName, port: Number(upstreamPort), method: req.method, path: req.url, headers }, (answer) => {
      const answerHeaders = { ...answer.headers };
      change(answerHeaders);
      res.writeHead(answer.statusCode ?? 502, answerHeaders);
      if (!truncate) return void answer.pipe(res);
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        // Half the promised body, then the connection drops.
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN, access_token: TOKEN, expires_in: 300 }));
      return;
    }
    counts.requests++;
    const fault = policy(counts.requests, req.method ?? 'GET', req.url ?? '/');
    if (fault !== 'pass') counts.faults++;
    switch (fault) {
      case 'pass':
        return forward(req, res);
      case 'reset':
        return void req.socket.resetAndDestroy();
      case 'http-500':
        req.resume();
        return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"injected fault"}]}');
      case 'truncated-body':
        return forward(req, res, () => undefined, true);
      case 'wrong-digest':
        return forward(req, res, (headers) => {
          if (headers['docker-content-digest']) headers['docker-content-digest'] = WRONG_DIGEST;
        });
      case 'slow':
        return void setTimeout(() => forward(req, res), SLOW_ANSWER_MS);
      case 'bearer':
        if (req.headers.authorization === `Bearer ${TOKEN}`) return forward(req, res);
        req.resume();
        return void res
          .writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="fault-proxy",scope="repository:busybox:pull"`, 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    host,
    counts,
    setPolicy(next) {
      policy = next;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
