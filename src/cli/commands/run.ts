// CLI: `taskrun run FILE` — its flags; the work is in ../run-task.ts.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { readSync } from 'node:fs';
import { readStdinWithinLimit } from '../../load/file-size.js';
import { refuseAzOnlyFlags, resolveRunSource, type AzRunFlags } from '../az-habits.js';
import type { RunCommandOptions } from '../run-options.js';
import { addTaskOptions } from '../task-options.js';

export function registerRunCommand(program: Command): void {
  addTaskOptions(
    program
      .command('run')
      .description('run a task file: build, push and cmd steps on docker or podman')
      .argument('[file]', 'task file (acr-task.yaml); or use -f FILE / --cmd')
      .argument('[context]', 'build context: a folder, /dev/null (none), a .tar/.tar.gz file or a git URL (repo.git#branch:folder); default the task file\'s folder')
      .option('-f, --file <file>', 'task file, relative to CONTEXT when one is given, as with az acr run; - reads it from stdin')
      .option('--cmd <command>', 'run one command as a task of one cmd step (az acr run --cmd)')
      .option('--set-secret <id=value>', 'as --secret (az acr run --set-secret)', collectSecret, [])
      .option('--dry-run', 'print the plan and the exact commands; run nothing')
      .option('--bind', 'mount the context folder itself at /workspace, so steps write it (default: a copy in a per-run volume)')
      .option('--engine <engine>', 'docker or podman (default: $TASKRUN_ENGINE, else docker when its daemon answers, else podman)')
      .option('--engine-for <platform=endpoint>', 'run build steps for PLATFORM (their --platform) on another engine: a DOCKER_HOST/CONTAINER_HOST URL or a context name (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
      .option('--max-parallel <n>', 'run at most N steps at once (default: unbounded, as on ACR)', parsePositiveInt('--max-parallel'))
      .option('--timeout <seconds>', 'time limit of the whole run', parsePositiveInt('--timeout'), 3600)
      .addOption(new Option('--log-format <format>', 'text for people, json for NDJSON events on stdout').choices(['text', 'json']).default('text'))
      .option('-q, --quiet', 'print only errors and the final summary')
      .addOption(new Option('--progress <mode>', 'tty: a live view of the running steps; plain: every output line; auto: tty on a terminal').choices(['auto', 'tty', 'plain']).default('auto'))
      .addOption(new Option('--output <format>', 'json prints the final run summary as one JSON document on stdout').choices(['text', 'json']).default('text'))
      .option('--summary <file>', 'write a Markdown summary of the run (e.g. $GITHUB_STEP_SUMMARY)')
      .addOption(new Option('--agent-pool <name>').hideHelp())
      .addOption(new Option('--auth-mode <mode>').hideHelp())
      .addOption(new Option('--no-wait').hideHelp())
      .addOption(new Option('--no-logs').hideHelp())
      .addOption(new Option('--platform <platform>').hideHelp()),
  ).action(async (file: string | undefined, context: string | undefined, flags: RunCommandOptions & AzRunFlags & AzOnlyFlags, command: Command) => {
    refuseAzOnlyFlags({ ...flags, noWait: flags.wait === false ? true : undefined, noLogs: flags.logs === false ? true : undefined });
    const source = resolveRunSource({ positionals: [file, context].filter((arg): arg is string => arg !== undefined), flags, readStdin: () => readStdinWithinLimit((buffer) => readSync(0, buffer)) });
    const options: RunCommandOptions = { ...flags, secret: [...(flags.secret ?? []), ...(flags.setSecret ?? [])] };
    // Loaded on demand so `taskrun --help` and the other commands start fast.
    const { runTaskCommand } = await import('../run-task.js');
    process.exitCode = await runTaskCommand({ source, options, argv: command.parent?.args ?? [] });
  });
}

interface AzOnlyFlags {
  readonly setSecret?: string[];
  /** commander's name for `--no-wait` / `--no-logs`: false when given. */
  readonly wait?: boolean;
  readonly logs?: boolean;
}

function collectSecret(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePositiveInt(flag: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`${flag} takes a whole number greater than 0`);
    return parsed;
  };
}
