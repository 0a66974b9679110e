// Stage 3, lint: warnings about tasks that are valid but probably not what their
// author meant: pushing images nothing built, a tag for one architecture built from
// another's Dockerfile, manifest lists of unpushed images, host-shell syntax, and
// `cache: enabled`, which taskrun does not honour, DOCKER_BUILDKIT values ACR reads otherwise.

import { warning } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { isAcrBuildkitValue, parseGoBool } from './buildkit.js';
import { ImageSet, imageUseOf } from './image-use.js';
import { IMAGE_FLOW_RULES } from './lint-images.js';
import { writtenFormOf, type LintContext, type LintRule } from './lint-rule.js';
import type { Step } from './types.js';
import { isRecord } from './written.js';
import { findHostShellFeatures, findHostShellFeaturesInValue } from './words.js';
import { BUILTIN_NAMES } from './command-list.js';

export type { LintContext, LintRule } from './lint-rule.js';

const ARCHITECTURES: readonly { readonly name: string; readonly aliases: readonly string[] }[] = [
  { name: 'amd64', aliases: ['amd64', 'x86_64', 'x64'] },
  { name: 'arm64', aliases: ['arm64', 'aarch64'] },
  { name: 'arm', aliases: ['arm', 'armv7', 'armhf'] },
  { name: '386', aliases: ['386', 'i386'] },
  { name: 'ppc64le', aliases: ['ppc64le'] },
  { name: 's390x', aliases: ['s390x'] },
  { name: 'riscv64', aliases: ['riscv64'] },
];

/** Architectures named in `text` as whole tokens between `-`, `_`, `.`, `:` or `/`. */
export function architecturesIn(text: string): string[] {
  return ARCHITECTURES.filter(({ aliases }) =>
    aliases.some((alias) => new RegExp(`(?:^|[-_.:/])${alias}(?=$|[-_.:/])`, 'i').test(text)),
  ).map(({ name }) => name);
}

const pushesKnownImages: LintRule = (context) => {
  const { task, document } = context;
  const diagnostics: Diagnostic[] = [];
  const known = new ImageSet<Step>();
  for (const step of task.steps) {
    const use = imageUseOf(step);
    const providedHere = new ImageSet<Step>();
    for (const image of use.provides) providedHere.add(image, step);
    for (const { image, pointer } of use.pushes) {
      if (known.has(image) || providedHere.has(image)) continue;
      const suggestion = known.suggest(image);
      diagnostics.push(
        warning(
          'push-unknown-image',
          `step \`${step.id}\` pushes \`${image}\`, which no earlier step builds, tags or pulls`,
          document.at(pointer),
          suggestion
            ? `did you mean \`${writtenFormOf(context, document.at(`/steps/${suggestion.data.index}/${suggestion.data.kind}`).line, suggestion.name)}\` (from step \`${suggestion.data.id}\`, line ${suggestion.data.location.line})?`
            : 'build or tag it in an earlier step, or pull it first (`cmd: docker pull …`)',
        ),
      );
    }
    for (const image of use.provides) known.add(image, step);
  }
  return diagnostics;
};

const buildsMatchArchitecture: LintRule = ({ task, document }) =>
  task.steps.flatMap((step) => {
    const build = step.kind === 'build' ? step : imageUseOf(step).build;
    if (!build?.dockerfile) return [];
    const fileArchitectures = architecturesIn(build.dockerfile);
    if (fileArchitectures.length === 0) return [];
    return build.tags.flatMap((tag) => {
      const tagArchitectures = architecturesIn(tag);
      if (tagArchitectures.length === 0 || tagArchitectures.some((arch) => fileArchitectures.includes(arch))) return [];
      return [
        warning(
          'build-arch-mismatch',
          `step \`${step.id}\` tags \`${tag}\` (${tagArchitectures.join(', ')}) but builds it from \`${build.dockerfile}\` (${fileArchitectures.join(', ')})`,
          document.at(`/steps/${step.index}/${step.kind}`),
          'use the Dockerfile of the tag\'s architecture, or fix the tag',
        ),
      ];
    });
  });

