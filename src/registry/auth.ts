// Registry stage: answering a registry's `WWW-Authenticate` challenge: Basic with the
// user's credentials, or the Bearer token flow (GET realm?service=…&scope=…), with
// tokens cached per host and scope for the run.

import { RegistryError } from './errors.js';
import { fetchWithRetry, type FetchOptions } from './http.js';
import { lookupCredentials, type Credentials } from './credentials.js';

export interface Challenge {
  readonly scheme: 'basic' | 'bearer';
  readonly params: Readonly<Record<string, string>>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (and `Basic realm="…"`). */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  const pattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/g;
  for (const param of match[2]!.matchAll(pattern)) {
    params[param[1]!.toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
  }
  return { scheme, params };
}

export function repositoryScope(path: string, actions: 'pull' | 'pull,push'): string {
  return `repository:${path}:${actions}`;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

export interface AuthContext {
  readonly env: NodeJS.ProcessEnv;
  readonly fetchOptions: FetchOptions;
  /** Clock in ms; injectable for tests. */
  readonly now?: () => number;
}

/** Per-run authentication state: one per registry client. */
export class RegistryAuth {
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private readonly credentials = new Map<string, Promise<Credentials | undefined>>();
  private readonly context: AuthContext;

  constructor(context: AuthContext) {
    this.context = context;
  }

  /** The Authorization header to send up front, if the host has challenged before. */
  async authorizationFor(options: { host: string; domain: string; repositoryPath: string; scopes: readonly string[] }): Promise<string | undefined> {
    const challenge = this.challenges.get(options.host);
    if (!challenge) return undefined;
    return this.answer({ ...options, challenge });
  }

  /** Remembers the challenge of a 401 and returns the header to retry with (undefined: nothing to offer). */
  async answerChallenge(options: {
    host: string;
    domain: string;
    repositoryPath: string;
    scopes: readonly string[];
    header: string | null;
    /** The Authorization the refused request carried, if any. */
    sent: string | undefined;
  }): Promise<string | undefined> {
    const challenge = options.header ? parseChallenge(options.header) : undefined;
    if (!challenge) return undefined;
    this.challenges.set(options.host, challenge);
    const scopes = [...new Set([...options.scopes, ...(challenge.params.scope ?? '').split(' ').filter((s) => s !== '')])];
    // A token sent for these scopes was refused: fetch a fresh one. (Requests sent before
    // the first challenge carried none; they share the token being fetched.)
    if (options.sent !== undefined) this.tokens.delete(tokenKey(options.host, scopes));
    return this.answer({ ...options, scopes, challenge });
  }

  private async answer(options: { host: string; domain: string; repositoryPath: string; scopes: readonly string[]; challenge: Challenge }): Promise<string | undefined> {
    const credentials = await this.credentialsFor(options.domain, options.repositoryPath);
    if (options.challenge.scheme === 'basic') {
      if (!credentials || credentials.username === undefined) return undefined;
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
    }
    if (credentials?.registryToken) return `Bearer ${credentials.registryToken}`;
    const key = tokenKey(options.host, options.scopes);
    const now = this.context.now ?? Date.now;
    let pending = this.tokens.get(key);
    const cached = pending ? await pending.catch(() => undefined) : undefined;
    if (!cached || cached.expiresAt <= now()) {
      pending = this.fetchToken({ challenge: options.challenge, scopes: options.scopes, credentials, now });
      this.tokens.set(key, pending);
      pending.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${(await pending!).token}`;
  }

  private credentialsFor(domain: string, repositoryPath: string): Promise<Credentials | undefined> {
    const key = `${domain}/${repositoryPath}`;
    let found = this.credentials.get(key);
    if (!found) {
      found = lookupCredentials({ domain, repositoryPath, env: this.context.env, signal: this.context.fetchOptions.signal });
      this.credentials.set(key, found);
    }
    return found;
  }

  private async fetchToken(options: { challenge: Challenge; scopes: readonly string[]; credentials: Credentials | undefined; now: () => number }): Promise<CachedToken> {
    const { realm, service } = options.challenge.params;
    if (!realm) throw new RegistryError('the registry asked for a Bearer token but named no realm to get it from');
    const url = new URL(realm);
    const { credentials } = options;
    let response: Response;
    if (credentials?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'taskrun' });
      if (service) form.set('service', service);
      if (options.scopes.length > 0) form.set('scope', options.scopes.join(' '));
      response = await fetchWithRetry(
        { method: 'POST', url: url.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
        this.context.fetchOptions,
      );
    } else {
      if (service) url.searchParams.set('service', service);
      for (const scope of options.scopes) url.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      if (credentials?.username !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
      }
      response = await fetchWithRetry({ method: 'GET', url: url.toString(), headers }, this.context.fetchOptions);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new RegistryError(`the token server ${url.origin}${url.pathname} refused a token for ${options.scopes.join(' ')}: HTTP ${response.status}${text ? ` ${text.trim().slice(0, 200)}` : ''}`, {
        status: response.status,
        hint: credentials
          ? `check the credentials for this registry (from ${credentials.source})`
          : 'log in first (`docker login HOST` or `podman login HOST`) so taskrun can use those credentials',
      });
    }
    const body = (await response.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`the token server ${url.origin}${url.pathname} answered without a token`);
    const lifetimeSeconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    // Renew a little early so a token never expires between sending and checking.
    return { token, expiresAt: options.now() + Math.max(1, lifetimeSeconds - 10) * 1000 };
  }
}

function tokenKey(host: string, scopes: readonly string[]): string {
  return `${host} ${[...scopes].sort().join(' ')}`;
}
