// Stage 5, execute: a build step is `<engine> build <args>` on the host, in the context
// folder (acb runs the docker CLI image instead; its DOCKER_BUILDKIT=0 forcing is not copied).

import { buildBuildArgv } from '../engine/argv.js';
import type { BuildStep } from '../task/types.js';
import type { RunResources, StepCommand, StepContext, StepResult } from './context.js';
import { envRecordOf, hostDirFor } from './container-run.js';
import { runStepCommand } from './run-step-command.js';
import { watchBuildLeftovers } from './build-cleanup.js';

export function describeBuildCommands(step: BuildStep, resources: RunResources): StepCommand[] {
  return [{ argv: [resources.engine.binary, ...buildBuildArgv({ args: step.args })], cwd: hostDirFor(step, resources.contextDir) }];
}

export async function runBuildStep(step: BuildStep, ctx: StepContext): Promise<StepResult> {
  const leftovers = watchBuildLeftovers(ctx.resources.engine);
  const result = await runStepCommand({
    ctx,
    stepId: step.id,
    args: buildBuildArgv({ args: step.args }),
    cwd: hostDirFor(step, ctx.resources.contextDir),
    env: envRecordOf(step.env),
  });
  if (ctx.signal.aborted) await leftovers.afterStop();
  if (result.ok) {
    for (const tag of step.tags) ctx.emit({ type: 'image-built', stepId: step.id, image: { reference: tag }, time: Date.now() });
  }
  return result;
}
