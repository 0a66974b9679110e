// CLI: `taskrun graph FILE` — the step graph as text, Mermaid or Graphviz dot.

import { Option, type Command } from 'commander';
import { formatGraph, GRAPH_FORMATS, type GraphFormat } from '../../plan/format.js';
import { planTask } from '../../plan/plan.js';
import { annotateDiagnostics } from '../ci/annotations.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { addTaskOptions, prepareWithoutRun, type TaskOptions } from '../task-options.js';

export function registerGraphCommand(program: Command): void {
  addTaskOptions(
    program
      .command('graph')
      .description('print the step graph: which steps wait for which, and what runs in parallel')
      .argument('<file>', 'task file (acr-task.yaml)')
      .addOption(new Option('--format <format>', 'output format').choices(GRAPH_FORMATS).default('text')),
  ).action(async (file: string, options: TaskOptions & { format: GraphFormat }) => {
    const { prepared } = await prepareWithoutRun(file, options);
    printDiagnostics(prepared.diagnostics, (text) => process.stderr.write(text));
    annotateDiagnostics({ diagnostics: prepared.diagnostics, ci: options.ci, write: (text) => process.stderr.write(text) });
    process.stdout.write(formatGraph(planTask(prepared.task), options.format));
  });
}
