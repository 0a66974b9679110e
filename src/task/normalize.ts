// Stage 3, normalise: the task as written → the typed Task, with ACR's defaults
// (acb-spec §1.5): generated ids, timeouts, retry delay, env merge, working
// directory and default network, push `:latest`, and build/cmd strings split into words.

import { error, warning } from '../diagnostics.js';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { expandCommandWord } from '../load/alias-substitution.js';
import { trimGoSpace } from '../load/go-text.js';
import { isWrittenRange, locate } from '../source-text.js';
import type { SourceText } from '../source-text.js';
import { parseDockerBuildArgs } from './build-args.js';
import { mergeEnv } from './env.js';
import type { EnvProblem } from './env.js';
import { normalizePushImages } from './image-reference.js';
import type { WrittenDocument } from './parse-yaml.js';
import { findScalarCharOffset, findScalarCharOffsets } from './scalar-source.js';
import { readBuiltin, splitCommandList } from './command-list.js';
import type { ListSegment, UncountedOperator, WrittenCheck } from './command-list.js';
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
  ListCommand,
  ListItem,
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
import type { UnclosedQuote } from './words.js';
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
  const written = readText(step.cmd) ?? '';
  const cmd = input.aliases ? expandCommandWord(written, input.aliases) : written;
  const writtenImage = trimGoSpace(written).split(' ')[0] ?? '';
  const cmdPointer = `${pointer}/cmd`;
  const toWritten = (index: number) => (cmd === written ? index : indexInWrittenCmd({ written, expanded: cmd, index }));
  const locateCmdChar = (index: number) => locateValueChar({ document, source, pointer: cmdPointer, written, index: toWritten(index) });
  const list = splitCommandList(cmd, writtenCheckFor({ document, source, pointer: cmdPointer, written, toWritten }));
  // The first few problems, and the first operator of each kind that does not count, are enough
  // to act on (a hostile value may hold thousands; each is located by decoding the scalar).
  diagnostics.push(...list.problems.slice(0, MAX_LIST_PROBLEMS).map((problem) => error('cmd-list-empty-command', problem.message, locateCmdChar(problem.index), problem.hint)));
  const uncounted = (['value', 'unsure'] as const).flatMap((reason) => list.uncounted.find((operator) => operator.reason === reason) ?? []);
  diagnostics.push(...uncounted.map((operator) => describeUncountedOperator(operator, locateCmdChar(operator.index))));
  const [first, ...later] = list.segments;
  const firstCommand = first ? cmd.slice(first.start, first.end) : cmd;
  const split = splitWords(firstCommand);
  const unclosed = split.unclosedQuote ?? later.map((segment) => findUnclosedQuoteIn(cmd, segment)).find((found) => found !== undefined);
  const unclosedQuote = unclosed && { ...unclosed, index: toWritten(unclosed.index + (split.unclosedQuote ? (first?.start ?? 0) : 0)) };
  diagnostics.push(...checkQuotes({ key: 'cmd', unclosedQuote, written, document, source, pointer: cmdPointer }));
  if (split.words.length === 0) {
    diagnostics.push(
      error('empty-cmd', '`cmd` names no image', document.at(cmdPointer), 'write the image first, e.g. `cmd: alpine echo hello`'),
    );
  }
  const rest = later.flatMap((segment): ListItem[] => {
    const read = readListItem({ cmd, segment, aliases: input.aliases, location: locateCmdChar(segment.operatorIndex) });
    if ('problem' in read) {
      diagnostics.push(error('cmd-list-builtin', read.problem, locateCmdChar(segment.start + (cmd.slice(segment.start).length - cmd.slice(segment.start).trimStart().length)), read.hint));
      return [];
    }
    return [read.item];
  });
  const entryPoint = readText(step.entryPoint);
  const result: CmdStep = {
    ...common,
    ...container,
    ...retry,
    kind: 'cmd',
    cmd,
    firstCommand,
    words: split.words,
    rest,
    ...(cmd !== written && { imageOrigin: { written: writtenImage, isAlias: true } }),
    ...(entryPoint !== undefined && { entryPoint }),
    pull: readBoolean(step.pull),
    cmdDownloadRetries: readInteger(step.cmdDownloadRetries) ?? 0,
    cmdDownloadRetryDelaySeconds: readInteger(step.cmdDownloadRetryDelay) ?? 0,
  };
  return { step: result, diagnostics };
}

// A later command's unclosed quote, with its index in the whole `cmd` (only the last command can have one).
function findUnclosedQuoteIn(cmd: string, segment: ListSegment): UnclosedQuote | undefined {
  const found = splitWords(cmd.slice(segment.start, segment.end)).unclosedQuote;
  return found && { ...found, index: found.index + segment.start };
}

// A later command: a builtin as written, else its first word through the aliases (`bash` → the
// MCR image), then `docker …` for the engine's CLI on the host or a container of that image.
function readListItem(input: {
  cmd: string;
  segment: ListSegment;
  aliases: ReadonlyMap<string, string> | undefined;
  location: SourceLocation;
}): { item: ListItem } | { problem: string; hint: string } {
  const { segment } = input;
  const text = input.cmd.slice(segment.start, segment.end);
  const operator = segment.operator ?? ';';
  const words = splitWords(text).words;
  const builtin = readBuiltin(words);
  if (builtin && 'problem' in builtin) return builtin;
  const item = (command: ListCommand): { item: ListItem } => ({ item: { operator, command, text: text.trim(), location: input.location } });
  if (builtin) return item({ kind: 'builtin', builtin: builtin.builtin, words });
  const expanded = input.aliases ? expandCommandWord(text, input.aliases) : text;
  const expandedWords = expanded === text ? words : splitWords(expanded).words;
  if (expandedWords[0] === 'docker') return item({ kind: 'host-docker', words: expandedWords });
  return item({
    kind: 'container',
    words: expandedWords,
    ...(expanded !== text && { imageOrigin: { written: words[0] ?? '', isAlias: true } }),
  });
}

