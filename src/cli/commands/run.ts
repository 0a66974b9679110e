// CLI: `taskrun run FILE` — its flags; the work is in ../run-task.ts.

import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RunCommandOptions } from '../run-options.js';
import { addTaskOptions } from '../task-options.js';

export function registerRunCommand(program: Command): void {
  addTaskOptions(
    program
      .command('run')
      .description('run a task file: build, push and cmd steps on docker or podman')
      .argument('<file>', 'task file (acr-task.yaml)')
      .option('--dry-run', 'print the plan and the exact commands; run nothing')
      .option('--engine <engine>', 'docker or podman (default: $TASKRUN_ENGINE, else docker when its daemon answers, else podman)')
      .option('--max-parallel <n>', 'run at most N steps at once (default: unbounded, as on ACR)', parsePositiveInt('--max-parallel'))
      .option('--timeout <seconds>', 'time limit of the whole run', parsePositiveInt('--timeout'), 3600)
      .addOption(new Option('--log-format <format>', 'text for people, json for NDJSON events on stdout').choices(['text', 'json']).default('text'))
      .option('-q, --quiet', 'print only errors and the final summary')
      .addOption(new Option('--progress <mode>', 'tty: a live view of the running steps; plain: every output line; auto: tty on a terminal').choices(['auto', 'tty', 'plain']).default('auto'))
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
