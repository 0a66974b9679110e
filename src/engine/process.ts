// Stage 5, execute: the one place that starts engine processes. An argv array,
// never a shell; success and failure come back as one ExecResult value.

import { execa, type Result } from 'execa';

export type OutputStream = 'stdout' | 'stderr';

export interface ExecResult {
  /** Undefined when the process could not start or was killed by a signal. */
  readonly exitCode?: number;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly isCanceled: boolean;
  readonly durationMs: number;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  readonly outputTail: string;
  /** Why the process could not start (`spawn podman ENOENT`), when it could not. */
  readonly spawnError?: string;
  readonly failed: boolean;
}

export interface RunProcessInput {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting it stops the process: SIGTERM, then SIGKILL after `forceKillAfterMs`. */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly forceKillAfterMs?: number;
  /** Called for every line as it arrives, without its newline. */
  readonly onLine?: (line: string, stream: OutputStream) => void;
  readonly tailLines?: number;
}

const DEFAULT_TAIL_LINES = 40;
const DEFAULT_FORCE_KILL_AFTER_MS = 2000;

/**
 * Engine clients run in their own process group (`detached`), so a terminal's Ctrl-C reaches only
 * taskrun, which stops them itself and cleans up. execa does not kill detached processes when
 * taskrun exits, so the ones still running at exit (a second Ctrl-C) are killed here.
 */
const liveChildren = new Set<{ kill: (signal: NodeJS.Signals) => boolean }>();
let killsAtExit = false;

function killLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

export async function runProcess(input: RunProcessInput): Promise<ExecResult> {
  const tail: string[] = [];
  const tailLines = input.tailLines ?? DEFAULT_TAIL_LINES;
  const collect = (stream: OutputStream) =>
    function* (line: unknown) {
      const text = String(line);
      tail.push(text);
      if (tail.length > tailLines) tail.shift();
      input.onLine?.(text, stream);
    };
  if (!killsAtExit) {
    process.once('exit', killLiveChildren);
    killsAtExit = true;
  }
  const subprocess = execa(input.file, [...input.args], {
    reject: false,
    detached: true,
    cwd: input.cwd,
    env: input.env,
    stdin: 'ignore',
    stdout: [collect('stdout')],
    stderr: [collect('stderr')],
    cancelSignal: input.signal,
    forceKillAfterDelay: input.forceKillAfterMs ?? DEFAULT_FORCE_KILL_AFTER_MS,
    timeout: input.timeoutMs,
    windowsHide: true,
  });
  liveChildren.add(subprocess);
  const result = await subprocess.finally(() => liveChildren.delete(subprocess));
  return toExecResult(result, tail);
}

/** What execa's result says, in taskrun's terms, with the output's last lines. */
function toExecResult(result: Result, tail: readonly string[]): ExecResult {
  const spawnError = result.exitCode === undefined && result.signal === undefined && result.failed ? result.originalMessage || result.shortMessage : undefined;
  return {
    ...(result.exitCode !== undefined && { exitCode: result.exitCode }),
    ...(result.signal !== undefined && { signal: result.signal }),
    timedOut: result.timedOut,
    isCanceled: result.isCanceled,
    durationMs: result.durationMs,
    outputTail: tail.join('\n'),
    ...(spawnError && { spawnError }),
    failed: result.failed,
  };
}

export interface PipedProcessInput {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface PipelineResult {
  readonly from: ExecResult;
  readonly to: ExecResult;
}

/**
 * `from | to`: the first process's stdout streams into the second's stdin, byte for byte (a tar
 * stream into an engine client, or out of one). `input` is written to the first process's stdin.
 */
export async function runPipeline(input: {
  from: PipedProcessInput;
  to: PipedProcessInput;
  fromInput?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}): Promise<PipelineResult> {
  const tailOf = () => {
    const tail: string[] = [];
    const collect = function* (line: unknown) {
      tail.push(String(line));
      if (tail.length > DEFAULT_TAIL_LINES) tail.shift();
    };
    return { tail, collect };
  };
  if (!killsAtExit) {
    process.once('exit', killLiveChildren);
    killsAtExit = true;
  }
  const common = {
    reject: false,
    detached: true,
    cancelSignal: input.signal,
    forceKillAfterDelay: DEFAULT_FORCE_KILL_AFTER_MS,
    timeout: input.timeoutMs,
    windowsHide: true,
  } as const;
  const fromTail = tailOf();
  const toTail = tailOf();
  const source = execa(input.from.file, [...input.from.args], {
    ...common,
    cwd: input.from.cwd,
    env: input.from.env,
    ...(input.fromInput !== undefined ? { input: input.fromInput } : { stdin: 'ignore' as const }),
    stdout: 'pipe',
    stderr: [fromTail.collect],
    buffer: { stdout: false },
  });
  const destination = execa(input.to.file, [...input.to.args], {
    ...common,
    cwd: input.to.cwd,
    env: input.to.env,
    stdin: 'pipe',
    stdout: [toTail.collect],
    stderr: [toTail.collect],
  });
  liveChildren.add(source);
  liveChildren.add(destination);
  // A destination that ends early (EPIPE) fails on its own exit code; the stream error is not the news.
  destination.stdin?.on('error', () => undefined);
  source.stdout?.pipe(destination.stdin!);
  const [fromResult, toResult] = await Promise.all([
    source.finally(() => liveChildren.delete(source)),
    destination.finally(() => liveChildren.delete(destination)),
  ]);
  return { from: toExecResult(fromResult, fromTail.tail), to: toExecResult(toResult, toTail.tail) };
}
