// CLI: `taskrun render FILE` — the task text exactly as the YAML parser will see it.

import type { Command } from 'commander';
import { TaskInputError } from '../../diagnostics.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { addTaskOptions, prepareWithoutRun, type TaskOptions } from '../task-options.js';

function printRendered(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function registerRenderCommand(program: Command): void {
  addTaskOptions(
    program
      .command('render')
      .description('print the task file after aliases and templates are applied (what gets parsed)')
      .argument('<file>', 'task file (acr-task.yaml)'),
  ).action(async (file: string, options: TaskOptions) => {
    try {
      const { prepared, masker } = await prepareWithoutRun(file, options);
      printDiagnostics(prepared.diagnostics, (text) => process.stderr.write(text));
      printRendered(masker.mask(prepared.rendered.text));
    } catch (caught) {
      // The rendered text is what you need to see when it does not parse (prepareMasked masked it).
      if (caught instanceof TaskInputError && caught.rendered) printRendered(caught.rendered.text);
      throw caught;
    }
  });
}
