// Stage 5, execute: runs one engine command for a step, streaming its lines as
// step-output events; a container it started is killed and removed as soon as the
// step's signal aborts (timeout, cancel), not only the client process.

import { buildStartAttachedArgv } from '../engine/argv.js';
import { describeFailure } from '../engine/describe-failure.js';
import { engineApiFor } from '../engine/engine-api.js';
import type { Engine } from '../engine/engine.js';
import type { ExecResult } from '../engine/process.js';
import { removeContainers, runEngine } from '../engine/run-engine.js';
import type { StepContext, StepResult } from './context.js';

/**
 * `start --attach` of a container made ahead, as runStepCommand runs it: by the engine's API where
 * it has one (no CLI process on the step's critical path), else by the CLI.
 */
export async function startStepContainer(input: { ctx: StepContext; stepId: string; containerName: string }): Promise<StepCommandResult> {
  const { ctx, stepId, containerName } = input;
  const engine = ctx.resources.engine;
  const api = await engineApiFor(engine);
  if (api) {
    const watch = removeWhenStopped(ctx.signal, engine, containerName);
    try {
      const exec = await api.startAttached({
        containerName,
        signal: ctx.signal,
        onLine: (text, stream) => ctx.emit({ type: 'step-output', stepId, stream, text: `${text}\n`, time: Date.now() }),
      });
      if (exec) return resultOf(exec, { command: `${engine.name} start`, isContainerRun: true });
    } finally {
      await watch.end();
    }
  }
  return runStepCommand({ ctx, stepId, args: buildStartAttachedArgv({ containerName }), containerName });
}

/** Removes the container as soon as the signal aborts (timeout, cancel); `end` stops watching and awaits that removal. */
function removeWhenStopped(signal: AbortSignal, engine: Engine, containerName: string | undefined): { end: () => Promise<void> } {
  let removal: Promise<unknown> | undefined;
  const remove = () => {
    if (containerName !== undefined) removal = removeContainers({ engine, names: [containerName] });
  };
  if (signal.aborted) remove();
  else signal.addEventListener('abort', remove, { once: true });
  return {
    end: async () => {
      signal.removeEventListener('abort', remove);
      await removal;
    },
  };
}

function resultOf(exec: ExecResult, options: { command: string; isContainerRun: boolean }): StepCommandResult {
  const error = describeFailure(exec, options);
  return { ok: error === undefined, ...(exec.exitCode !== undefined && { exitCode: exec.exitCode }), ...(error && { error }), exec };
}

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
  const watch = removeWhenStopped(ctx.signal, engine, input.containerName);
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
    return resultOf(exec, { command: `${engine.name} ${input.args[0] ?? ''}`.trim(), isContainerRun: input.containerName !== undefined });
  } finally {
    await watch.end();
  }
}