const manifestsListPushedImages: LintRule = ({ task, document }) => {
  const diagnostics: Diagnostic[] = [];
  const pushed = new ImageSet<undefined>();
  for (const step of task.steps) {
    const use = imageUseOf(step);
    for (const image of use.manifestCreate?.images ?? []) {
      if (pushed.has(image)) continue;
      const suggestion = pushed.suggest(image);
      diagnostics.push(
        warning(
          'manifest-unpushed-image',
          `\`docker manifest create\` in step \`${step.id}\` lists \`${image}\`, which no earlier step pushes`,
          document.at(`/steps/${step.index}/cmd`),
          suggestion
            ? `did you mean \`${suggestion.name}\`?`
            : `push it in an earlier step (\`push: ["${image}"]\`); \`docker manifest create\` reads the images from the registry`,
        ),
      );
    }
    for (const { image } of use.pushes) pushed.add(image, undefined);
  }
  return diagnostics;
};

// A cmd's `&&`, `||`, `;` and line breaks as written join commands (as on ACR): only what
// each command holds beyond them is host-shell syntax.
const avoidsHostShell: LintRule = ({ task, document }) =>
  task.steps.flatMap((step) => {
    if (step.kind === 'push') return [];
    const texts = step.kind === 'cmd' ? [step.firstCommand, ...step.rest.map((item) => item.text)] : [step.build];
    const found = texts.map((text) => ({ text, features: findHostShellFeatures(text) }));
    const features = [...new Set(found.flatMap((entry) => entry.features))];
    if (features.length === 0) return [];
    const shown = found.find((entry) => entry.features.length > 0)?.text ?? '';
    return [
      warning(
        'host-shell',
        `\`${step.kind}\` uses host-shell syntax (${describeFeatures(features)}): ACR hands the line to \`/bin/sh -c\` on the agent, taskrun never uses a shell and passes the words literally`,
        document.at(`/steps/${step.index}/${step.kind}`),
        step.kind === 'cmd' ? shellHintFor(shown) : 'write values with templates such as `{{.Run.ID}}` instead of shell syntax',
      ),
    ];
  });

const HINT_TEXT_LIMIT = 60;

/** A hint that fits the command: its own image running `sh -c '…'` with the rest of the line. */
export function shellHintFor(command: string): string {
  const trimmed = command.trim();
  const image = trimmed.split(/[ \t\n]+/)[0] ?? '';
  const rest = trimmed.slice(image.length).trim();
  const quoted = (text: string) => (text.length > HINT_TEXT_LIMIT ? "'…'" : `'${text.replace(/'/g, "'\\''")}'`);
  if (image === 'docker') {
    return "taskrun runs `docker …` without a shell: run the pipe or redirection inside a container, e.g. `busybox sh -c '…'`, or split the line into commands joined by `&&`";
  }
  if (BUILTIN_NAMES.includes(image) || image === '') return `to use a shell, run one in a container: \`busybox sh -c ${quoted(trimmed)}\``;
  return `to run it in the container's shell, write \`${image} sh -c ${quoted(rest)}\``;
}

function describeFeatures(features: readonly string[]): string {
  return features.map((feature) => (/^[a-z]/.test(feature) ? feature : `\`${feature}\``)).join(', ');
}

/** A value ACR writes unquoted into a step's `/bin/sh -c` line, with where it is written. */
interface ShellLineValue {
  /** The user's words for it: `env` item, `workingDirectory`, … */
  readonly name: string;
  readonly value: unknown;
  readonly pointer: string;
}

