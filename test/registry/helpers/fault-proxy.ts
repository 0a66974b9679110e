// Test support: an HTTP proxy in front of a registry that injects faults: answers
// 500, or resets the connection, for the requests a policy picks.

import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

export type Fault = 'pass' | 'http-500' | 'reset';

export interface FaultProxy {
  readonly host: string;
  /** Number of requests seen, and of faults injected. */
  readonly counts: { requests: number; faults: number };
  setPolicy(policy: (requestNumber: number, method: string, path: string) => Fault): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(upstreamHost: string): Promise<FaultProxy> {
  let policy: (requestNumber: number, method: string, path: string) => Fault = () => 'pass';
  const counts = { requests: 0, faults: 0 };
  const sockets = new Set<Socket>();
  const [upstreamName, upstreamPort] = upstreamHost.split(':');
  const server: Server = createServer((req, res) => {
    counts.requests++;
    const fault = policy(counts.requests, req.method ?? 'GET', req.url ?? '/');
    if (fault !== 'pass') counts.faults++;
    if (fault === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'http-500') {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"injected fault"}]}');
      return;
    }
    const upstream = request(
      { host: upstreamName, port: Number(upstreamPort), method: req.method, path: req.url, headers: req.headers },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
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
