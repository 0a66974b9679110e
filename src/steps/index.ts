// Stage 5, execute: one handler per step kind, in a map the compiler checks is complete.

import { describeBuildCommands, runBuildStep } from './build.js';
import { describeCmdCommands, runCmdStep } from './command-list.js';
import type { Preparation, RunResources, StepCommand, StepContext, StepResult } from './context.js';
import { isPreparable, prepareContainer } from './prepare-container.js';
import { describePushCommands, runPushStep } from './push.js';
import type { Step } from '../task/types.js';

export type StepHandler<K extends Step['kind']> = (step: Extract<Step, { kind: K }>, ctx: StepContext) => Promise<StepResult>;
/** What a step may have made ahead of its turn; undefined when it has nothing to prepare. */
export type StepPreparer = (step: Step, input: { resources: RunResources; signal: AbortSignal; ready: Promise<boolean> }) => Promise<Preparation> | undefined;

export type StepHandlers = { readonly [K in Step['kind']]: StepHandler<K> } & { readonly prepare?: StepPreparer };

export const STEP_HANDLERS: StepHandlers = {
  build: runBuildStep,
  push: runPushStep,
  cmd: runCmdStep,
  prepare: (step, input) => (isPreparable(step) ? prepareContainer({ step, ...input }) : undefined),
};

export function runStep(input: { step: Step; ctx: StepContext; handlers?: StepHandlers }): Promise<StepResult> {
  const handlers = input.handlers ?? STEP_HANDLERS;
  const step = input.step;
  switch (step.kind) {
    case 'build':
      return handlers.build(step, input.ctx);
    case 'push':
      return handlers.push(step, input.ctx);
    case 'cmd':
      return handlers.cmd(step, input.ctx);
  }
}

// What `taskrun run --dry-run` prints for a step: the exact commands, nothing run.
export function describeStepCommands(step: Step, resources: RunResources): StepCommand[] {
  switch (step.kind) {
    case 'build':
      return describeBuildCommands(step, resources);
    case 'push':
      return describePushCommands(step, resources);
    case 'cmd':
      return describeCmdCommands(step, resources);
  }
}

export type { Preparation, RunResources, StepCommand, StepContext, StepResult } from './context.js';
export { isPreparable, keepsImages } from './prepare-container.js';
