// CLI: `taskrun run FILE` — its flags; the work is in ../run-task.ts.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { addTaskOptions, type TaskOptions } from '../task-options.js';

export interface RunCommandOptions extends TaskOptions {
  readonly dryRun?: boolean;
  readonly bind?: boolean;
  readonly engineFor: string[];
  readonly engine?: string;
  readonly maxParallel?: number;
  readonly timeout: number;
  readonly logFormat: 'text' | 'json';
  readonly quiet?: boolean;
  readonly output: 'text' | 'json';
  readonly summary?: string;
}

export function registerRunCommand(program: Command): void {
  addTaskOptions(
    program
      .command('run')
      .description('run a task file: build, push and cmd steps on docker or podman')
      .argument('<file>', 'task file (acr-task.yaml)')
      .option('--dry-run', 'print the plan and the exact commands; run nothing')
      .option('--bind', 'mount the context folder itself at /workspace, so steps write it (default: a copy in a per-run volume)')
      .option('--engine <engine>', 'docker or podman (default: $TASKRUN_ENGINE, else docker when its daemon answers, else podman)')
      .option('--engine-for <platform=endpoint>', 'run build steps for PLATFORM (their --platform) on another engine: a DOCKER_HOST/CONTAINER_HOST URL or a context name (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
      .option('--max-parallel <n>', 'run at most N steps at once (default: unbounded, as on ACR)', parsePositiveInt('--max-parallel'))
      .option('--timeout <seconds>', 'time limit of the whole run', parsePositiveInt('--timeout'), 3600)
      .addOption(new Option('--log-format <format>', 'text for people, json for NDJSON events on stdout').choices(['text', 'json']).default('text'))
      .option('-q, --quiet', 'print only errors and the final summary')
      .addOption(new Option('--output <format>', 'json prints the final run summary as one JSON document on stdout').choices(['text', 'json']).default('text'))
      .option('--summary <file>', 'write a Markdown summary of the run (e.g. $GITHUB_STEP_SUMMARY)'),
  ).action(async (file: string, options: RunCommandOptions, command: Command) => {
    // Loaded on demand so `taskrun --help` and the other commands start fast.
    const { runTaskCommand } = await import('../run-task.js');
    process.exitCode = await runTaskCommand({ file, options, argv: command.parent?.args ?? [] });
  });
}

function parsePositiveInt(flag: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`${flag} takes a whole number greater than 0`);
    return parsed;
  };
}
