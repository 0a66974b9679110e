import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { freePort, requireLabRegistry } from './helpers/registry-process.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { pushImage, uniqueName } from './helpers/images.js';
import { createManifestRunner } from './helpers/manifest-io.js';
import { fetchWithRetry, isLoopbackHost, parseInsecureRegistries, schemeFor } from '../../src/registry/http.js';

describe('schemeFor', () => {
  it('uses plain HTTP for loopback hosts and registries marked insecure, TLS otherwise', () => {
    expect(['localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(schemeFor('registry.example:5000', [])).toBe('https');
    expect(schemeFor('registry.example:5000', parseInsecureRegistries('other.example, registry.example:5000'))).toBe('http');
    expect(schemeFor('registry.example:5000', ['registry.example'])).toBe('http');
    expect(schemeFor('128.0.0.1:5000', [])).toBe('https');
  });
});

describe('faults between taskrun and the registry', () => {
  let proxy: FaultProxy;
  let repo: string;
  beforeAll(async () => {
    const lab = await requireLabRegistry();
    proxy = await startFaultProxy(lab);
    repo = uniqueName('faults');
    await Promise.all(
      ['amd64', 'arm64'].map((architecture) => pushImage({ baseUrl: `http://${lab}`, repo }, { platform: { os: 'linux', architecture }, tag: architecture })),
    );
  });
  afterAll(() => proxy.stop());

  it('retries 500s and connection resets, and succeeds', async () => {
    const runner = await createManifestRunner();
    const list = `${proxy.host}/${repo}:retried`;
    // Each distinct request first gets a 500, then a connection reset, then goes through.
    const seen = new Map<string, number>();
    proxy.setPolicy((_, method, path) => {
      const attempt = (seen.get(`${method} ${path}`) ?? 0) + 1;
      seen.set(`${method} ${path}`, attempt);
      return attempt === 1 ? 'http-500' : attempt === 2 ? 'reset' : 'pass';
    });
    const create = await runner.run(['create', list, `${proxy.host}/${repo}:amd64`, `${proxy.host}/${repo}:arm64`]);
    const push = await runner.run(['push', list]);
    proxy.setPolicy(() => 'pass');
    expect(create.exitCode).toBe(0);
    expect(push.exitCode).toBe(0);
    expect(proxy.counts.faults).toBe(2 * seen.size);
    const base = `http://${proxy.host}/v2/${repo}`;
    const notices = `${create.stderr}${push.stderr}`
      .trimEnd()
      .split('\n')
      .filter((line) => line.includes('retrying'))
      .map((line) => line.replace(/retrying in \d+ ms/, 'retrying in N ms').replace(/sha256:[a-f0-9]{64}/, 'BLOB'));
    const expected = ['manifests/amd64', 'manifests/arm64', 'blobs/BLOB', 'blobs/BLOB', 'manifests/retried'].flatMap((path) => [
      `taskrun: HTTP 500 from ${base}/${path}; retrying in N ms (attempt 2)`,
      `taskrun: connection reset (ECONNRESET) from ${base}/${path}; retrying in N ms (attempt 3)`,
    ]);
    expect(notices.sort()).toEqual(expected.sort());
    const pushed = await fetch(`http://${proxy.host}/v2/${repo}/manifests/retried`, { headers: { accept: 'application/vnd.docker.distribution.manifest.list.v2+json' } });
    expect(pushed.status).toBe(200);
  });

  it('a permanent fault fails the command with a clear error after the retries', async () => {
    const runner = await createManifestRunner();
    const list = `${proxy.host}/${repo}:broken`;
    expect((await runner.run(['create', list, `${proxy.host}/${repo}:amd64`])).exitCode).toBe(0);
    proxy.setPolicy((_, method) => (method === 'PUT' ? 'http-500' : 'pass'));
    const push = await runner.run(['push', list]);
    proxy.setPolicy(() => 'pass');
    expect(push.exitCode).toBe(1);
    const lines = push.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 3).map((line) => line.replace(/retrying in \d+ ms/, 'retrying in N ms'))).toEqual([1, 2, 3].map(
      (attempt) => `taskrun: HTTP 500 from http://${proxy.host}/v2/${repo}/manifests/broken; retrying in N ms (attempt ${attempt + 1})`,
    ));
    expect(lines[3]).toBe(`cannot push the manifest to ${list}: the registry answered HTTP 500 (UNKNOWN injected fault)`);
  });

  it('an unreachable registry fails after the retries, naming the host and the cause', async () => {
    const runner = await createManifestRunner();
    const port = await freePort();
    const result = await runner.run(['inspect', `127.0.0.1:${port}/nothing:here`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      `GET http://127.0.0.1:${port}/v2/nothing/manifests/here failed after 4 attempts: connection refused (ECONNREFUSED)`,
      'hint: check that the registry is running and reachable (and the host name and port), then run again',
    ]);
  });
});

describe('a registry that accepts the connection and says nothing', () => {
  it('counts the silence as a failed attempt and retries, instead of hanging', async () => {
    const server = net.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const started = Date.now();
    try {
      await expect(
        fetchWithRetry(
          { method: 'GET', url: `http://127.0.0.1:${port}/v2/`, headers: {} },
          { signal: new AbortController().signal, policy: { retries: 1, baseDelayMs: 10, maxDelayMs: 10, idleTimeoutMs: 200 } },
        ),
      ).rejects.toThrow(`GET http://127.0.0.1:${port}/v2/ failed after 2 attempts: connection timed out (ETIMEDOUT)`);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      server.close();
    }
  });
});

