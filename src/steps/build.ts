// Stage 5, execute: a build step is `<engine> build <args>` on the host, in the workspace's host
// folder: the context folder with --bind, else a snapshot of the workspace volume, so a build sees
// what earlier steps wrote and the engine gets the context through its API, as `docker build` sends
// it (acb runs the docker CLI image instead; its DOCKER_BUILDKIT=0 forcing is not copied).

import { buildBuildArgv } from '../engine/argv.js';
import type { BuildStep } from '../task/types.js';
import type { RunResources, StepCommand, StepContext, StepResult } from './context.js';
import { envRecordOf, hostDirFor } from './container-run.js';
import { buildRouteOf } from './build-platform.js';
import { runStepCommand } from './run-step-command.js';
import { watchBuildLeftovers } from './build-cleanup.js';
import { placeSecretBuildArgs } from './secret-env.js';

export function describeBuildCommands(step: BuildStep, resources: RunResources): StepCommand[] {
  const route = buildRouteOf(step, resources.platformEngines);
  const engine = route?.engine ?? resources.engine;
  return [{ argv: [engine.binary, ...buildBuildArgv({ args: step.args })], cwd: hostDirFor(step, resources.hostWorkspaceDir), ...(route && { endpoint: route.endpoint }) }];
}

export async function runBuildStep(step: BuildStep, ctx: StepContext): Promise<StepResult> {
  const workspace = await ctx.workspace.hostDir(ctx.signal);
  if (!workspace.ok) return { ok: false, error: workspace.error };
  const route = buildRouteOf(step, ctx.resources.platformEngines);
  // A build on another engine (--engine-for) leaves its leftovers there.
  const leftovers = watchBuildLeftovers(route?.engine ?? ctx.resources.engine);
  const buildArgs = placeSecretBuildArgs(step.args, ctx.resources.secretValues);
  const result = await runStepCommand({
    ctx,
    stepId: step.id,
    args: buildBuildArgv({ args: buildArgs.words }),
    ...(route && { engine: route.engine }),
    cwd: hostDirFor(step, workspace.dir),
    env: { ...envRecordOf(step.env), ...buildArgs.env },
  });
  if (ctx.signal.aborted) await leftovers.afterStop();
  if (result.ok) {
    for (const tag of step.tags) ctx.emit({ type: 'image-built', stepId: step.id, image: { reference: tag }, time: Date.now() });
  }
  return result;
}
