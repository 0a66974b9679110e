// Stage 5, execute: engine commands with the engine's binary and environment, plus the
// removals every cleanup path needs.

import { buildListContainersArgv, buildListNetworksArgv, buildListVolumesArgv, buildRemoveContainersArgv } from './argv.js';
import type { Engine } from './engine.js';
import { engineApiIfCheap } from './engine-api.js';
import { runProcess } from './process.js';
import type { ExecResult, OutputStream } from './process.js';

/** Cleanup commands get their own deadline: they must run even after the run's signal aborted. */
export const CLEANUP_TIMEOUT_MS = 30_000;

export function runEngine(input: {
  engine: Engine;
  args: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  timeoutMs?: number;
  onLine?: (line: string, stream: OutputStream) => void;
}): Promise<ExecResult> {
  return runProcess({
    file: input.engine.binary,
    args: input.args,
    env: { ...input.engine.env, ...input.env },
    ...(input.cwd !== undefined && { cwd: input.cwd }),
    ...(input.signal && { signal: input.signal }),
    ...(input.timeoutMs !== undefined && { timeoutMs: input.timeoutMs }),
    ...(input.onLine && { onLine: input.onLine }),
  });
}

/** `rm --force` of the containers, by the engine's API where it has one; resolves true once every one is gone. */
export async function removeContainers(input: { engine: Engine; names: readonly string[] }): Promise<boolean> {
  if (input.names.length === 0) return true;
  const api = await engineApiIfCheap(input.engine);
  const left = api ? await api.removeContainers(input.names) : undefined;
  if (left?.length === 0) return true;
  const removed = await runEngine({
    engine: input.engine,
    args: buildRemoveContainersArgv({ engine: input.engine.name, names: left ?? input.names }),
    timeoutMs: CLEANUP_TIMEOUT_MS,
  });
  return removed.exitCode === 0;
}

export type LabelledKind = 'container' | 'network' | 'volume';

const LIST_ARGV: Readonly<Record<LabelledKind, typeof buildListContainersArgv>> = {
  container: buildListContainersArgv,
  network: buildListNetworksArgv,
  volume: buildListVolumesArgv,
};

export interface LabelledObject {
  readonly kind: LabelledKind;
  /** Container id, network or volume name. */
  readonly name: string;
  /** The values of the labels asked for; absent when the object lacks one. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Containers, networks or volumes carrying every one of `labels` (`key=value`), with the values of
 * those labels and of `alsoRead`. Undefined when the engine did not answer. Each object's values
 * are checked here: podman ORs label filters on volumes.
 */
export async function listLabelledObjects(input: {
  engine: Engine;
  kind: LabelledKind;
  labels: readonly string[];
  alsoRead?: readonly string[];
  signal?: AbortSignal;
}): Promise<LabelledObject[] | undefined> {
  const { engine, kind } = input;
  const wanted = input.labels.map((label) => {
    const at = label.indexOf('=');
    return { key: label.slice(0, at), value: label.slice(at + 1) };
  });
  const labelKeys = [...new Set([...wanted.map((label) => label.key), ...(input.alsoRead ?? [])])];
  const args = LIST_ARGV[kind]({ labels: input.labels, columns: { labelKeys, engine: engine.name } });
  const lines = await listLines({ engine, args, ...(input.signal && { signal: input.signal }) });
  return lines
    ?.map((line) => {
      const [name = '', ...values] = line.split('\t');
      // podman prints `<no value>` for a label the object lacks.
      const labels = Object.fromEntries(labelKeys.flatMap((key, index) => (values[index] === undefined || values[index] === '<no value>' ? [] : [[key, values[index]]])));
      return { kind, name, labels };
    })
    .filter((object) => wanted.every((label) => object.labels[label.key] === label.value));
}

/** Ids (containers) or names (networks, volumes) of the objects carrying every one of `labels`; none when the engine cannot list them. */
export async function listLabelled(input: { engine: Engine; kind: LabelledKind; labels: readonly string[] }): Promise<string[]> {
  return ((await listLabelledObjects(input)) ?? []).map((object) => object.name);
}

async function listLines(input: { engine: Engine; args: readonly string[]; signal?: AbortSignal }): Promise<string[] | undefined> {
  const found: string[] = [];
  const result = await runEngine({
    engine: input.engine,
    args: input.args,
    timeoutMs: CLEANUP_TIMEOUT_MS,
    ...(input.signal && { signal: input.signal }),
    onLine: (line, stream) => {
      if (stream === 'stdout' && line.trim() !== '') found.push(line.trim());
    },
  });
  return result.exitCode === 0 ? found : undefined;
}
