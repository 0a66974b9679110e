// Stage 3, normalise: the task as written → the typed Task, with ACR's defaults
// (acb-spec §1.5): generated ids, timeouts, retry delay, env merge, working
// directory and default network, push `:latest`, and build/cmd strings split into words.

import { error, warning } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import type { SourceText } from '../source-text.js';
import { parseDockerBuildArgs } from './build-args.js';
import { mergeEnv } from './env.js';
import type { EnvProblem } from './env.js';
import { normalizePushImages } from './image-reference.js';
import type { WrittenDocument } from './parse-yaml.js';
import { readCmd } from './read-cmd.js';
import { checkQuotes } from './value-location.js';
import {
  DEFAULT_RETRY_DELAY_SECONDS,
  DEFAULT_STEP_TIMEOUT_SECONDS,
  TASK_VERSIONS,
} from './types.js';
import type {
  BuildStep,
  BuildkitSetting,
  CmdStep,
  ContainerOptions,
  NetworkSpec,
  PushStep,
  RetryOptions,
  SecretSpec,
  Step,
  StepTrigger,
  Task,
  TaskVersion,
  VolumeMount,
  VolumeSpec,
} from './types.js';
import { splitWords } from './words.js';
import {
  isRecord,
  readBoolean,
  readInteger,
  readRecords,
  readString,
  readStringList,
  readText,
} from './written.js';
import type { WrittenNetwork, WrittenSecret, WrittenStep, WrittenVolume, WrittenVolumeMount } from './written.js';

/** The version as ACR accepts it (case-insensitive), or undefined when it is not one of them. */
export function normalizeVersion(value: string): TaskVersion | undefined {
  return TASK_VERSIONS.find((version) => version === value.toLowerCase());
}

/** The generated id of the step at `index` (0-based), as on ACR. */
export function generatedStepId(index: number): string {
  return `acb_step_${index}`;
}

/** `cmd` when set, else `build`, else `push`: the kind a step is run as (rules report steps with several). */
export function kindOfWrittenStep(step: WrittenStep): Step['kind'] | undefined {
  if (readText(step.cmd) !== undefined) return 'cmd';
  if (readText(step.build) !== undefined) return 'build';
  if (readStringList(step.push).length > 0) return 'push';
  return undefined;
}

export interface NormalizeTaskInput {
  readonly document: WrittenDocument;
  readonly file: string;
  readonly version: TaskVersion;
  readonly aliases?: ReadonlyMap<string, string>;
  /**
   * The text `document` was parsed from: problems inside a value (an unclosed quote) then point
   * at the character itself rather than at the value's start.
   */
  readonly source?: SourceText;
}

export interface NormalizeTaskResult {
  /** Steps with no kind (reported by the rules) are left out. */
  readonly task: Task;
  readonly diagnostics: Diagnostic[];
}

export function normalizeTask(input: NormalizeTaskInput): NormalizeTaskResult {
  const { document } = input;
  const written = document.written;
  const diagnostics: Diagnostic[] = [];
  const stepTimeout = readInteger(written.stepTimeout) ?? 0;
  const taskEnv = readStringList(written.env);
  const networks = readRecords<WrittenNetwork>(written.networks).map(({ item }) => normalizeNetwork(item));
  const defaultNetwork = networks.filter((network) => network.isDefault).at(-1)?.name;
  const writtenSteps = readRecords<WrittenStep>(written.steps);
  const defaults: StepDefaults = {
    timeoutSeconds: stepTimeout > 0 ? stepTimeout : DEFAULT_STEP_TIMEOUT_SECONDS,
    env: taskEnv,
    workingDirectory: readText(written.workingDirectory) ?? '',
    ...(defaultNetwork !== undefined && { network: defaultNetwork }),
  };
  if (writtenSteps.length > 0) diagnostics.push(...checkTaskEnv(taskEnv, document));
  const steps = writtenSteps.flatMap(({ index, item }) => {
    const normalized = normalizeStep({ step: item, index, defaults, document, aliases: input.aliases, source: input.source });
    diagnostics.push(...normalized.diagnostics);
    return normalized.step ? [normalized.step] : [];
  });
  const task: Task = {
    file: input.file,
    version: input.version,
    stepTimeoutSeconds: defaults.timeoutSeconds,
    env: taskEnv,
    workingDirectory: defaults.workingDirectory,
    secrets: readRecords<WrittenSecret>(written.secrets).map(({ index, item }) => normalizeSecret(item, index, document)),
    networks,
    volumes: readRecords<WrittenVolume>(written.volumes).map(({ item }) => normalizeVolume(item)),
    steps,
  };
  return { task, diagnostics };
}

interface StepDefaults {
  readonly timeoutSeconds: number;
  readonly env: readonly string[];
  readonly workingDirectory: string;
  readonly network?: string;
}

