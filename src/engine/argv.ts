// Stage 5, execute: pure builders of engine argv (everything after the binary).
// Flag order follows acb's `docker run` template (acb-spec §4.2) where it applies.

import type { EngineName } from './engine.js';

export interface VolumeBinding {
  /** `bind`: source is a host path; `volume`: source is a named volume. */
  readonly kind: 'bind' | 'volume';
  readonly source: string;
  readonly target: string;
}

/** docker reads `--mount` as one CSV record: a field holding `,` or `"` is quoted, `"` doubled. */
function csvField(field: string): string {
  return /[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

// A host path may hold `:` (which splits `--volume SRC:DST`), so bind mounts use `--mount`.
export function buildVolumeArgs(volume: VolumeBinding): string[] {
  if (volume.kind === 'volume') return ['--volume', `${volume.source}:${volume.target}`];
  return ['--mount', ['type=bind', `source=${volume.source}`, `target=${volume.target}`].map(csvField).join(',')];
}

export interface RunArgvInput {
  readonly image: string;
  readonly args: readonly string[];
  readonly containerName: string;
  readonly remove: boolean;
  readonly detach: boolean;
  readonly ports: readonly string[];
  readonly expose: readonly string[];
  readonly privileged: boolean;
  readonly user?: string;
  readonly network?: string;
  readonly networkAlias?: string;
  readonly isolation?: string;
  readonly cpus?: string;
  readonly entryPoint?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly volumes: readonly VolumeBinding[];
  /** `KEY=value` items, in order: a later item wins. */
  readonly env: readonly string[];
  readonly workdir?: string;
}

export function buildRunArgv(input: RunArgvInput): string[] {
  const argv = ['run'];
  if (input.remove) argv.push('--rm');
  if (input.detach) argv.push('--detach');
  return [...argv, ...containerFlags(input)];
}

/**
 * `create`: the same container `run` would start, made ahead of its turn; never `--rm` (taskrun
 * removes it after it exits, off the critical path) and never `--detach` (a `start` decides).
 */
export function buildCreateArgv(input: RunArgvInput): string[] {
  return ['create', ...containerFlags(input)];
}

/** podman only: sets a created container up (mounts, network) without starting its command. */
export function buildInitArgv(input: { containerName: string }): string[] {
  return ['init', input.containerName];
}

/** Starts a created container with its output and exit code, as `run` in the foreground gives them. */
export function buildStartAttachedArgv(input: { containerName: string }): string[] {
  return ['start', '--attach', input.containerName];
}

/** A container's state (`created`, `initialized`, `running`, `exited`, …) on stdout. */
export function buildInspectStatusArgv(input: { containerName: string }): string[] {
  return ['container', 'inspect', '--format', '{{.State.Status}}', input.containerName];
}

function containerFlags(input: RunArgvInput): string[] {
  const argv: string[] = [];
  for (const port of input.ports) argv.push('-p', port);
  for (const port of input.expose) argv.push('--expose', port);
  if (input.privileged) argv.push('--privileged');
  if (input.user !== undefined) argv.push('--user', input.user);
  if (input.network !== undefined) argv.push('--network', input.network);
  if (input.networkAlias !== undefined) argv.push('--network-alias', input.networkAlias);
  if (input.isolation !== undefined) argv.push('--isolation', input.isolation);
  if (input.cpus !== undefined) argv.push('--cpus', input.cpus);
  if (input.entryPoint !== undefined) argv.push('--entrypoint', input.entryPoint);
  argv.push('--name', input.containerName);
  for (const [key, value] of Object.entries(input.labels)) argv.push('--label', `${key}=${value}`);
  for (const volume of input.volumes) argv.push(...buildVolumeArgs(volume));
  for (const item of input.env) argv.push('--env', item);
  if (input.workdir !== undefined) argv.push('--workdir', input.workdir);
  argv.push(input.image, ...input.args);
  return argv;
}

export function buildBuildArgv(input: { args: readonly string[] }): string[] {
  return ['build', ...input.args];
}

// podman writes the pushed manifest's digest to a file; docker prints it (`digest: sha256:…`).
export function buildPushArgv(input: { engine: EngineName; image: string; digestFile?: string }): string[] {
  if (input.engine === 'podman' && input.digestFile !== undefined) return ['push', '--digestfile', input.digestFile, input.image];
  return ['push', input.image];
}

export function buildPullArgv(input: { image: string }): string[] {
  return ['pull', input.image];
}

export function buildNetworkCreateArgv(input: {
  name: string;
  driver?: string;
  ipv6?: boolean;
  labels?: Readonly<Record<string, string>>;
}): string[] {
  const argv = ['network', 'create'];
  if (input.ipv6) argv.push('--ipv6');
  if (input.driver !== undefined) argv.push('--driver', input.driver);
  for (const [key, value] of Object.entries(input.labels ?? {})) argv.push('--label', `${key}=${value}`);
  argv.push(input.name);
  return argv;
}

export function buildNetworkRemoveArgv(input: { names: readonly string[] }): string[] {
  return ['network', 'rm', ...input.names];
}

export function buildVolumeCreateArgv(input: { name: string; labels?: Readonly<Record<string, string>> }): string[] {
  const argv = ['volume', 'create'];
  for (const [key, value] of Object.entries(input.labels ?? {})) argv.push('--label', `${key}=${value}`);
  argv.push(input.name);
  return argv;
}

export function buildVolumeRemoveArgv(input: { names: readonly string[] }): string[] {
  return ['volume', 'rm', '--force', ...input.names];
}

// podman's `rm -f` waits the stop timeout (10 s) for a container that ignores SIGTERM; `-t 0` kills at once.
export function buildRemoveContainersArgv(input: { engine: EngineName; names: readonly string[] }): string[] {
  return input.engine === 'podman' ? ['rm', '--force', '--ignore', '--time', '0', ...input.names] : ['rm', '--force', ...input.names];
}

/** How a labelled listing prints each object: its id or name, then the value of each of `labelKeys`, tab-separated. */
export interface ListColumns {
  readonly labelKeys: readonly string[];
  readonly engine: EngineName;
}

const labelFilters = (labels: readonly string[]) => labels.flatMap((label) => ['--filter', `label=${label}`]);

// The docker CLI reads a label with `.Label "key"`; podman's CLI has no such method and nests network labels.
function listFormat(field: string, columns: ListColumns, podmanLabels: string): string {
  const values = columns.labelKeys.map((key) => (columns.engine === 'podman' ? `{{index ${podmanLabels} ${JSON.stringify(key)}}}` : `{{.Label ${JSON.stringify(key)}}}`));
  return [field, ...values].join('\t');
}

/**
 * Every container (running or not) carrying `labels` (`key=value`). Podman ORs label filters on
 * volumes (its CLI and its Docker API): with `columns`, callers check the values themselves.
 */
export function buildListContainersArgv(input: { labels: readonly string[]; columns?: ListColumns }): string[] {
  return input.columns === undefined
    ? ['ps', '--all', '--quiet', ...labelFilters(input.labels)]
    : ['ps', '--all', ...labelFilters(input.labels), '--format', listFormat('{{.ID}}', input.columns, '.Labels')];
}

export function buildListNetworksArgv(input: { labels: readonly string[]; columns?: ListColumns }): string[] {
  return ['network', 'ls', ...labelFilters(input.labels), '--format', input.columns === undefined ? '{{.Name}}' : listFormat('{{.Name}}', input.columns, '.Network.Labels')];
}

export function buildListVolumesArgv(input: { labels: readonly string[]; columns?: ListColumns }): string[] {
  return ['volume', 'ls', ...labelFilters(input.labels), '--format', input.columns === undefined ? '{{.Name}}' : listFormat('{{.Name}}', input.columns, '.Labels')];
}

/**
 * A helper container that runs `tar` over a volume: `extract` reads a tar stream on stdin into it,
 * `create` writes one of its files to stdout. No network: it needs none.
 */
export function buildVolumeTarArgv(input: {
  direction: 'extract' | 'create';
  image: string;
  volume: string;
  containerName: string;
  labels: Readonly<Record<string, string>>;
  remove: boolean;
}): string[] {
  const mountPoint = '/workspace';
  const argv = ['run'];
  if (input.direction === 'extract') argv.push('--interactive');
  if (input.remove) argv.push('--rm');
  argv.push('--network', 'none', '--name', input.containerName);
  for (const [key, value] of Object.entries(input.labels)) argv.push('--label', `${key}=${value}`);
  argv.push('--volume', `${input.volume}:${mountPoint}${input.direction === 'create' ? ':ro' : ''}`, input.image);
  argv.push(...(input.direction === 'extract' ? ['tar', '-x', '-C', mountPoint] : ['tar', '-c', '-C', mountPoint, '.']));
  return argv;
}

/** podman only, local only (podman-remote has neither): a volume's files from or to a tar stream, no container. */
export function buildVolumeImportArgv(input: { volume: string }): string[] {
  return ['volume', 'import', input.volume, '-'];
}

export function buildVolumeExportArgv(input: { volume: string; file: string }): string[] {
  return ['volume', 'export', '--output', input.file, input.volume];
}
