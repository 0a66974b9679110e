// CLI: `taskrun graph FILE` — the step graph as text, Mermaid, Graphviz dot, or a picture (SVG, PNG).

import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { error, InputError } from '../../diagnostics.js';
import { formatDotPicture, formatGraph, GRAPH_FORMATS, type GraphFormat } from '../../plan/format.js';
import { planTask } from '../../plan/plan.js';
import { annotateDiagnostics } from '../ci/annotations.js';
import { EXIT_FAILED, ExitError } from '../exit-codes.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { writeStderr, writeStdout } from '../std-write.js';
import { addTaskOptions, prepareWithoutRun, type TaskOptions } from '../task-options.js';

import type { GraphImageFormat as ImageFormat } from './graph-image.js';

const IMAGE_FORMATS: readonly ImageFormat[] = ['svg', 'png'];

interface GraphOptions extends TaskOptions {
  readonly format: GraphFormat | ImageFormat;
  readonly output?: string;
}

export function registerGraphCommand(program: Command): void {
  addTaskOptions(
    program
      .command('graph')
      .description('print the step graph: which steps wait for which, and what runs in parallel')
      .argument('<file>', 'task file (acr-task.yaml)')
      .addOption(new Option('--format <format>', 'output format (svg and png: a picture laid out by Graphviz)').choices([...GRAPH_FORMATS, ...IMAGE_FORMATS]).default('text'))
      .option('-o, --output <file>', 'write to this file instead of stdout'),
  ).action(async (file: string, options: GraphOptions) => {
    // A PNG is no text for a terminal: refused before any work, like every usage error.
    if (options.format === 'png' && options.output === undefined && process.stdout.isTTY) {
      throw new InputError([error('usage', '--format png writes binary data, which a terminal cannot show', undefined, 'write it to a file with -o graph.png, or redirect stdout')]);
    }
    const { prepared } = await prepareWithoutRun(file, options);
    printDiagnostics(prepared.diagnostics, writeStderr);
    annotateDiagnostics({ diagnostics: prepared.diagnostics, ci: options.ci, write: writeStderr });
    const plan = planTask(prepared.task);
    const content = isImageFormat(options.format) ? await renderImage(formatDotPicture(plan), options.format) : formatGraph(plan, options.format);
    if (options.output === undefined) {
      writeStdout(content);
      return;
    }
    await writeFile(options.output, content).catch((caught: NodeJS.ErrnoException) => {
      throw new InputError([error('output-unwritable', `--output ${options.output}: cannot write there (${caught.code ?? caught.message})`, undefined, 'name a file in a folder that exists')]);
    });
  });
}

function isImageFormat(format: string): format is ImageFormat {
  return (IMAGE_FORMATS as readonly string[]).includes(format);
}

async function renderImage(dotSource: string, format: ImageFormat): Promise<Uint8Array> {
  // Loaded on demand: Graphviz's WebAssembly is most of a megabyte that no other command needs.
  const { GraphImageError, renderGraphImage } = await import('./graph-image.js');
  try {
    return await renderGraphImage(dotSource, format);
  } catch (caught) {
    if (caught instanceof GraphImageError) throw new ExitError(EXIT_FAILED, caught.message);
    throw caught;
  }
}
