// Stage 3, lint: image-flow bugs found in real task files, which otherwise fail late (after
// builds and pushes) or by timing: a manifest list pushed under another name than it was
// created, two entries of one platform, a step that uses an image without waiting for the step
// that makes it, and references that a value rendered empty.

import { error, warning } from '../diagnostics.js';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { splitLines } from '../source-text.js';
import { isValidImageReference } from './image-reference.js';
import { ImageSet, imageUseOf, waitedForSteps } from './image-use.js';
import type { NamedImage } from './image-use.js';
import { writtenFormOf, type LintContext, type LintRule } from './lint-rule.js';
import type { Step } from './types.js';

// `docker manifest push`/`annotate` need a list made by `docker manifest create`; `inspect` of a
// name close to a created list is most likely the same mistake.
const manifestListsAreCreated: LintRule = (context) => {
  const { task, document } = context;
  const diagnostics: Diagnostic[] = [];
  const created = new ImageSet<Step>();
  for (const step of task.steps) {
    const use = imageUseOf(step);
    const report = (named: NamedImage, isCertain: boolean) => {
      if (created.has(named.image)) return;
      const suggestion = created.suggest(named.image);
      if (!isCertain && !suggestion) return;
      diagnostics.push(
        warning(
          'manifest-unknown-list',
          `step \`${step.id}\` ${isCertain ? 'uses' : 'inspects'} the manifest list \`${named.image}\`, which no earlier step creates`,
          document.at(named.pointer),
          suggestion
            ? `did you mean \`${writtenFormOf(context, document.at(`/steps/${suggestion.data.index}/cmd`).line, suggestion.name)}\` (created by step \`${suggestion.data.id}\`, line ${suggestion.data.location.line})?`
            : `create it first: \`cmd: docker manifest create ${named.image} IMAGE…\``,
        ),
      );
    };
    for (const named of use.manifestUses) report(named, true);
    for (const named of use.manifestInspects) report(named, false);
    if (use.manifestCreate) created.add(use.manifestCreate.list, step);
  }
  return diagnostics;
};

const HOST_PLATFORM = 'no `--platform`';

// A build without --platform makes the platform of the machine it runs on: two such images in
// one list are two entries of one platform (a real "arm32" image came out amd64 that way).
const manifestPlatformsAreDistinct: LintRule = ({ task, document }) => {
  const diagnostics: Diagnostic[] = [];
  const builtFor = new ImageSet<{ readonly platform: string; readonly step: Step }>();
  for (const step of task.steps) {
    const use = imageUseOf(step);
    if (use.manifestCreate) {
      const byPlatform = new Map<string, string[]>();
      for (const image of use.manifestCreate.images) {
        const build = builtFor.get(image);
        if (build) byPlatform.set(build.platform, [...(byPlatform.get(build.platform) ?? []), image]);
      }
      for (const [platform, images] of byPlatform) {
        if (images.length < 2) continue;
        diagnostics.push(
          warning(
            'manifest-duplicate-platform',
            platform === HOST_PLATFORM
              ? `\`docker manifest create\` in step \`${step.id}\` lists ${images.map((image) => `\`${image}\``).join(' and ')}, all built with no \`--platform\`: a build makes the platform of the machine it runs on (unless its Dockerfile starts FROM another platform's base), so the list would hold that platform twice`
              : `\`docker manifest create\` in step \`${step.id}\` lists ${images.map((image) => `\`${image}\``).join(' and ')}, all built for ${platform}: the list would hold one platform twice`,
            document.at(`/steps/${step.index}/cmd`),
            platform === HOST_PLATFORM ? 'give each build its own `--platform` (e.g. `--platform linux/arm64`)' : 'build each image for its own `--platform`',
          ),
        );
      }
    }
    if (use.build) {
      for (const tag of use.build.tags) builtFor.add(tag, { platform: use.build.platform ?? HOST_PLATFORM, step });
    }
  }
  return diagnostics;
};

// With `when`, steps run in parallel: one that needs an image a step it does not wait for makes
// passes or fails by timing.
const imagesAreWaitedFor: LintRule = ({ task, document }) => {
  const diagnostics: Diagnostic[] = [];
  const waited = waitedForSteps(task.steps);
  const makers = new ImageSet<Step>();
  const pushers = new ImageSet<Step>();
  const uses = task.steps.map(imageUseOf);
  for (const [index, step] of task.steps.entries()) {
    for (const image of uses[index]?.provides ?? []) makers.add(image, step);
    for (const { image } of uses[index]?.pushes ?? []) pushers.add(image, step);
  }
  const check = (step: Step, image: string, maker: Step | undefined, pointer: string, verb: string) => {
    if (!maker || maker.index === step.index || waited[step.index]?.has(maker.index)) return;
    diagnostics.push(
      warning(
        'image-race',
        `step \`${step.id}\` uses \`${image}\`, which step \`${maker.id}\` ${verb}, but does not wait for it: the two run in parallel`,
        document.at(pointer),
        `add \`${maker.id}\` to the \`when\` of step \`${step.id}\``,
      ),
    );
  };
  for (const [index, step] of task.steps.entries()) {
    const use = uses[index];
    if (!use) continue;
    for (const { image, pointer } of use.needs) check(step, image, makers.get(image), pointer, 'builds');
    for (const image of use.manifestCreate?.images ?? []) check(step, image, pushers.get(image), `/steps/${step.index}/cmd`, 'pushes');
  }
  return diagnostics;
};

