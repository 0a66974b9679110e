// Stage 5, execute: what must hold on the engine before the first step starts, so a run that
// cannot finish fails at once instead of halfway (after its builds and pushes).

import { error, warning, type Diagnostic, type Severity } from '../diagnostics.js';
import { probeBuildkitSupport, type BuildkitSupport } from '../engine/buildkit-support.js';
import type { Engine } from '../engine/engine.js';
import { parseGoBool } from '../task/buildkit.js';
import type { BuildStep, Task } from '../task/types.js';

interface BuildkitBuild {
  readonly step: BuildStep;
  readonly value: string;
  /** Where DOCKER_BUILDKIT was set: the task file, or taskrun's own environment. */
  readonly from: 'file' | 'environment';
}

/** Build steps whose builder is BuildKit because DOCKER_BUILDKIT says so. */
export function findBuildkitBuilds(task: Task, engine: Engine, hostEnv: NodeJS.ProcessEnv): BuildkitBuild[] {
  const builds: BuildkitBuild[] = [];
  for (const step of task.steps) {
    if (step.kind !== 'build') continue;
    if (step.buildkit) {
      if (parseGoBool(step.buildkit.value) === true) builds.push({ step, value: step.buildkit.value, from: 'file' });
      continue;
    }
    // An exported DOCKER_BUILDKIT reaches the docker CLI; podman never reads it.
    const exported = hostEnv.DOCKER_BUILDKIT;
    if (engine.name === 'docker' && exported !== undefined && parseGoBool(exported) === true) builds.push({ step, value: exported, from: 'environment' });
  }
  return builds;
}

export async function checkBuildkit(input: {
  task: Task;
  engine: Engine;
  hostEnv?: NodeJS.ProcessEnv;
  /** `run` refuses to start (error); `validate` warns. */
  severity: Severity;
  probe?: (engine: Engine) => Promise<BuildkitSupport>;
}): Promise<Diagnostic[]> {
  const builds = findBuildkitBuilds(input.task, input.engine, input.hostEnv ?? process.env);
  if (builds.length === 0) return [];
  const support = await (input.probe ?? probeBuildkitSupport)(input.engine);
  if (support.isSupported) return [];
  const report = input.severity === 'error' ? error : warning;
  return builds.map(({ step, value, from }) =>
    report(
      'buildkit-unsupported',
      `step \`${step.id}\` builds with BuildKit (DOCKER_BUILDKIT=${value}${from === 'environment' ? ' in your environment' : ''}), but ${support.reason}`,
      from === 'file' ? step.buildkit?.location : step.location,
      support.fix,
    ),
  );
}
