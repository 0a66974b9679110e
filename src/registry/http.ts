// Registry stage: HTTP to registries with Node's own http/https: the scheme for a host (plain
// HTTP for loopback and registries the user marked insecure), and retries with
// back-off on 429, 5xx and connection errors. Every wait honours the AbortSignal.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from './errors.js';

export interface RetryPolicy {
  /** Attempts after the first one. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Silence (no headers, no body bytes) after which an attempt counts as a connection error. */
  readonly idleTimeoutMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, baseDelayMs: 200, maxDelayMs: 4000, idleTimeoutMs: 30_000 };

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export interface RetryNotice {
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface FetchOptions {
  readonly signal: AbortSignal;
  readonly policy: RetryPolicy;
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** `TASKRUN_INSECURE_REGISTRIES` (comma or space separated) plus `--insecure` hosts. */
export function parseInsecureRegistries(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((host) => host !== '');
}

// Docker talks plain HTTP to loopback registries; everything else needs TLS unless marked insecure.
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

export function schemeFor(host: string, insecureHosts: readonly string[]): 'http' | 'https' {
  const bare = host.replace(/:\d+$/, '');
  return isLoopbackHost(host) || insecureHosts.includes(host) || insecureHosts.includes(bare) ? 'http' : 'https';
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** One request with retries; the response of the last attempt is returned whatever its status. */
export async function fetchWithRetry(request: HttpRequest, options: FetchOptions): Promise<Response> {
  const { signal, policy } = options;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    let reason: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await sendOnce(request, signal, policy.idleTimeoutMs ?? DEFAULT_RETRY_POLICY.idleTimeoutMs!);
      if (!isRetryableStatus(response.status) || attempt > policy.retries) return response;
      reason = `HTTP ${response.status}`;
      retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel();
    } catch (caught) {
      if (signal.aborted) throw signal.reason;
      reason = describeNetworkError(caught);
      if (attempt > policy.retries) {
        throw new RegistryError(`${request.method} ${request.url} failed after ${attempt} attempts: ${reason}`, {
          hint: 'check that the registry is running and reachable (and the host name and port), then run again',
          cause: caught,
        });
      }
    }
    const backoffMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.min(policy.maxDelayMs, retryAfterMs ?? Math.round(backoffMs * (0.75 + Math.random() * 0.5)));
    options.onRetry?.({ attempt, delayMs, reason });
    await sleep(delayMs, undefined, { signal });
  }
}

// Keep-alive agents shared by every client of the process: one connection pool per registry.
const HTTP_AGENT = new HttpAgent({ keepAlive: true, maxSockets: 16 });
const HTTPS_AGENT = new HttpsAgent({ keepAlive: true, maxSockets: 16 });
const MAX_REDIRECTS = 5;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

// node:http rather than fetch: undici's fetch costs several ms per request here, and a
// list create makes two requests per image. The result is a standard Response.
async function sendOnce(request: HttpRequest, signal: AbortSignal, idleTimeoutMs: number, redirects = 0): Promise<Response> {
  const url = new URL(request.url);
  const isHttps = url.protocol === 'https:';
  const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined) headers['content-length'] = String(body.byteLength);
  const incoming = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = (isHttps ? httpsRequest : httpRequest)(url, { method: request.method, headers, agent: isHttps ? HTTPS_AGENT : HTTP_AGENT, signal }, resolve);
    // A registry that accepts the connection but stays silent must not hang the step: retry instead.
    outgoing.setTimeout(idleTimeoutMs, () => outgoing.destroy(Object.assign(new Error(`no answer for ${idleTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const status = incoming.statusCode ?? 0;
  const location = incoming.headers.location;
  // Blob GETs may redirect to storage; the Authorization header is not sent to another origin.
  if ([301, 302, 303, 307, 308].includes(status) && location && redirects < MAX_REDIRECTS) {
    const next = new URL(location, url);
    const nextHeaders = { ...request.headers };
    if (next.origin !== url.origin) delete nextHeaders.authorization;
    const method = status === 303 ? 'GET' : request.method;
    return sendOnce({ method, url: next.toString(), headers: nextHeaders, ...(method !== 'GET' && request.body !== undefined && { body: request.body }) }, signal, idleTimeoutMs, redirects + 1);
  }
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
  }
  const bytes = Buffer.concat(chunks);
  const hasBody = bytes.length > 0 && !NULL_BODY_STATUSES.has(status);
  return new Response(hasBody ? bytes : null, { status, statusText: incoming.statusMessage ?? '', headers: responseHeaders });
}

function parseRetryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `connection reset (ECONNRESET)` rather than undici's bare `fetch failed`. */
export function describeNetworkError(caught: unknown): string {
  const cause = caught instanceof Error && caught.cause instanceof Error ? caught.cause : caught;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  const known: Record<string, string> = {
    ECONNRESET: 'connection reset',
    ECONNREFUSED: 'connection refused',
    ETIMEDOUT: 'connection timed out',
    ENOTFOUND: 'host not found',
    EPIPE: 'connection closed',
    UND_ERR_SOCKET: 'connection closed by the registry',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  };
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code && known[code]) return `${known[code]} (${code})`;
  return code ? `${message} (${code})` : message;
}
