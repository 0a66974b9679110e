// Registry stage: the credentials docker and podman users already have for a registry:
// `auth.json`/`config.json` entries (`auths`), and `credsStore`/`credHelpers` run as
// `docker-credential-<name> get` (server address on stdin, JSON on stdout).

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB_DOMAIN } from './reference.js';
import { RegistryError } from './errors.js';

export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth refresh token (docker's `identitytoken`, a helper's `<token>` user). */
  readonly identityToken?: string;
  /** A bearer token to send as is. */
  readonly registryToken?: string;
  /** Which file or helper they came from, for error messages. */
  readonly source: string;
}

interface AuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

interface AuthFile {
  readonly auths?: Readonly<Record<string, AuthEntry>>;
  readonly credsStore?: string;
  readonly credHelpers?: Readonly<Record<string, string>>;
}

const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** The files searched, in order: podman's REGISTRY_AUTH_FILE, docker's DOCKER_CONFIG, then the default places of both. */
export function authFilePaths(env: NodeJS.ProcessEnv, userHome: string = env.HOME ?? homedir()): string[] {
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) paths.push(env.REGISTRY_AUTH_FILE);
  if (env.DOCKER_CONFIG) paths.push(join(env.DOCKER_CONFIG, 'config.json'));
  if (env.XDG_RUNTIME_DIR) paths.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  paths.push(join(env.XDG_CONFIG_HOME ?? join(userHome, '.config'), 'containers', 'auth.json'));
  if (!env.DOCKER_CONFIG) paths.push(join(userHome, '.docker', 'config.json'));
  return [...new Set(paths)];
}

// Keys as users write them: `host`, `https://host/v1/`, and podman's `host/namespace/repo`.
function normaliseKey(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/v[12]\/?$/, '').replace(/\/$/, '');
}

/** Keys to try for a repository, most specific first (podman allows per-repository entries). */
function candidateKeys(domain: string, repositoryPath: string | undefined): string[] {
  const keys: string[] = [];
  const parts = repositoryPath ? repositoryPath.split('/') : [];
  for (let n = parts.length; n > 0; n--) keys.push(`${domain}/${parts.slice(0, n).join('/')}`);
  keys.push(domain);
  if (domain === DOCKER_HUB_DOMAIN) keys.push('index.docker.io', 'registry-1.docker.io');
  return keys;
}

/** The docker-credential helper's server argument for a registry. */
function helperServer(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_AUTH_KEY : domain;
}

export async function lookupCredentials(options: {
  readonly domain: string;
  readonly repositoryPath?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}): Promise<Credentials | undefined> {
  const keys = candidateKeys(options.domain, options.repositoryPath);
  for (const path of authFilePaths(options.env)) {
    const file = await readAuthFile(path);
    if (!file) continue;
    const helper = findEntry(file.credHelpers, keys) ?? file.credsStore;
    if (helper) {
      const fromHelper = await runCredentialHelper({ helper, server: helperServer(options.domain), env: options.env, signal: options.signal });
      if (fromHelper) return fromHelper;
    }
    const entry = findEntry(file.auths, keys);
    if (entry) {
      const credentials = decodeEntry(entry, path);
      if (credentials) return credentials;
    }
  }
  return undefined;
}

function findEntry<T>(record: Readonly<Record<string, T>> | undefined, keys: readonly string[]): T | undefined {
  if (!record) return undefined;
  const byKey = new Map(Object.entries(record).map(([key, value]) => [normaliseKey(key), value]));
  for (const key of keys) {
    const found = byKey.get(key);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function readAuthFile(path: string): Promise<AuthFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as AuthFile;
  } catch (caught) {
    throw new RegistryError(`cannot read credentials from ${path}: ${(caught as Error).message}`, {
      hint: 'fix the JSON in that file, or point DOCKER_CONFIG / REGISTRY_AUTH_FILE elsewhere',
    });
  }
}

function decodeEntry(entry: AuthEntry, source: string): Credentials | undefined {
  if (entry.registrytoken) return { registryToken: entry.registrytoken, source };
  if (entry.identitytoken) return { identityToken: entry.identitytoken, source };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new RegistryError(`cannot read credentials from ${source}: "auth" is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password, source };
  return undefined;
}

export async function runCredentialHelper(options: {
  readonly helper: string;
  readonly server: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}): Promise<Credentials | undefined> {
  const program = `docker-credential-${options.helper}`;
  // Loaded on demand: most registries need no credential helper, and execa is slow to load.
  const { execa } = await import('execa');
  const result = await execa(program, ['get'], {
    input: options.server,
    env: options.env,
    extendEnv: false,
    reject: false,
    cancelSignal: options.signal,
    stripFinalNewline: true,
  });
  if (result.failed) {
    const output = `${result.stdout}${result.stderr}`;
    if (/credentials not found/i.test(output)) return undefined;
    const why = result.exitCode === undefined ? (result.originalMessage ?? 'could not start') : `exited with code ${result.exitCode}: ${output.trim()}`;
    throw new RegistryError(`credential helper ${program} failed for ${options.server}: ${why}`, {
      hint: `check that ${program} is on PATH and works (\`echo ${options.server} | ${program} get\`)`,
    });
  }
  const parsed = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
  const source = `credential helper ${program}`;
  if (parsed.Username === '<token>') return { identityToken: parsed.Secret ?? '', source };
  return { username: parsed.Username ?? '', password: parsed.Secret ?? '', source };
}
