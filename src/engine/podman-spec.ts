// Stage 5, execute: podman's container spec (libpod's SpecGenerator, as JSON) for a `create`,
// without a CLI process. podman's CLI turns its flags into this spec, filling in defaults from
// containers.conf, and hands it to libpod; its remote client sends it to the service as JSON.
// taskrun learns those defaults from one real `create` of the run (podman-create.ts) and fills in
// the parts that change from container to container: the flags taskrun itself writes
// (argv.ts). Only flags whose spec is a plain copy of their value are covered; a container with
// any other flag, or a spec that does not come out as the CLI's, is made by the CLI.

import path from 'node:path';
import type { RunArgvInput } from './argv.js';

export type PodmanSpec = Readonly<Record<string, unknown>>;

/** The spec keys that depend on one container's flags; every other key is podman's default. */
const OWN_KEYS = ['name', 'entrypoint', 'command', 'env', 'labels', 'mounts', 'volumes', 'work_dir', 'user', 'Networks', 'image', 'raw_image_name', 'containerCreateCommand'] as const;

/** The defaults of one real `create`, and which flags it had: a spec from them is made only for containers with the same. */
export interface SpecTemplate {
  readonly defaults: PodmanSpec;
  readonly shape: string;
}

/** What the CLI's environment holds (`--env KEY` takes its value from there) and its argv. */
export interface CreateCall {
  readonly input: RunArgvInput;
  /** The environment of the CLI process that would run this `create`. */
  readonly cliEnv: Readonly<Record<string, string | undefined>>;
  /** `[binary, 'create', …]`: podman keeps it as the container's CreateCommand. */
  readonly argv: readonly string[];
}

// An image name that names a transport (`docker-archive:…`) is resolved by the CLI to an image ID first.
const TRANSPORTS = new Set(['containers-storage', 'dir', 'docker', 'docker-archive', 'docker-daemon', 'oci', 'oci-archive', 'sif', 'tarball']);

/** Made from the create of a real container: undefined when that create cannot serve as a template. */
export function templateFrom(captured: PodmanSpec, call: CreateCall): SpecTemplate | undefined {
  const own = ownFields(call);
  if (own === undefined) return undefined;
  // The spec taskrun would send must be the one the CLI sent: otherwise podman maps a flag in a way this file does not know.
  for (const key of OWN_KEYS) if (canonicalField(key, captured[key]) !== canonicalField(key, own[key])) return undefined;
  const defaults: Record<string, unknown> = { ...captured };
  for (const key of OWN_KEYS) delete defaults[key];
  return { defaults, shape: shapeOf(call.input) };
}

/** The spec the CLI would send for this create; undefined when only the CLI can tell. */
export function specFor(template: SpecTemplate, call: CreateCall): PodmanSpec | undefined {
  if (shapeOf(call.input) !== template.shape) return undefined;
  const own = ownFields(call);
  return own && { ...template.defaults, ...own };
}

/** Which flags a create has (values aside): podman's defaults for one shape may differ from another's. */
function shapeOf(input: RunArgvInput): string {
  return JSON.stringify([
    input.entryPoint !== undefined,
    input.args.length > 0,
    input.user !== undefined,
    input.workdir !== undefined,
    input.volumes.some((volume) => volume.kind === 'bind'),
    input.volumes.some((volume) => volume.kind === 'volume'),
    input.network ?? null,
    input.networkAlias !== undefined,
  ]);
}

function ownFields(call: CreateCall): Record<string, unknown> | undefined {
  const { input } = call;
  if (input.ports.length > 0 || input.expose.length > 0 || input.privileged || input.cpus !== undefined || input.isolation !== undefined) return undefined;
  if (input.entryPoint !== undefined && (input.entryPoint === '' || input.entryPoint.trimStart().startsWith('['))) return undefined;
  if (isTransportName(input.image)) return undefined;
  const env = envOf(input.env, call.cliEnv);
  if (env === undefined) return undefined;
  const binds = input.volumes.filter((volume) => volume.kind === 'bind');
  const named = input.volumes.filter((volume) => volume.kind === 'volume');
  if (!binds.every((bind) => isPlainPath(bind.source) && isPlainPath(bind.target))) return undefined;
  if (!named.every((volume) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(volume.source) && isPlainPath(volume.target))) return undefined;
  const fields: Record<string, unknown> = {
    name: input.containerName,
    env,
    labels: { ...input.labels },
    image: input.image,
    raw_image_name: input.image,
    containerCreateCommand: [...call.argv],
  };
  if (input.entryPoint !== undefined) fields.entrypoint = [input.entryPoint];
  if (input.args.length > 0) fields.command = [...input.args];
  if (binds.length > 0) fields.mounts = binds.map((bind) => ({ destination: bind.target, type: 'bind', source: bind.source }));
  if (named.length > 0) fields.volumes = named.map((volume) => ({ Name: volume.source, Dest: volume.target, Options: null, IsAnonymous: false }));
  if (input.workdir !== undefined) fields.work_dir = input.workdir;
  if (input.user !== undefined) fields.user = input.user;
  if (input.network !== undefined) {
    fields.Networks = { [input.network]: { ...(input.networkAlias !== undefined && { aliases: [input.networkAlias] }), interface_name: '' } };
  }
  return fields;
}

function isTransportName(image: string): boolean {
  const colon = image.indexOf(':');
  return colon > 0 && TRANSPORTS.has(image.slice(0, colon));
}

// podman splits `--mount` at every comma and cleans paths; a path it would change goes to the CLI.
function isPlainPath(value: string): boolean {
  return path.posix.isAbsolute(value) && path.posix.normalize(value) === value && (value === '/' || !value.endsWith('/')) && !/[,"\s]/.test(value);
}

/**
 * `--env` items as podman reads them: `KEY=value`, a later one wins; `KEY` alone takes the CLI's
 * own value, or nothing. Wildcards (`KEY*`) and keys podman rejects are the CLI's to handle.
 */
function envOf(items: readonly string[], cliEnv: CreateCall['cliEnv']): Record<string, string> | undefined {
  const env: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    const key = at < 0 ? item : item.slice(0, at);
    if (key === '' || /[\s*]/.test(key)) return undefined;
    if (at >= 0) env[key] = item.slice(at + 1);
    else if (cliEnv[key] !== undefined) env[key] = cliEnv[key];
  }
  return env;
}

/** podman collects mounts in a map by destination: their order in its spec is Go's map order, any order. */
const UNORDERED_KEYS: ReadonlySet<string> = new Set(['mounts', 'volumes']);

function canonicalField(key: string, value: unknown): string {
  return UNORDERED_KEYS.has(key) && Array.isArray(value) ? canonical(value.map(canonical).sort()) : canonical(value);
}

/** JSON with object keys sorted: Go writes maps in key order, taskrun in insertion order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  ) ?? 'undefined';
}
