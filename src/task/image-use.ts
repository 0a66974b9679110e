// Stage 3, lint: what each step does with images and manifest lists, as far as its words
// tell, and which steps a step waits for. The image-flow lint rules read these.

import { didYouMean } from '../diagnostics.js';
import { parseDockerBuildArgs } from './build-args.js';
import { canonicalImageReference, repositoryOf, withDefaultTag } from './image-reference.js';
import type { Step } from './types.js';

/** A reference a step names, with the JSON pointer of the value it is written in. */
export interface NamedImage {
  readonly image: string;
  readonly pointer: string;
}

export interface ImageUse {
  /** Images the step builds, tags or pulls: they exist locally afterwards. */
  readonly provides: string[];
  /** Images the step pushes. */
  readonly pushes: NamedImage[];
  /** Images that must exist when the step starts: a cmd step's image, what it pushes or runs. */
  readonly needs: NamedImage[];
  /** `docker manifest create LIST IMG…`. */
  readonly manifestCreate?: { readonly list: string; readonly images: readonly string[] };
  /** `docker manifest push|annotate LIST …`: lists that must have been created. */
  readonly manifestUses: NamedImage[];
  /** `docker manifest inspect [LIST] REF`: may be a list made here or anything in a registry. */
  readonly manifestInspects: NamedImage[];
  /** A build (step or `docker build` in a cmd step): its tags, Dockerfile and `--platform`. */
  readonly build?: { readonly tags: readonly string[]; readonly dockerfile?: string; readonly platform?: string };
}

const NO_USE: ImageUse = { provides: [], pushes: [], needs: [], manifestUses: [], manifestInspects: [] };

/** Whether a `cmd` image is the docker CLI (`docker`, `docker:27`, `mcr.microsoft.com/…/docker`). */
export function isDockerCliImage(image: string): boolean {
  const repository = repositoryOf(image);
  return repository.slice(repository.lastIndexOf('/') + 1) === 'docker';
}

// Reads the docker CLI subcommands that make, use or push images: build, tag, pull, push, run,
// create and manifest create|annotate|push|inspect.
export function imageUseOf(step: Step): ImageUse {
  const pointer = `/steps/${step.index}`;
  if (step.kind === 'build') {
    const platform = parseDockerBuildArgs(step.args).platform;
    return { ...NO_USE, provides: [...step.tags], build: { tags: step.tags, ...(step.dockerfile !== undefined && { dockerfile: step.dockerfile }), ...(platform !== undefined && { platform }) } };
  }
  if (step.kind === 'push') {
    const pushes = step.images.map((image, index) => ({ image, pointer: `${pointer}/push/${index}` }));
    return { ...NO_USE, pushes, needs: pushes };
  }
  const at = `${pointer}/cmd`;
  // Each command of a list: the step's own, then the later host `docker …` and container ones.
  const commands = [step.words, ...step.rest.flatMap((item) => (item.command.kind === 'builtin' ? [] : [item.command.words]))];
  return commands.map((words) => imageUseOfCommand(words, at)).reduce(mergeImageUse);
}

function mergeImageUse(a: ImageUse, b: ImageUse): ImageUse {
  const manifestCreate = a.manifestCreate ?? b.manifestCreate;
  const build = a.build ?? b.build;
  return {
    provides: [...a.provides, ...b.provides],
    pushes: [...a.pushes, ...b.pushes],
    needs: [...a.needs, ...b.needs.filter((need) => !a.provides.includes(need.image))],
    manifestUses: [...a.manifestUses, ...b.manifestUses],
    manifestInspects: [...a.manifestInspects, ...b.manifestInspects],
    ...(manifestCreate && { manifestCreate }),
    ...(build && { build }),
  };
}

function imageUseOfCommand(words: readonly string[], at: string): ImageUse {
  const [image = '', ...args] = words;
  if (!isDockerCliImage(image)) return { ...NO_USE, needs: image === '' ? [] : [{ image, pointer: at }] };
  let rest = args;
  if ((rest[0] === 'image' || rest[0] === 'buildx' || rest[0] === 'container') && rest.length > 1) rest = rest.slice(1);
  const [command, ...operands] = rest;
  const positional = operands.filter((word) => !word.startsWith('-'));
  const named = (images: readonly string[]) => images.map((named) => ({ image: named, pointer: at }));
  switch (command) {
    case 'build': {
      const parsed = parseDockerBuildArgs(operands);
      return {
        ...NO_USE,
        provides: parsed.tags,
        pushes: parsed.isPush ? named(parsed.tags) : [],
        build: { tags: parsed.tags, ...(parsed.dockerfile !== undefined && { dockerfile: parsed.dockerfile }), ...(parsed.platform !== undefined && { platform: parsed.platform }) },
      };
    }
    case 'tag':
      return { ...NO_USE, provides: positional.slice(1, 2), needs: named(positional.slice(0, 1)) };
    case 'pull':
      return { ...NO_USE, provides: positional.slice(0, 1) };
    case 'push':
      return { ...NO_USE, pushes: named(positional.slice(0, 1)), needs: named(positional.slice(0, 1)) };
    case 'run':
    case 'create':
      return { ...NO_USE, needs: named(firstRunOperand(operands)) };
    case 'manifest':
      return manifestUseOf(operands, at);
    default:
      return NO_USE;
  }
}

