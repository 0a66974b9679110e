// CLI: `taskrun validate FILE` — every error and warning of a task file, nothing runs.

import type { Command } from 'commander';
import { annotateDiagnostics } from '../ci/annotations.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { addTaskOptions, prepareWithoutRun, type TaskOptions } from '../task-options.js';

export function registerValidateCommand(program: Command): void {
  addTaskOptions(
    program
      .command('validate')
      .description('check a task file: YAML, schema, step rules and lint warnings; runs nothing')
      .argument('<file>', 'task file (acr-task.yaml)'),
  ).action(async (file: string, options: TaskOptions) => {
    const { prepared } = await prepareWithoutRun(file, options);
    printDiagnostics(prepared.diagnostics, (text) => process.stderr.write(text));
    annotateDiagnostics({ diagnostics: prepared.diagnostics, ci: options.ci, write: (text) => process.stderr.write(text) });
    const steps = prepared.task.steps.length;
    process.stdout.write(`${file}: valid (${steps} step${steps === 1 ? '' : 's'}, version ${prepared.task.version})\n`);
  });
}