// Whether cmd text is written in the file: each character mapped to the rendered text the YAML
// parser read, whose value spans say what came from values. The range checked runs from just
// after the character before, so a folded line break or an escape is judged with what it folds.
function writtenCheckFor(input: {
  document: WrittenDocument;
  source: SourceText | undefined;
  pointer: string;
  written: string;
  toWritten: (index: number) => number | undefined;
}): WrittenCheck {
  const { source } = input;
  // A task normalised from a document without its text (tests) is its own written text.
  if (!source) return () => 'written';
  const span = input.document.spans.get(input.pointer);
  let offsets: readonly number[] | undefined;
  return (start, end) => {
    if (span?.shape !== 'scalar') return 'unsure';
    const first = input.toWritten(start);
    const last = input.toWritten(end - 1);
    // Inside the value an alias put in place of the first word.
    if (first === undefined || last === undefined) return 'value';
    offsets ??= findScalarCharOffsets({ text: source.text, scalarOffset: span.valueOffset, value: input.written });
    const from = offsets[first];
    const to = offsets[last];
    if (from === undefined || to === undefined) return 'unsure';
    const before = first > 0 ? offsets[first - 1] : undefined;
    if (first > 0 && before === undefined) return 'unsure';
    const rangeStart = before !== undefined && before < from ? before + 1 : from;
    return isWrittenRange(source, rangeStart, to + 1) ? 'written' : 'value';
  };
}

function describeUncountedOperator(operator: UncountedOperator, location: SourceLocation): Diagnostic {
  const shown = operator.operator === 'a line break' ? 'a line break' : `\`${operator.operator}\``;
  if (operator.reason === 'value') {
    return warning(
      'cmd-value-operator',
      `${shown} in \`cmd\` comes from a value (a template, an alias, --set, a secret or a run variable): taskrun passes it to the container as text; ACR's agent shell would run what follows it as a host command`,
      location,
      'if the value should not hold shell syntax, check where it comes from; to join commands, write the operator in the task file',
    );
  }
  return warning(
    'cmd-unsure-operator',
    `taskrun cannot tell whether ${shown} in \`cmd\` is written in the task file, so it does not join commands: taskrun passes it to the container as text`,
    location,
    'write the `cmd` as a plain, quoted or block scalar without an anchor, alias or indentation digit to have it join commands',
  );
}

const MAX_LIST_PROBLEMS = 5;

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

function checkQuotes(input: {
  key: string;
  /** Its index is in `written`; undefined when the quote is not written there (it came from an alias). */
  unclosedQuote: { readonly quote: UnclosedQuote['quote']; readonly index: number | undefined } | undefined;
  /** The value as the YAML parser read it. */
  written: string;
  document: WrittenDocument;
  source: SourceText | undefined;
  pointer: string;
}): Diagnostic[] {
  if (!input.unclosedQuote) return [];
  const { quote, index } = input.unclosedQuote;
  return [
    error(
      'unclosed-quote',
      `\`${input.key}\` has a ${quote} quote that is never closed`,
      locateValueChar({ ...input, index }),
      `close it with another ${quote}, or escape it as \\${quote}`,
    ),
  ];
}

// `expandCommandWord` swaps the first word of the trimmed text for the alias value and keeps
// the rest as it is, so an index past the alias value maps back by the difference in length.
function indexInWrittenCmd(input: { written: string; expanded: string; index: number }): number | undefined {
  const trimmed = trimGoSpace(input.written);
  const firstWord = trimmed.split(' ')[0] ?? '';
  const rest = trimmed.slice(firstWord.length);
  const aliasEnd = input.expanded.length - rest.length;
  if (input.index < aliasEnd || input.expanded.slice(aliasEnd) !== rest) return undefined;
  return input.written.indexOf(trimmed) + firstWord.length + (input.index - aliasEnd);
}

// Where the character `written[index]` of the scalar at `pointer` is in the user's file; the
// value's start when that cannot be told exactly (an alias `*x`, an indentation digit, no source).
function locateValueChar(input: {
  document: WrittenDocument;
  source: SourceText | undefined;
  pointer: string;
  written: string;
  index: number | undefined;
}): SourceLocation {
  const { document, source, pointer, index } = input;
  const span = document.spans.get(pointer);
  if (!source || index === undefined || span?.shape !== 'scalar') return document.at(pointer);
  const offset = findScalarCharOffset({ text: source.text, scalarOffset: span.valueOffset, value: input.written, index });
  if (offset === undefined) return document.at(pointer);
  const lineStart = source.text.lastIndexOf('\n', offset - 1) + 1;
  return locate(source, lineNumberAt(source, offset), offset - lineStart + 1);
}

// Line start offsets of a text, made once: every item of a command list is located.
const LINE_STARTS = new WeakMap<SourceText, readonly number[]>();

/** The 1-based line of `source.text` that holds `offset`. */
function lineNumberAt(source: SourceText, offset: number): number {
  let starts = LINE_STARTS.get(source);
  if (!starts) {
    const found = [0];
    for (let at = source.text.indexOf('\n'); at >= 0; at = source.text.indexOf('\n', at + 1)) found.push(at + 1);
    starts = found;
    LINE_STARTS.set(source, starts);
  }
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
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
