// Stage 5, execute: runs one engine command for a step, streaming its lines as
// step-output events; a container it started is killed and removed as soon as the
// step's signal aborts (timeout, cancel), not only the client process.

import { describeFailure } from '../engine/describe-failure.js';
import type { Engine } from '../engine/engine.js';
import type { ExecResult } from '../engine/process.js';
import { removeContainers, runEngine } from '../engine/run-engine.js';
import type { StepContext, StepResult } from './context.js';

export interface StepCommandResult extends StepResult {
  readonly exec: ExecResult;
}

export async function runStepCommand(input: {
  ctx: StepContext;
  stepId: string;
  args: readonly string[];
  /** Default: the run's engine. */
  engine?: Engine;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** Set for `run` and `start --attach`: the container to remove when the step is stopped; its exit code is the step's. */
  containerName?: string;
  /** Called with each stdout line as well (digest parsing). */
  onStdout?: (line: string) => void;
}): Promise<StepCommandResult> {
  const { ctx, stepId } = input;
  const engine = input.engine ?? ctx.resources.engine;
  let removal: Promise<unknown> | undefined;
  const removeOnAbort = () => {
    if (input.containerName !== undefined) removal = removeContainers({ engine, names: [input.containerName] });
  };
  if (ctx.signal.aborted) removeOnAbort();
  else ctx.signal.addEventListener('abort', removeOnAbort, { once: true });
  try {
    const exec = await runEngine({
      engine,
      args: input.args,
      signal: ctx.signal,
      ...(input.cwd !== undefined && { cwd: input.cwd }),
      ...(input.env && { env: input.env }),
      onLine: (text, stream) => {
        if (stream === 'stdout') input.onStdout?.(text);
        ctx.emit({ type: 'step-output', stepId, stream, text: `${text}\n`, time: Date.now() });
      },
    });
    const error = describeFailure(exec, { command: `${engine.name} ${input.args[0] ?? ''}`.trim(), isContainerRun: input.containerName !== undefined });
    return { ok: error === undefined, ...(exec.exitCode !== undefined && { exitCode: exec.exitCode }), ...(error && { error }), exec };
  } finally {
    ctx.signal.removeEventListener('abort', removeOnAbort);
    await removal;
  }
}
