// Test support for end-to-end runs: a task file in a temp context folder, prepared by the
// real front half, executed on the lab with one engine; the events kept for assertions.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LabEnv } from '../../src/engine/lab-env.js';
import type { Engine } from '../../src/engine/engine.js';
import type { PlatformEngine } from '../../src/engine/platform-engines.js';
import { homeKeyOf, runNamePrefix } from '../../src/engine/names.js';
import { planTask } from '../../src/plan/plan.js';
import type { RunEvent } from '../../src/run/events.js';
import { executeRun } from '../../src/run/execute-run.js';
import type { RunOutcome } from '../../src/run/execute-run.js';
import { prepareTask } from '../../src/task/prepare.js';
import type { WorkspaceMode } from '../../src/steps/context.js';
import type { StepHandlers } from '../../src/steps/index.js';
import { planWorkspace, sharedVolumeOf } from '../../src/run/workspace.js';

import type { PreparedTask } from '../../src/task/prepare.js';
import { expect } from 'vitest';
import { labEngineFor, listContainers, listNetworks, listVolumes, type EnginePath } from '../helpers/lab.js';

let counter = 0;
const PATH_LETTER: Readonly<Record<EnginePath, string>> = { docker: 'd', podman: 'p', 'docker-on-podman': 'o' };

/** The home key these runs' names and labels carry (they keep no record). */
export const LAB_HOME_KEY = homeKeyOf('/taskrun-e2e-home');

/** `taskrun-<home6>-<runId>`: how every engine object of the run is named. */
export function namePrefixOf(runId: string): string {
  return runNamePrefix({ runId, homeKey: LAB_HOME_KEY });
}

/** Nothing named for the run is left on the engine: no container, network or volume. */
export async function expectNothingLeft(lab: LabEnv, engine: EnginePath, runId: string): Promise<void> {
  const prefix = namePrefixOf(runId);
  expect(await listContainers(lab, engine, prefix)).toEqual([]);
  expect(await listNetworks(lab, engine, prefix)).toEqual([]);
  expect(await listVolumes(lab, engine, prefix)).toEqual([]);
}

export function newRunId(engine: EnginePath): string {
  counter += 1;
  return `e2e${PATH_LETTER[engine]}${Date.now().toString(36)}${counter}`;
}

const contextDirs: string[] = [];

/** Removes the context folders written so far (tests call it after each test). */
export async function removeContexts(): Promise<void> {
  await Promise.all(contextDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Writes the files (task file `acr-task.yaml` included) into a new temp folder; returns its path. */
export async function writeContext(files: Readonly<Record<string, string>>, prefix = 'taskrun-e2e-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  contextDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

export interface LabRun {
  readonly runId: string;
  readonly outcome: RunOutcome;
  readonly events: readonly RunEvent[];
  /** stdout lines of one step. */
  readonly output: (stepId: string) => string[];
  readonly started: (stepId: string) => boolean;
}

/** Writes the files and prepares the task as a run would, without running it. */
export async function prepareOnLab(input: { lab: LabEnv; runId: string; files: Readonly<Record<string, string>> }): Promise<PreparedTask> {
  const contextDir = await writeContext(input.files);
  return prepareTask({ file: path.join(contextDir, 'acr-task.yaml'), runId: input.runId, registry: input.lab.registry, contextDir });
}

export async function runOnLab(input: {
  lab: LabEnv;
  engine: EnginePath;
  files: Readonly<Record<string, string>>;
  /** Start of the context folder's name (default `taskrun-e2e-`). */
  contextPrefix?: string;
  runId?: string;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Default copy, as `taskrun run` without --bind. */
  workspace?: WorkspaceMode;
  /** A context folder already written (default: a new one holding `files`). */
  contextDir?: string;
  /** Replaces the lab engine of the path (an engine elsewhere). */
  engineOverride?: Engine;
  /** `--engine-for` routes. */
  platformEngines?: readonly PlatformEngine[];
  /** Replaces the step handlers (a run without containers made ahead). */
  handlers?: StepHandlers;
  secretValues?: readonly string[];
}): Promise<LabRun> {
  const runId = input.runId ?? newRunId(input.engine);
  const contextDir = input.contextDir ?? (await writeContext(input.files, input.contextPrefix));
  const workspaceMode = input.workspace ?? 'copy';
  const sharedVolume = sharedVolumeOf(planWorkspace({ mode: workspaceMode, runId, homeKey: LAB_HOME_KEY, contextDir }));
  const { task } = await prepareTask({ file: path.join(contextDir, 'acr-task.yaml'), runId, registry: input.lab.registry, contextDir, runVarFlags: { sharedVolume } });
  const events: RunEvent[] = [];
  const outcome = await executeRun({
    task,
    plan: planTask(task),
    runId,
    homeKey: LAB_HOME_KEY,
    engine: input.engineOverride ?? labEngineFor(input.lab, input.engine),
    contextDir,
    workspaceMode,
    ...(input.platformEngines && { platformEngines: input.platformEngines }),
    ...(input.handlers && { handlers: input.handlers }),
    ...(input.secretValues && { secretValues: input.secretValues }),
    signal: input.signal ?? new AbortController().signal,
    onEvent: (event) => {
      events.push(event);
      input.onEvent?.(event);
    },
  });
  return {
    runId,
    outcome,
    events,
    output: (stepId) =>
      events
        .flatMap((e) => (e.type === 'step-output' && e.stepId === stepId && e.stream === 'stdout' ? [e.text] : []))
        .join('')
        .split('\n')
        .filter((line) => line !== ''),
    started: (stepId) => events.some((e) => e.type === 'step-start' && e.stepId === stepId),
  };
}
