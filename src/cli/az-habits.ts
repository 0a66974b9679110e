// CLI: `az acr run` habits on `taskrun run`: `-f FILE [CONTEXT]` (FILE relative to a local
// context, `-f -` from stdin), `--cmd 'IMAGE ARGS'` quick runs, and the az flags that mean
// nothing locally, each refused with what taskrun does instead.

import path from 'node:path';
import { error, InputError } from '../diagnostics.js';
import { parseContextArgument, type ContextSource } from '../load/context-source.js';

/** What to run: a task file (or text given on stdin / by --cmd) and where its context comes from. */
export interface RunSource {
  /** The file as messages name it: a path, `-` (stdin) or `--cmd`. */
  readonly file: string;
  /** The task's text when it does not come from `file` on disk. */
  readonly text?: string;
  /** Undefined: the default context (the task file's folder, or none for stdin and --cmd). */
  readonly context?: ContextSource;
  /** `file` is relative to the context once it is unpacked or cloned (`-f` with a tar or git context). */
  readonly isFileInContext?: boolean;
}

export interface AzRunFlags {
  readonly file?: string;
  readonly cmd?: string;
  /** `--context DIR`, taskrun's own flag. */
  readonly context?: string;
}

// The az flags that ask for something only ACR's service has.
export const AZ_ONLY_FLAGS: Readonly<Record<string, string>> = {
  agentPool: '--agent-pool: taskrun runs on this machine\'s engine, not an agent pool; send builds of one platform to another engine with --engine-for',
  authMode: '--auth-mode: taskrun logs in with your docker/podman credentials (docker login / podman login)',
  noWait: '--no-wait: taskrun runs in the foreground; start it in the background from your shell and follow it with `taskrun logs ID --follow`',
  noLogs: '--no-logs: use -q for only errors and the summary, or --output json',
  platform: "--platform: the machine is this one; give each build its platform with `--platform` in the build step (.Run.OS and .Run.Architecture are this machine's)",
};

export function refuseAzOnlyFlags(flags: Readonly<Record<string, unknown>>): void {
  const used = Object.keys(AZ_ONLY_FLAGS).filter((key) => flags[key] !== undefined && flags[key] !== false);
  if (used.length === 0) return;
  throw new InputError(used.map((key) => error('az-flag-unsupported', `${AZ_ONLY_FLAGS[key]}`, undefined, 'taskrun runs the same task file on your own engine; see `taskrun run --help`')));
}

/** The quick task `az acr run --cmd` makes: one cmd step, aliases on (v1.1.0). */
export function quickRunTask(cmd: string): string {
  return ['version: v1.1.0', 'steps:', `  - cmd: ${JSON.stringify(cmd)}`, ''].join('\n');
}

/**
 * `taskrun run FILE [CONTEXT]`, `taskrun run -f FILE [CONTEXT]`, `taskrun run --cmd CMD [CONTEXT]`.
 * With a local folder as CONTEXT, a relative `-f` path is inside it, as az reads it.
 */
export function resolveRunSource(input: { positionals: readonly string[]; flags: AzRunFlags; readStdin: () => string }): RunSource {
  const { positionals, flags } = input;
  const usage = (message: string, hint: string) => new InputError([error('run-arguments', message, undefined, hint)]);
  if (flags.cmd !== undefined && flags.file !== undefined) throw usage('--cmd and -f both name what to run', 'give one of them');
  const fromFlags = flags.cmd !== undefined || flags.file !== undefined;
  const [first, second, ...rest] = positionals;
  if (rest.length > 0 || (fromFlags && second !== undefined)) {
    throw usage(`too many arguments: ${positionals.join(' ')}`, fromFlags ? 'after -f FILE or --cmd, give at most the context' : 'give the task file and at most the context');
  }
  const contextArgument = fromFlags ? first : second;
  if (contextArgument !== undefined && flags.context !== undefined) {
    throw usage(`the context is given twice: ${contextArgument} and --context ${flags.context}`, 'give it once');
  }
  const context = contextArgument !== undefined ? parseContextArgument(contextArgument) : undefined;
  // Stdin and --cmd have no folder of their own: without a context they get none (az: /dev/null).
  const orNone = (found: ContextSource | undefined): ContextSource | undefined => found ?? (flags.context === undefined ? { kind: 'none' } : undefined);
  if (flags.cmd !== undefined) return withContext({ file: '--cmd', text: quickRunTask(flags.cmd) }, orNone(context));
  const file = flags.file ?? first;
  if (file === undefined) throw usage('no task file given', 'taskrun run acr-task.yaml, taskrun run -f acr-task.yaml CONTEXT, or taskrun run --cmd "IMAGE ARGS" /dev/null');
  if (file === '-') return withContext({ file: '-', text: input.readStdin() }, orNone(context));
  const isRelativeToContext = flags.file !== undefined && context !== undefined && context.kind !== 'none' && !path.isAbsolute(file);
  if (isRelativeToContext && context.kind === 'folder') return { file: path.join(context.path, file), context };
  return { file, ...(context && { context }), ...(isRelativeToContext && { isFileInContext: true }) };
}

function withContext(source: RunSource, context: ContextSource | undefined): RunSource {
  return context ? { ...source, context } : source;
}