// Task-level env items are split on commas when ACR merges them into steps: each piece must be KEY=value.
function checkTaskEnv(taskEnv: readonly string[], document: WrittenDocument): Diagnostic[] {
  const { problems } = mergeEnv({ dest: [], src: taskEnv });
  const diagnostics = problems.map((problem) => describeEnvProblem(problem, document, '/env'));
  taskEnv.forEach((item, index) => {
    if (!item.includes(',') || problems.some((problem) => problem.index === index)) return;
    const pieces = item.split(',');
    diagnostics.push(
      warning(
        'task-env-comma',
        `task \`env\` item ${JSON.stringify(item)} contains a comma; ACR splits task-level env values on commas, so steps get ${pieces.map((piece) => JSON.stringify(piece)).join(' and ')}`,
        document.at(`/env/${index}`),
        "to keep the comma, set the variable in each step's `env` instead",
      ),
    );
  });
  return diagnostics;
}

function describeEnvProblem(problem: EnvProblem, document: WrittenDocument, pointer: string): Diagnostic {
  const written = readStringList(document.written.env)[problem.index] ?? '';
  const isSplit = problem.side === 'task' && written.includes(',');
  const hint = isSplit
    ? `ACR splits task-level \`env\` values on commas (${JSON.stringify(written)} → ${written
        .split(',')
        .map((piece) => JSON.stringify(piece))
        .join(', ')}); set this variable in each step's \`env\` instead`
    : `write it as \`${problem.item || 'KEY'}=value\``;
  return error(
    'invalid-env',
    `cannot parse ${problem.side} environment variable ${JSON.stringify(problem.item)} correctly: \`env\` items are KEY=value`,
    document.at(`${pointer}/${problem.index}`),
    hint,
  );
}

interface NormalizeStepInput {
  readonly step: WrittenStep;
  readonly index: number;
  readonly defaults: StepDefaults;
  readonly document: WrittenDocument;
  readonly aliases: ReadonlyMap<string, string> | undefined;
  readonly source: SourceText | undefined;
}

