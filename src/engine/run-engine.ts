// Stage 5, execute: engine commands with the engine's binary and environment, plus the
// removals every cleanup path needs.

import { buildListContainersArgv, buildListNetworksArgv, buildListVolumesArgv, buildRemoveContainersArgv } from './argv.js';
import type { Engine } from './engine.js';
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

export async function removeContainers(input: { engine: Engine; names: readonly string[] }): Promise<ExecResult | undefined> {
  if (input.names.length === 0) return undefined;
  return runEngine({
    engine: input.engine,
    args: buildRemoveContainersArgv({ engine: input.engine.name, names: input.names }),
    timeoutMs: CLEANUP_TIMEOUT_MS,
  });
}

export type LabelledKind = 'container' | 'network' | 'volume';

const LIST_ARGV: Readonly<Record<LabelledKind, typeof buildListContainersArgv>> = {
  container: buildListContainersArgv,
  network: buildListNetworksArgv,
  volume: buildListVolumesArgv,
};

/** Containers (ids), networks or volumes (names) carrying every one of `labels` (`key=value`); none when the engine cannot list them. */
export async function listLabelled(input: { engine: Engine; kind: LabelledKind; labels: readonly string[] }): Promise<string[]> {
  return (await listLines({ engine: input.engine, args: LIST_ARGV[input.kind]({ labels: input.labels }) })) ?? [];
}

export interface LabelledObject {
  readonly kind: LabelledKind;
  /** Container id, network or volume name. */
  readonly name: string;
  /** The value of the label asked for; empty when the object lacks it. */
  readonly labelValue: string;
}

/**
 * Like `listLabelled`, with the value of label `labelValue` of each object. Undefined when the
 * engine did not answer (unlike an empty list: nothing there).
 */
export async function listLabelledWithValue(input: { engine: Engine; kind: LabelledKind; labels: readonly string[]; labelValue: string; signal?: AbortSignal }): Promise<LabelledObject[] | undefined> {
  const { engine, kind } = input;
  const lines = await listLines({ engine, args: LIST_ARGV[kind]({ labels: input.labels, columns: { labelValue: input.labelValue, engine: engine.name } }), ...(input.signal && { signal: input.signal }) });
  return lines?.map((line) => {
    const [name = '', labelValue = ''] = line.split('\t');
    // podman prints `<no value>` for a label the object lacks.
    return { kind, name, labelValue: labelValue === '<no value>' ? '' : labelValue };
  });
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
