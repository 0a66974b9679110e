// CLI: `taskrun validate FILE` — every error and warning of a task file, nothing runs.

import type { Command } from 'commander';
import { hasErrors, InputError, type Diagnostic } from '../../diagnostics.js';
import type { Task } from '../../task/types.js';
import { annotateDiagnostics } from '../ci/annotations.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { addTaskOptions, maskDiagnostics, prepareWithoutRun, type TaskOptions } from '../task-options.js';
import { writeStderr, writeStdout } from '../std-write.js';

// Only a task that may build with BuildKit asks an engine, the one `run` would choose; without
// one that answers there is nothing to check.
async function checkEngineFindings(task: Task, options: ValidateOptions): Promise<Diagnostic[]> {
  const mayUseBuildkit = process.env.DOCKER_BUILDKIT !== undefined || task.steps.some((step) => step.kind === 'build' && step.buildkit !== undefined);
  if (!mayUseBuildkit) return [];
  const { selectEngine } = await import('../../engine/select-engine.js');
  // No engine that answers: nothing to check. A misspelt --engine is still an error.
  const engine = await selectEngine(options.engine !== undefined ? { requested: options.engine } : {}).catch((caught: unknown) => {
    if (caught instanceof InputError && caught.diagnostics.every((d) => d.code === 'engine-unavailable')) return undefined;
    throw caught;
  });
  if (!engine) return [];
  const { checkBuildkit } = await import('../../run/preflight.js');
  return checkBuildkit({ task, engine, severity: options.strict ? 'error' : 'warning' });
}

type ValidateOptions = TaskOptions & { engine?: string };

export function registerValidateCommand(program: Command): void {
  addTaskOptions(
    program
      .command('validate')
      .description('check a task file: YAML, schema, step rules and lint warnings; runs nothing')
      .argument('<file>', 'task file (acr-task.yaml)'),
  )
    .option('--engine <name>', 'the engine a run would use, for checks that depend on it (default as for run)')
    .action(async (file: string, options: ValidateOptions) => {
      const { prepared, masker } = await prepareWithoutRun(file, options);
      const engineFindings = await checkEngineFindings(prepared.task, options);
      const diagnostics = maskDiagnostics([...prepared.diagnostics, ...engineFindings], masker);
      if (hasErrors(diagnostics)) throw new InputError(diagnostics);
      printDiagnostics(diagnostics, writeStderr);
      annotateDiagnostics({ diagnostics, ci: options.ci, write: writeStderr });
      const steps = prepared.task.steps.length;
      writeStdout(`${file}: valid (${steps} step${steps === 1 ? '' : 's'}, version ${prepared.task.version})\n`);
    });
}
