// Stage 3, normalise: `--image-map FROM=TO` (as act's `-P`): the image of a cmd step is replaced
// before anything runs, e.g. ACR's `bash` alias (mcr.microsoft.com/acr/bash) by an image this
// machine has. FROM matches the first word as written (an alias name) or the image it names.

import { readFile } from '../sync-fs.js';
import { error, warning, InputError, type Diagnostic } from '../diagnostics.js';
import { canonicalImageReference } from './image-reference.js';
import { isDockerCliImage } from './image-use.js';
import type { CmdStep, ImageOrigin, ListItem, Task } from './types.js';

export interface ImageMapping {
  readonly from: string;
  readonly to: string;
  /** Where it was given, for messages: `--image-map` or `FILE:LINE`. */
  readonly source: string;
}

/** `FROM=TO` items of `--image-map`; an item without `=` or with an empty side is a usage error. */
export function parseImageMapFlags(items: readonly string[]): ImageMapping[] {
  return items.map((item) => parseMapping(item, '--image-map'));
}

function parseMapping(item: string, source: string): ImageMapping {
  const equals = item.indexOf('=');
  const from = item.slice(0, equals).trim();
  const to = item.slice(equals + 1).trim();
  if (equals < 0 || from === '' || to === '') {
    throw new InputError([error('invalid-image-map', `${source}: \`${item}\` is not FROM=TO`, undefined, 'e.g. --image-map bash=busybox or --image-map mcr.microsoft.com/acr/az:cli=my/az:1')]);
  }
  return { from, to, source };
}

/** A file of `FROM=TO` lines (blank lines and `#` comments ignored), for `--image-map-file`. */
export async function readImageMapFile(file: string): Promise<ImageMapping[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (caught) {
    throw new InputError([error('file-unreadable', `cannot read --image-map-file '${file}': ${(caught as NodeJS.ErrnoException).code ?? (caught as Error).message}`, undefined, 'give a file of FROM=TO lines')]);
  }
  return text.split(/\r?\n/).flatMap((line, index) => (line.trim() === '' || line.trim().startsWith('#') ? [] : [parseMapping(line, `${file}:${index + 1}`)]));
}

/** The image a container command runs, and where its name came from. */
interface ImageCommand {
  readonly words: readonly string[];
  readonly imageOrigin?: ImageOrigin;
}

function matches(mapping: ImageMapping, command: ImageCommand): boolean {
  const image = command.words[0] ?? '';
  if (command.imageOrigin?.isAlias && mapping.from === command.imageOrigin.written) return true;
  return mapping.from === image || canonicalImageReference(mapping.from) === canonicalImageReference(image);
}

/** The task with mapped cmd images (the last matching mapping wins), and a warning per mapping that matched nothing. */
export function applyImageMap(task: Task, mappings: readonly ImageMapping[]): { task: Task; diagnostics: Diagnostic[] } {
  if (mappings.length === 0) return { task, diagnostics: [] };
  const used = new Set<ImageMapping>();
  // `docker …` commands run the engine's CLI on the host: there is no image to replace.
  const mapCommand = <T extends ImageCommand>(command: T): T => {
    if (isDockerCliImage(command.words[0] ?? '')) return command;
    const mapping = mappings.findLast((candidate) => matches(candidate, command));
    if (!mapping) return command;
    used.add(mapping);
    const from = command.words[0] ?? '';
    const origin = command.imageOrigin;
    return { ...command, words: [mapping.to, ...command.words.slice(1)], imageOrigin: { written: origin?.written ?? from, isAlias: origin?.isAlias ?? false, mappedFrom: from } };
  };
  const steps = task.steps.map((step) => {
    if (step.kind !== 'cmd') return step;
    const rest = step.rest.map((item): ListItem => (item.command.kind === 'container' ? { ...item, command: mapCommand(item.command) } : item));
    const mapped: CmdStep = { ...mapCommand(step), rest };
    return mapped;
  });
  const diagnostics = mappings
    .filter((mapping) => !used.has(mapping))
    .map((mapping) => warning('image-map-unused', `${mapping.source} ${mapping.from}=${mapping.to} matches no cmd step's image`, undefined, 'FROM is an alias name (bash) or the image a cmd step names'));
  return { task: { ...task, steps }, diagnostics };
}
