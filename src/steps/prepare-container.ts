// Stage 5, execute: a cmd step's container made ahead of its turn, while earlier steps run. It
// is the container `run` would start (same argv: env, secrets by name, mounts, network, labels),
// made with `create` (create-container.ts; on local podman through its service) and on podman
// `init`, which mounts its volumes and joins its network without starting its command; at its
// turn it is started attached (run-step-command.ts). A pull the step asks for happens here too;
// its output is kept and shown when the step starts.

import { buildInitArgv, buildPullArgv } from '../engine/argv.js';
import { createContainer } from '../engine/create-container.js';
import { engineApiFor } from '../engine/engine-api.js';
import { removeContainers, runEngine } from '../engine/run-engine.js';
import type { CmdStep, Step } from '../task/types.js';
import { engineCommandsOf, isHostDockerStep } from './cmd.js';
import type { HeldOutput, Preparation, RunResources } from './context.js';
import { describeContainerRun } from './container-run.js';

const NONE: Preparation = { kind: 'none' };

/**
 * Steps that get a container ahead: containers taskrun runs in the foreground. A detached step's
 * `run --detach` prints the container id, which `start` does not.
 */
export function isPreparable(step: Step): step is CmdStep {
  return step.kind === 'cmd' && !isHostDockerStep(step) && !step.detach;
}

/**
 * Whether a step's end leaves the engine's images as they were, so a container made ahead while it
 * runs is the one its dependant would get: builds tag images, pushes change what a pull gets, and a
 * host `docker …` step may do either. A cmd container has no engine socket.
 */
export function keepsImages(step: Step): boolean {
  return step.kind === 'cmd' && engineCommandsOf(step).every((command) => command.kind === 'container');
}

/** Never rejects: whatever fails here is left to the step's own turn, which reports it as usual. */
export async function prepareContainer(input: {
  step: CmdStep;
  resources: RunResources;
  signal: AbortSignal;
  /** Resolves true once the run's networks and volumes exist (a pull may go before, a create not). */
  ready: Promise<boolean>;
}): Promise<Preparation> {
  const { step, resources, signal } = input;
  const { engine } = resources;
  const run = describeContainerRun({ step, resources });
  const output: HeldOutput[] = [];
  const hold = (text: string, stream: 'stdout' | 'stderr') => output.push({ stream, text: `${text}\n` });
  let pulled = false;
  if (step.pull && step.cmdDownloadRetries >= 0) {
    const pull = await runEngine({ engine, args: buildPullArgv({ image: run.image }), signal, onLine: hold });
    // A failed pull is retried at the step's turn, with its retries and their messages.
    if (pull.exitCode !== 0 || signal.aborted) return NONE;
    pulled = true;
  }
  if (!(await input.ready) || signal.aborted) return NONE;
  const { created } = await createContainer({ engine, run, env: run.engineEnv, signal });
  if (!created || signal.aborted) {
    // A stopped client may have left the container made; an engine error leaves none (removal is a no-op).
    await removeContainers({ engine, names: [run.containerName] });
    return NONE;
  }
  if (engine.name === 'podman') {
    const api = await engineApiFor(engine);
    const initialised = (await api?.initContainer(run.containerName, signal)) ?? (await runEngine({ engine, args: buildInitArgv(run), signal })).exitCode === 0;
    if (!initialised || signal.aborted) {
      await removeContainers({ engine, names: [run.containerName] });
      return NONE;
    }
  }
  return { kind: 'created', pulled, output };
}
