// CLI: `taskrun render FILE` — the task text exactly as the YAML parser will see it.

import type { Command } from 'commander';
import { hasErrors, InputError } from '../../diagnostics.js';
import { encodeGoBytes } from '../../load/go-bytes.js';
import { annotateDiagnostics } from '../ci/annotations.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { addTaskOptions, maskDiagnostics, PLACEHOLDER_RUN_ID, readSecrets, toPrepareInput, type TaskOptions } from '../task-options.js';
import { writeStderr, writeStdout } from '../std-write.js';

export function registerRenderCommand(program: Command): void {
  addTaskOptions(
    program
      .command('render')
      .description('print the task file after aliases and templates are applied (what gets parsed); does not validate it')
      .argument('<file>', 'task file (acr-task.yaml)'),
  ).action(async (file: string, options: TaskOptions) => {
    const { secrets, masker } = readSecrets(options);
    const { renderTask } = await import('../../task/prepare.js');
    const { rendered, diagnostics } = await renderTask(toPrepareInput(file, options, { runId: options.runId ?? PLACEHOLDER_RUN_ID, secrets }));
    // The text is shown even next to errors (`--strict`): it is what you need to see then.
    if (rendered) {
      const text = masker.mask(rendered.text);
      // Bytes, not text: an invalid UTF-8 byte of the file is printed as that byte, as acb does.
      writeStdout(encodeGoBytes(text.endsWith('\n') ? text : `${text}\n`));
    }
    if (hasErrors(diagnostics)) throw new InputError(maskDiagnostics(diagnostics, masker));
    const masked = maskDiagnostics(diagnostics, masker);
    printDiagnostics(masked, writeStderr);
    annotateDiagnostics({ diagnostics: masked, ci: options.ci, write: writeStderr });
  });
}