// `docker manifest` flags that take a value (`--os linux`): their values are not references.
const MANIFEST_FLAGS_WITH_VALUE = new Set(['--os', '--arch', '--variant', '--os-version', '--os-features', '--annotation', '--format']);

function manifestUseOf(operands: readonly string[], pointer: string): ImageUse {
  const [subcommand, ...rest] = operands;
  const refs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    if (!word.startsWith('-')) refs.push(word);
    else if (!word.includes('=') && MANIFEST_FLAGS_WITH_VALUE.has(word)) i++;
  }
  const named = (images: readonly string[]) => images.map((image) => ({ image, pointer }));
  switch (subcommand) {
    case 'create':
      return refs[0] === undefined ? NO_USE : { ...NO_USE, manifestCreate: { list: refs[0], images: refs.slice(1) } };
    case 'push':
    case 'annotate':
      return { ...NO_USE, manifestUses: named(refs.slice(0, 1)) };
    case 'inspect':
      // `inspect LIST REF` reads a local list; `inspect REF` may read anything in a registry.
      return refs.length > 1 ? { ...NO_USE, manifestUses: named(refs.slice(0, 1)) } : { ...NO_USE, manifestInspects: named(refs) };
    default:
      return NO_USE;
  }
}

// The flags of `docker run`/`create` that take a value, and those that take none, so the image
// is found after them; after any other flag the image is not guessed.
const RUN_FLAGS_WITH_VALUE = new Set([
  '-a', '--attach', '--add-host', '--cap-add', '--cap-drop', '--cgroupns', '--cidfile', '--cpus', '--cpu-shares', '-c', '--device', '--dns',
  '-e', '--env', '--env-file', '--entrypoint', '--expose', '--gpus', '--group-add', '-h', '--hostname', '--ip', '--ipc', '-l', '--label',
  '--log-driver', '--log-opt', '-m', '--memory', '--mount', '--name', '--network', '--net', '--network-alias', '-p', '--pid', '--publish',
  '--platform', '--pull', '--restart', '--runtime', '--security-opt', '--shm-size', '--stop-signal', '--stop-timeout', '--sysctl',
  '--tmpfs', '-u', '--user', '--userns', '--ulimit', '-v', '--volume', '--volumes-from', '-w', '--workdir',
]);
const RUN_FLAGS_WITHOUT_VALUE = new Set(['--rm', '-d', '--detach', '-i', '--interactive', '-t', '--tty', '-it', '-ti', '--privileged', '--init', '--read-only', '-P', '--publish-all', '-q', '--quiet']);

function firstRunOperand(operands: readonly string[]): string[] {
  for (let i = 0; i < operands.length; i++) {
    const word = operands[i] ?? '';
    if (word === '--') return operands.slice(i + 1, i + 2);
    if (!word.startsWith('-')) return [word];
    if (word.includes('=') || RUN_FLAGS_WITHOUT_VALUE.has(word)) continue;
    if (!RUN_FLAGS_WITH_VALUE.has(word)) return [];
    i++;
  }
  return [];
}

/** Images by canonical reference (`img` and `docker.io/library/img:latest` are one), with the name as written. */
export class ImageSet<T> {
  private readonly entries = new Map<string, { readonly name: string; readonly data: T }>();

  has(image: string): boolean {
    return this.entries.has(canonicalImageReference(image));
  }

  get(image: string): T | undefined {
    return this.entries.get(canonicalImageReference(image))?.data;
  }

  add(image: string, data: T): void {
    if (!this.has(image)) this.entries.set(canonicalImageReference(image), { name: withDefaultTag(image), data });
  }

  /** The closest image, named as written, for "did you mean"; compared in Docker Hub's short form. */
  suggest(image: string): { readonly name: string; readonly data: T } | undefined {
    const byShortName = new Map([...this.entries].map(([canonical, entry]) => [shortImageName(canonical), entry]));
    const suggestion = didYouMean(shortImageName(canonicalImageReference(image)), byShortName.keys());
    return suggestion === undefined ? undefined : byShortName.get(suggestion);
  }
}

/** `docker.io/library/img:1` → `img:1`, `docker.io/user/img:1` → `user/img:1`. */
function shortImageName(canonical: string): string {
  return canonical.replace(/^docker\.io\/(?:library\/(?!.*\/))?/, '');
}

/** For each step index, the indexes of every step it waits for through `when`, directly or not. */
export function waitedForSteps(steps: readonly Step[]): ReadonlySet<number>[] {
  const indexById = new Map(steps.map((step) => [step.id, step.index]));
  const waited: Set<number>[] = [];
  for (const step of steps) {
    const direct =
      step.when.kind === 'start' ? [] : step.when.kind === 'previous' ? (step.index > 0 ? [step.index - 1] : []) : step.when.ids.map((id) => indexById.get(id) ?? -1);
    const all = new Set<number>();
    for (const parent of direct) {
      // `when` names only earlier steps (a rule of validate), so their sets are complete.
      if (parent < 0 || parent >= step.index) continue;
      all.add(parent);
      for (const ancestor of waited[parent] ?? []) all.add(ancestor);
    }
    waited.push(all);
  }
  return waited;
}
