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

const LIST_ARGV: Readonly<Record<LabelledKind, (input: { label: string }) => string[]>> = {
  container: buildListContainersArgv,
  network: buildListNetworksArgv,
  volume: buildListVolumesArgv,
};

/** Containers (ids), networks or volumes (names) carrying the label; none when the engine cannot list them. */
export async function listLabelled(input: { engine: Engine; kind: LabelledKind; label: string }): Promise<string[]> {
  const found: string[] = [];
  const result = await runEngine({
    engine: input.engine,
    args: LIST_ARGV[input.kind]({ label: input.label }),
    timeoutMs: CLEANUP_TIMEOUT_MS,
    onLine: (line, stream) => {
      if (stream === 'stdout' && line.trim() !== '') found.push(line.trim());
    },
  });
  return result.exitCode === 0 ? found : [];
}