// Values on the `docker run` line (acb-spec §4.2): task `env` and `workingDirectory` reach
// every cmd and build step; a step's own env, workingDirectory, user and (cmd) entryPoint.
function shellLineValuesOf({ task, document }: LintContext): ShellLineValue[] {
  const envItems = (list: unknown, pointer: string): ShellLineValue[] =>
    Array.isArray(list) ? list.map((value: unknown, index) => ({ name: '`env` item', value, pointer: `${pointer}/${index}` })) : [];
  const values: ShellLineValue[] = [];
  if (task.steps.some((step) => step.kind !== 'push')) {
    values.push(...envItems(document.written.env, '/env'));
    values.push({ name: '`workingDirectory`', value: document.written.workingDirectory, pointer: '/workingDirectory' });
  }
  const writtenSteps = Array.isArray(document.written.steps) ? document.written.steps : [];
  for (const step of task.steps) {
    const written: unknown = writtenSteps[step.index];
    if (step.kind === 'push' || !isRecord(written)) continue;
    const pointer = `/steps/${step.index}`;
    values.push(...envItems(written.env, `${pointer}/env`));
    if (!step.disableWorkingDirectoryOverride) {
      values.push({ name: '`workingDirectory`', value: written.workingDirectory, pointer: `${pointer}/workingDirectory` });
    }
    values.push({ name: '`user`', value: written.user, pointer: `${pointer}/user` });
    if (step.kind === 'cmd') values.push({ name: '`entryPoint`', value: written.entryPoint, pointer: `${pointer}/entryPoint` });
  }
  return values;
}

const avoidsHostShellInValues: LintRule = (context) =>
  shellLineValuesOf(context).flatMap(({ name, value, pointer }) => {
    if (typeof value !== 'string') return [];
    const features = findHostShellFeaturesInValue(value);
    if (features.length === 0) return [];
    return [
      warning(
        'host-shell',
        `${name} \`${value}\` uses host-shell syntax (${describeFeatures(features)}): ACR writes it unquoted into the \`/bin/sh -c\` line on the agent, taskrun never uses a shell and passes it literally`,
        context.document.at(pointer),
        'write the value without blanks, quotes or shell syntax; use templates such as `{{.Run.ID}}` for run values',
      ),
    ];
  });

// ACR turns `cache: enabled` into a buildx build with a registry cache; taskrun builds with the engine's own builder.
const noteIgnoredCache: LintRule = ({ task, document }) =>
  task.steps.flatMap((step) =>
    step.kind === 'build' && step.cache === 'enabled'
      ? [
          warning(
            'cache-ignored',
            `\`cache: enabled\` has no effect in taskrun: ACR builds step \`${step.id}\` with buildx and a registry cache, taskrun with the engine's own builder and its local layer cache`,
            document.at(`/steps/${step.index}/cache`),
            'remove `cache: enabled` to silence this, or add `--cache-from`/`--cache-to` to the build line yourself',
          ),
        ]
      : [],
  );

// The docker CLI refuses a DOCKER_BUILDKIT it cannot parse; ACR uses BuildKit for `1` alone.
const checksBuildkitValue: LintRule = ({ task }) =>
  task.steps.flatMap((step) => {
    if (step.kind !== 'build' || !step.buildkit) return [];
    const { value, location } = step.buildkit;
    const parsed = parseGoBool(value);
    if (parsed === undefined) {
      return [
        warning(
          'buildkit-value',
          `DOCKER_BUILDKIT=${value} of step \`${step.id}\` is not a boolean: the docker CLI refuses to build with it, and ACR builds with the classic builder`,
          location,
          'write DOCKER_BUILDKIT=1 for BuildKit or DOCKER_BUILDKIT=0 for the classic builder',
        ),
      ];
    }
    if (parsed && !isAcrBuildkitValue(value)) {
      return [
        warning(
          'buildkit-value',
          `DOCKER_BUILDKIT=${value} of step \`${step.id}\` means BuildKit to the docker CLI, but ACR builds with BuildKit only for exactly DOCKER_BUILDKIT=1 and uses the classic builder here`,
          location,
          'write DOCKER_BUILDKIT=1',
        ),
      ];
    }
    return [];
  });

export const LINT_RULES: readonly LintRule[] = [
  pushesKnownImages,
  buildsMatchArchitecture,
  manifestsListPushedImages,
  avoidsHostShell,
  avoidsHostShellInValues,
  noteIgnoredCache,
  checksBuildkitValue,
  ...IMAGE_FLOW_RULES,
];

export function lintTask(context: LintContext): Diagnostic[] {
  return LINT_RULES.flatMap((rule) => rule(context));
}