function normalizeStep(input: NormalizeStepInput): { step?: Step; diagnostics: Diagnostic[] } {
  const { step, index, defaults, document, source } = input;
  const pointer = `/steps/${index}`;
  const diagnostics: Diagnostic[] = [];
  const timeout = readInteger(step.timeout) ?? 0;
  const common = {
    id: readText(step.id) ?? generatedStepId(index),
    index,
    location: document.at(pointer),
    when: normalizeWhen(readStringList(step.when)),
    startDelaySeconds: readInteger(step.startDelay) ?? 0,
    timeoutSeconds: timeout > 0 ? timeout : defaults.timeoutSeconds,
    ignoreErrors: readBoolean(step.ignoreErrors),
  };
  const kind = kindOfWrittenStep(step);
  if (kind === undefined) return { diagnostics };
  const stepEnv = readStringList(step.env);
  const merged = mergeEnv({ dest: stepEnv, src: defaults.env });
  for (const problem of merged.problems) {
    if (problem.side === 'step') diagnostics.push(describeEnvProblem(problem, document, `${pointer}/env`));
  }
  if (kind === 'push') {
    // Empty items are reported where they are written; they name no image.
    const images = readStringList(step.push).filter((image) => image.trim() !== '');
    const push: PushStep = { ...common, kind: 'push', images: normalizePushImages(images) };
    return { step: push, diagnostics };
  }
  const container = normalizeContainerOptions(step, merged.env, defaults);
  const retry = normalizeRetryOptions(step);
  if (kind === 'build') {
    const build = readText(step.build) ?? '';
    const split = splitWords(build);
    diagnostics.push(
      ...checkQuotes({ key: 'build', unclosedQuote: split.unclosedQuote, written: build, document, source, pointer: `${pointer}/build` }),
    );
    const parsed = parseDockerBuildArgs(split.words);
    if (parsed.positionals.length > 1) {
      diagnostics.push(
        warning(
          'build-extra-argument',
          `\`build\` has ${parsed.positionals.length} context arguments (${parsed.positionals.map((word) => `\`${word}\``).join(', ')}); docker build takes exactly one`,
          document.at(`${pointer}/build`),
          'keep one context argument; put every other word after the flag it belongs to',
        ),
      );
    }
    const cache = readString(step.cache)?.toLowerCase();
    const buildkit = findBuildkitSetting({ stepEnv, taskEnv: defaults.env, document, pointer });
    const result: BuildStep = {
      ...common,
      ...container,
      ...retry,
      kind: 'build',
      build,
      args: split.words,
      tags: Array.isArray(step.tags) ? readStringList(step.tags) : parsed.tags,
      ...(parsed.dockerfile !== undefined && { dockerfile: parsed.dockerfile }),
      ...(parsed.target !== undefined && { target: parsed.target }),
      context: parsed.context,
      ...((cache === 'enabled' || cache === 'disabled') && { cache }),
      ...(buildkit && { buildkit }),
    };
    return { step: result, diagnostics };
  }
  const read = readCmd({ written: readText(step.cmd) ?? '', aliases: input.aliases, document, source, pointer: `${pointer}/cmd` });
  diagnostics.push(...read.diagnostics);
  const entryPoint = readText(step.entryPoint);
  const result: CmdStep = {
    ...common,
    ...container,
    ...retry,
    kind: 'cmd',
    cmd: read.cmd,
    firstCommand: read.firstCommand,
    words: read.words,
    rest: read.rest,
    ...(read.imageOrigin && { imageOrigin: read.imageOrigin }),
    ...(entryPoint !== undefined && { entryPoint }),
    pull: readBoolean(step.pull),
    cmdDownloadRetries: readInteger(step.cmdDownloadRetries) ?? 0,
    cmdDownloadRetryDelaySeconds: readInteger(step.cmdDownloadRetryDelay) ?? 0,
  };
  return { step: result, diagnostics };
}

const BUILDKIT_PREFIX = 'DOCKER_BUILDKIT=';

// The value the docker CLI of a build step sees: a step item wins over the task's (merged as ACR
// merges, task items split on commas).
function findBuildkitSetting(input: {
  stepEnv: readonly string[];
  taskEnv: readonly string[];
  document: WrittenDocument;
  pointer: string;
}): BuildkitSetting | undefined {
  const stepIndex = input.stepEnv.findLastIndex((item) => item.startsWith(BUILDKIT_PREFIX));
  if (stepIndex >= 0) {
    return { value: input.stepEnv[stepIndex]!.slice(BUILDKIT_PREFIX.length), location: input.document.at(`${input.pointer}/env/${stepIndex}`) };
  }
  for (let index = input.taskEnv.length - 1; index >= 0; index -= 1) {
    const piece = input.taskEnv[index]!.split(',').findLast((item) => item.startsWith(BUILDKIT_PREFIX));
    if (piece !== undefined) return { value: piece.slice(BUILDKIT_PREFIX.length), location: input.document.at(`/env/${index}`) };
  }
  return undefined;
}

function normalizeWhen(when: readonly string[]): StepTrigger {
  if (when.length === 0) return { kind: 'previous' };
  if (when.length === 1 && when[0] === '-') return { kind: 'start' };
  return { kind: 'after', ids: when.filter((id) => id !== '-') };
}

function normalizeContainerOptions(step: WrittenStep, env: readonly string[], defaults: StepDefaults): ContainerOptions {
  const network = readText(step.network) ?? defaults.network;
  const user = readText(step.user);
  const isolation = readText(step.isolation);
  const cpus = readText(step.cpus);
  return {
    env,
    workingDirectory: readText(step.workingDirectory) ?? defaults.workingDirectory,
    disableWorkingDirectoryOverride: readBoolean(step.disableWorkingDirectoryOverride),
    ...(network !== undefined && { network }),
    ...(user !== undefined && { user }),
    privileged: readBoolean(step.privileged),
    ports: readStringList(step.ports),
    expose: readStringList(step.expose),
    ...(isolation !== undefined && { isolation }),
    ...(cpus !== undefined && { cpus }),
    keep: readBoolean(step.keep),
    detach: readBoolean(step.detach),
    volumeMounts: readRecords<WrittenVolumeMount>(step.volumeMounts).map(({ item }): VolumeMount => ({
      name: readString(item.name) ?? '',
      mountPath: readString(item.mountPath) ?? '',
    })),
  };
}

function normalizeRetryOptions(step: WrittenStep): RetryOptions {
  const retryDelay = readInteger(step.retryDelay) ?? 0;
  return {
    retries: readInteger(step.retries) ?? 0,
    retryDelaySeconds: retryDelay > 0 ? retryDelay : DEFAULT_RETRY_DELAY_SECONDS,
    retryOnErrors: readStringList(step.retryOnErrors),
    repeat: readInteger(step.repeat) ?? 0,
  };
}

function normalizeSecret(secret: WrittenSecret, index: number, document: WrittenDocument): SecretSpec {
  const keyvault = readText(secret.keyvault);
  const clientID = readText(secret.clientID);
  return {
    id: readString(secret.id) ?? '',
    location: document.at(`/secrets/${index}`),
    ...(keyvault !== undefined && { keyvault }),
    ...(clientID !== undefined && { clientID }),
  };
}

function normalizeNetwork(network: WrittenNetwork): NetworkSpec {
  const driver = readText(network.driver);
  return {
    name: readString(network.name) ?? '',
    ...(driver !== undefined && { driver }),
    ipv6: readBoolean(network.ipv6),
    skipCreation: readBoolean(network.skipCreation),
    isDefault: readBoolean(network.isDefault),
  };
}

function normalizeVolume(volume: WrittenVolume): VolumeSpec {
  const files = isRecord(volume.secret) ? volume.secret : {};
  return {
    name: readString(volume.name) ?? '',
    secret: Object.fromEntries(Object.entries(files).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  };
}