/** A reference a step names, and whether it was read from a command line (where taskrun may misread a flag's value). */
interface NamedReference extends NamedImage {
  readonly isFromCommandLine: boolean;
}

/** Every image reference a step names, once each, with where it is written. */
function referencesOf(step: Step): NamedReference[] {
  const use = imageUseOf(step);
  const at = `/steps/${step.index}/${step.kind}`;
  const isFromCommandLine = step.kind === 'cmd';
  const named: NamedReference[] = [
    ...(use.build?.tags ?? []).map((image) => ({ image, pointer: at })),
    ...use.pushes,
    ...use.needs,
    ...use.manifestUses,
    ...(use.manifestCreate ? [use.manifestCreate.list, ...use.manifestCreate.images].map((image) => ({ image, pointer: at })) : []),
  ].map((reference) => ({ ...reference, isFromCommandLine }));
  const byImage = new Map(named.map((reference) => [reference.image, reference]));
  return [...byImage.values()];
}

// A value that rendered empty leaves `/hello:1` or `:1`; the engine refuses it only when the step runs.
const imageReferencesAreValid: LintRule = (context) =>
  context.task.steps.flatMap((step) =>
    referencesOf(step)
      // Shell syntax (`$TAG`, `$(date)`) is host-shell's finding.
      .filter(({ image }) => !/[$`]/.test(image) && !isValidImageReference(image))
      .map(({ image, pointer, isFromCommandLine }) => {
        const location = context.document.at(pointer);
        // Read out of a cmd line, the reference may be a flag's value taskrun does not know: a warning only.
        return (isFromCommandLine ? warning : error)(
          'invalid-image-reference',
          `step \`${step.id}\` names \`${image}\`, which is not a valid image reference${describeEmptyPart(image)}`,
          location,
          hintForWrittenLine(context, location),
        );
      }),
  );

function describeEmptyPart(image: string): string {
  if (image.startsWith('/')) return ': its registry is empty';
  if (image.startsWith(':') || image.startsWith('@')) return ': its repository is empty';
  if (image.includes('//')) return ': one of its path parts is empty';
  if (/[:@]$/.test(image)) return ': its tag is empty';
  if (/[A-Z]/.test(image.split(/[:@]/)[0] ?? '')) return ': repository names are lowercase';
  return '';
}

// The line as written shows which values made the reference (`{{.Values.registry}}/hello`).
function hintForWrittenLine(context: LintContext, location: SourceLocation): string {
  const line = context.source ? splitLines(context.source.original)[location.line - 1] : undefined;
  const actions = line?.match(/\{\{.*?\}\}|\$[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  if (actions.length === 0) return 'write it as `[registry/]repository[:tag]`, in lowercase';
  return `line ${location.line} builds it from ${actions.map((action) => `\`${action}\``).join(', ')}: check that each has a value (--set, --values, a run variable)`;
}

export const IMAGE_FLOW_RULES: readonly LintRule[] = [manifestListsAreCreated, manifestPlatformsAreDistinct, imagesAreWaitedFor, imageReferencesAreValid];
