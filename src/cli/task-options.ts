// CLI: the template flags every task command shares (`--registry`, `--set`, `--values`, …),
// and their translation into the pipeline's PrepareInput.

import { Option, type Command } from 'commander';
import type { RunVarFlags } from '../load/run-vars.js';
import type { PrepareInput, PreparedTask } from '../task/prepare.js';
import { CI_CHOICES, type CiChoice } from './ci/ci-kind.js';
import { parseSecretFlags } from './secret-flags.js';
import { InputError, type Diagnostic } from '../diagnostics.js';
import { createMasker, type Masker } from '../record/masker.js';
import { validateRunId } from '../record/run-id.js';

/** Shown wherever no run ID exists yet (`render`, `--dry-run`), so `myimage:{{.Run.ID}}` never renders as `myimage:`. */
export const PLACEHOLDER_RUN_ID = 'run-id';

/** Commander's parsed flags; `--commit`, `--branch`, … keep the names the run variables use. */
export interface TaskOptions extends Omit<RunVarFlags, 'sharedVolume'> {
  readonly registry?: string;
  readonly runId?: string;
  readonly set: string[];
  readonly values: string[];
  readonly context?: string;
  readonly strict?: boolean;
  readonly allowOutsideContext?: boolean;
  readonly imageMap?: string[];
  readonly imageMapFile?: string[];
  readonly secret: string[];
  readonly secretEnv: string[];
  /** The CI service whose log markers to write (groups, annotations). */
  readonly ci?: CiChoice;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addTaskOptions(command: Command): Command {
  return command
    .option('-r, --registry <host>', 'value of {{.Run.Registry}} (default: localhost:5000, the local lab registry)')
    .option('--run-id <id>', 'value of {{.Run.ID}} (letters, digits, -, _ and .)', parseRunId)
    .option('--set <key=value>', 'set {{.Values.key}} (repeatable; beats --values)', collect, [])
    .option('--values <file>', 'YAML file of {{.Values}} (repeatable; later files win)', collect, [])
    .option('-c, --commit <sha>', 'value of {{.Run.Commit}} (default: CI variables, then git in the context folder)')
    .option('--branch <name>', 'value of {{.Run.Branch}} (default: CI variables, then git in the context folder)')
    .option('--repository <name>', 'value of {{.Run.Repository}}')
    .option('--git-tag <tag>', 'value of {{.Run.GitTag}}')
    .option('--triggered-by <who>', 'value of {{.Run.TriggeredBy}}')
    .option('--task-name <name>', 'value of {{.Run.TaskName}}')
    .option('--os-version <version>', 'value of {{.Run.OSVersion}}')
    .option('--context <dir>', 'build context, mounted at /workspace in cmd steps (default: the task file\'s folder)')
    .option('--secret <id=value>', 'value of {{.Secrets.id}} (repeatable)', collect, [])
    .option('--secret-env <id=ENV_VAR>', 'value of {{.Secrets.id}} read from an environment variable (repeatable)', collect, [])
    .option('--strict', 'treat every warning as an error')
    .option('--allow-outside-context', "let alias src files be outside the task file's folder and the context folder")
    .option('--image-map <from=to>', "run cmd steps' image FROM (an alias such as bash, or an image) as TO (repeatable)", collect, [])
    .option('--image-map-file <file>', 'FROM=TO lines for --image-map (repeatable)', collect, [])
    .addOption(new Option('--ci <service>', 'write the log markers of this CI (groups, annotations); auto detects GitHub Actions, GitLab CI, Azure Pipelines').choices(CI_CHOICES).default('auto'));
}

// Checked as the flag is read: an ID that `run` refuses must not render in `render` or a dry run.
function parseRunId(value: string): string {
  const invalid = validateRunId(value);
  if (invalid) throw new InputError([invalid]);
  return value;
}

function pickRunVarFlags({ commit, branch, repository, gitTag, triggeredBy, taskName, osVersion }: TaskOptions): RunVarFlags {
  return { commit, branch, repository, gitTag, triggeredBy, taskName, osVersion };
}

export function toPrepareInput(
  file: string,
  options: TaskOptions,
  extra: { runId: string; secrets: Readonly<Record<string, string>>; text?: string | undefined },
): PrepareInput {
  return {
    file,
    ...(extra.text !== undefined && { text: extra.text }),
    runId: extra.runId,
    secrets: extra.secrets,
    valuesFiles: options.values,
    set: options.set,
    strict: options.strict ?? false,
    allowOutsideContext: options.allowOutsideContext ?? false,
    imageMap: options.imageMap ?? [],
    imageMapFiles: options.imageMapFile ?? [],
    ...(options.registry !== undefined && { registry: options.registry }),
    runVarFlags: pickRunVarFlags(options),
    ...(options.context !== undefined && { contextDir: options.context }),
  };
}

export interface PreparedWithMasker {
  readonly prepared: PreparedTask;
  /** Hides every secret value in what the command prints. */
  readonly masker: Masker;
}

/** `--secret`/`--secret-env` values, and the masker that hides them in everything printed. */
export function readSecrets(options: TaskOptions): { secrets: Record<string, string>; masker: Masker } {
  const secrets = parseSecretFlags({ secret: options.secret, secretEnv: options.secretEnv, env: process.env });
  return { secrets, masker: createMasker(Object.values(secrets)) };
}

/** Prepares the task for commands that run nothing (`validate`, `graph`, `run --dry-run`). */
export async function prepareWithoutRun(file: string, options: TaskOptions): Promise<PreparedWithMasker> {
  const { secrets, masker } = readSecrets(options);
  const prepared = await prepareMasked(toPrepareInput(file, options, { runId: options.runId ?? PLACEHOLDER_RUN_ID, secrets }), masker);
  return { prepared, masker };
}

/** prepareTask, with secret values hidden in every diagnostic it reports. */
export async function prepareMasked(input: PrepareInput, masker: Masker): Promise<PreparedTask> {
  // Loaded on demand: the pipeline's parsers are the bulk of start-up time, and `--help` needs none of them.
  const { prepareTask } = await import('../task/prepare.js');
  try {
    const prepared = await prepareTask(input);
    return { ...prepared, diagnostics: maskDiagnostics(prepared.diagnostics, masker) };
  } catch (caught) {
    if (caught instanceof InputError) throw new InputError(maskDiagnostics(caught.diagnostics, masker));
    throw caught;
  }
}

export function maskDiagnostics(diagnostics: readonly Diagnostic[], masker: Masker): Diagnostic[] {
  return diagnostics.map((d) => ({
    ...d,
    message: masker.mask(d.message),
    ...(d.hint !== undefined && { hint: masker.mask(d.hint) }),
  }));
}
