// CLI: `taskrun render FILE` — the task text exactly as the YAML parser will see it.

import type { Command } from 'commander';
import { printDiagnostics } from '../print-diagnostics.js';
import { addTaskOptions, prepareWithoutRun, type TaskOptions } from '../task-options.js';

export function registerRenderCommand(program: Command): void {
  addTaskOptions(
    program
      .command('render')
      .description('print the task file after aliases and templates are applied (what gets parsed)')
      .argument('<file>', 'task file (acr-task.yaml)'),
  ).action(async (file: string, options: TaskOptions) => {
    const { prepared, masker } = await prepareWithoutRun(file, options);
    printDiagnostics(prepared.diagnostics, (text) => process.stderr.write(text));
    const text = prepared.rendered.text;
    process.stdout.write(masker.mask(text.endsWith('\n') ? text : `${text}\n`));
  });
}
