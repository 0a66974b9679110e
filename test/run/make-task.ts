// Test support: normalised Task and Step values built directly (defaults as acb-spec §1.5),
// for tests that must not depend on the parser.

import type { BuildStep, CmdStep, PushStep, Step, StepTrigger, Task } from '../../src/task/types.js';

const location = { file: 'acr-task.yaml', line: 1, col: 1 };

type Common = { id: string; when?: StepTrigger; index?: number };

const container = {
  env: [] as string[],
  workingDirectory: '',
  disableWorkingDirectoryOverride: false,
  privileged: false,
  ports: [] as string[],
  expose: [] as string[],
  keep: false,
  detach: false,
  volumeMounts: [],
  retries: 0,
  retryDelaySeconds: 5,
  retryOnErrors: [] as string[],
  repeat: 0,
};

const common = (input: Common) => ({
  id: input.id,
  index: input.index ?? 0,
  location,
  when: input.when ?? { kind: 'previous' as const },
  startDelaySeconds: 0,
  timeoutSeconds: 600,
  ignoreErrors: false,
});

export function cmdStep(input: Common & { cmd: string } & Partial<Omit<CmdStep, 'kind' | 'id' | 'when' | 'cmd' | 'words' | 'firstCommand'>>): CmdStep {
  const { id, when, index, cmd, ...rest } = input;
  return {
    ...common({ id, ...(when && { when }), ...(index !== undefined && { index }) }),
    ...container,
    kind: 'cmd',
    cmd,
    firstCommand: cmd,
    words: cmd.split(' ').filter((word) => word !== ''),
    rest: [],
    pull: false,
    cmdDownloadRetries: 0,
    cmdDownloadRetryDelaySeconds: 0,
    ...rest,
  };
}

export function buildStep(input: Common & { build: string } & Partial<Omit<BuildStep, 'kind' | 'id' | 'when' | 'build'>>): BuildStep {
  const { id, when, index, build, ...rest } = input;
  const args = build.split(' ').filter((word) => word !== '');
  const tags = args.flatMap((word, i) => (word === '-t' || word === '--tag' ? [args[i + 1] ?? ''] : []));
  return {
    ...common({ id, ...(when && { when }), ...(index !== undefined && { index }) }),
    ...container,
    kind: 'build',
    build,
    args,
    tags,
    context: args.at(-1) ?? '.',
    ...rest,
  };
}

export function pushStep(input: Common & { images: string[] } & Partial<Omit<PushStep, 'kind' | 'id' | 'when' | 'images'>>): PushStep {
  const { id, when, index, images, ...rest } = input;
  return { ...common({ id, ...(when && { when }), ...(index !== undefined && { index }) }), kind: 'push', images, ...rest };
}

/** A task around the steps; step indexes follow list order. */
export function makeTask(steps: readonly Step[], rest: Partial<Omit<Task, 'steps'>> = {}): Task {
  return {
    file: '/tmp/acr-task.yaml',
    version: 'v1.0.0',
    stepTimeoutSeconds: 600,
    env: [],
    workingDirectory: '',
    secrets: [],
    networks: [],
    volumes: [],
    ...rest,
    steps: steps.map((step, index) => ({ ...step, index })),
  };
}

export const start: StepTrigger = { kind: 'start' };
export const after = (...ids: string[]): StepTrigger => ({ kind: 'after', ids });
