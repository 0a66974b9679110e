// Stage 3, validate: the semantic checks ACR makes (acb-spec §1.4, §1.7, §5.1) and a few
// it should make, as a list of named rules over the task as written. Each problem is
// reported once, at the offending value, in the user's words.

import { didYouMean, error, warning } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { suggestKey } from './key-suggestions.js';
import { generatedStepId, kindOfWrittenStep, normalizeVersion } from './normalize.js';
import { knownKeysAt } from './schema.js';
import type { WrittenDocument } from './parse-yaml.js';
import { ROOT_STEP_ID, TASK_VERSIONS } from './types.js';
import { isRecord, readRecords, readString, readStringList, readText } from './written.js';
import type { WrittenNetwork, WrittenSecret, WrittenStep, WrittenVolume, WrittenVolumeMount } from './written.js';

export interface RuleStep {
  readonly index: number;
  readonly step: WrittenStep;
  /** The written id, or the generated `acb_step_<index>`. */
  readonly id: string;
  readonly hasExplicitId: boolean;
}

export interface RuleContext {
  readonly document: WrittenDocument;
  readonly steps: readonly RuleStep[];
}

export type Rule = (context: RuleContext) => Diagnostic[];

const WHITESPACE = /\s/u;
const VOLUME_NAME = /^[a-zA-Z0-9-_]+$/;
const VOLUME_FILE_NAME = /^[a-zA-Z0-9-_.]+$/;
const GUID = /^(?:urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;
const STEP_KINDS = ['cmd', 'build', 'push'] as const;

export function ruleStepsOf(document: WrittenDocument): RuleStep[] {
  return readRecords<WrittenStep>(document.written.steps).map(({ index, item }) => {
    const id = readText(item.id);
    return { index, step: item, id: id ?? generatedStepId(index), hasExplicitId: id !== undefined };
  });
}

/**
 * A value written in another shape than the schema's (a list for a string, a scalar for a
 * mapping): the schema check reports it, so a rule does not report it again as missing or empty.
 */
function isMistyped(value: unknown, expected: 'string' | 'object'): boolean {
  if (value === undefined) return false;
  return expected === 'string' ? typeof value !== 'string' : !isRecord(value);
}

function lineOf(document: WrittenDocument, pointer: string): number {
  return document.at(pointer).line;
}

const versionIsKnown: Rule = ({ document }) => {
  const version = readString(document.written.version);
  if (version === undefined || version === '' || normalizeVersion(version)) return [];
  return [
    error(
      'invalid-version',
      `\`version\` must be one of ${TASK_VERSIONS.map((v) => `\`${v}\``).join(', ')} (any case), got ${JSON.stringify(version)}`,
      document.at('/version'),
      'write `version: v1.1.0` (with aliases) or `version: v1.0.0`',
    ),
  ];
};

const taskHasSteps: Rule = ({ document }) => {
  const steps = document.written.steps;
  if (Array.isArray(steps) ? steps.length > 0 : steps !== undefined) return [];
  return [
    warning(
      'no-steps',
      'the task has no steps',
      document.at('/steps'),
      'add a `steps:` list; ACR runs nothing and reports success',
    ),
  ];
};

const stepHasOneKind: Rule = ({ document, steps }) =>
  steps.flatMap(({ index, step, id }) => {
    const pointer = `/steps/${index}`;
    const kinds = STEP_KINDS.filter((kind) =>
      kind === 'push' ? readStringList(step.push).length > 0 : readText(step[kind]) !== undefined,
    );
    // A kind written with the wrong type is reported by the schema check already.
    const isMistyped = STEP_KINDS.some((kind) => (kind === 'push' ? !Array.isArray(step.push) : typeof step[kind] !== 'string') && step[kind] !== undefined);
    if (kinds.length === 0 && !isMistyped) {
      // `bulid:` or GitHub's `run:` is most likely the kind the step lacks.
      const stepKeys = knownKeysAt('v1.1.0', ['steps', index]);
      const meant = Object.keys(step)
        .filter((key) => !stepKeys.has(key))
        .map((key) => ({ key, kind: suggestKey(key, STEP_KINDS) }))
        .find(({ kind }) => kind !== undefined);
      return [
        meant
          ? error(
              'step-without-kind',
              `step \`${id}\` has no \`cmd\`, \`build\` or \`push\`; did you mean \`${meant.kind}\` instead of \`${meant.key}\`?`,
              document.at(`${pointer}/${meant.key}`, 'key'),
              `rename \`${meant.key}\` to \`${meant.kind}\``,
            )
          : error('step-without-kind', `step \`${id}\` has no \`cmd\`, \`build\` or \`push\``, document.at(pointer), 'give it one, e.g. `cmd: alpine echo hello`'),
      ];
    }
    const [first, second] = kinds;
    if (!first || !second) return [];
    return [
      error(
        'step-with-several-kinds',
        `step \`${id}\` has both \`${first}\` and \`${second}\`; a step runs exactly one of \`cmd\`, \`build\` or \`push\``,
        document.at(`${pointer}/${second}`),
        `move \`${second}\` into a step of its own`,
      ),
    ];
  });

const stepIdsAreValid: Rule = ({ document, steps }) =>
  steps.flatMap(({ index, id, hasExplicitId }) => {
    if (!hasExplicitId) return [];
    const at = document.at(`/steps/${index}/id`);
    if (WHITESPACE.test(id)) {
      return [
        error('invalid-step-id', `step id ${JSON.stringify(id)} contains whitespace`, at, `use \`-\` or \`_\` instead, e.g. \`${id.trim().replace(/\s+/gu, '-')}\``),
      ];
    }
    if (id === ROOT_STEP_ID) {
      return [error('reserved-step-id', `step id \`${ROOT_STEP_ID}\` is reserved for the start of the task`, at, 'choose another id')];
    }
    return [];
  });

const stepIdsAreUnique: Rule = ({ document, steps }) => {
  const diagnostics: Diagnostic[] = [];
  const first = new Map<string, RuleStep>();
  for (const current of steps) {
    const earlier = first.get(current.id);
    if (!earlier) {
      first.set(current.id, current);
      continue;
    }
    if (earlier.hasExplicitId && current.hasExplicitId) {
      diagnostics.push(
        error(
          'duplicate-step-id',
          `step id \`${current.id}\` is used twice (lines ${lineOf(document, `/steps/${earlier.index}/id`)} and ${lineOf(document, `/steps/${current.index}/id`)})`,
          document.at(`/steps/${current.index}/id`),
          'give each step its own `id`',
        ),
      );
      continue;
    }
    const [named, unnamed] = current.hasExplicitId ? [current, earlier] : [earlier, current];
    diagnostics.push(
      error(
        'step-id-collision',
        `step id \`${named.id}\` is also the generated id of the step on line ${lineOf(document, `/steps/${unnamed.index}`)}, which has no \`id\``,
        document.at(`/steps/${named.index}/id`),
        `rename this step, or give the step on line ${lineOf(document, `/steps/${unnamed.index}`)} an \`id\``,
      ),
    );
  }
  return diagnostics;
};

const whenNamesEarlierSteps: Rule = ({ document, steps }) => {
  const firstIndexOf = new Map<string, number>();
  for (const other of steps) if (!firstIndexOf.has(other.id)) firstIndexOf.set(other.id, other.index);
  return steps.flatMap(({ index, step, id }) => {
    const when = Array.isArray(step.when) ? step.when : [];
    const pointer = `/steps/${index}/when`;
    const diagnostics: Diagnostic[] = [];
    if (when.includes('-') && when.length > 1) {
      diagnostics.push(
        error(
          'when-start-mixed',
          '`when` mixes `-` (start at once) with step ids',
          document.at(pointer),
          'write either `when: ["-"]` or a list of step ids',
        ),
      );
    }
    when.forEach((name, position) => {
      if (typeof name !== 'string' || name === '-' || name === ROOT_STEP_ID) return;
      const at = document.at(`${pointer}/${position}`);
      if (name === id) {
        diagnostics.push(error('when-self', `\`when\` names the step itself (\`${id}\`)`, at, 'remove it; a step cannot wait for itself'));
      } else if (when.indexOf(name) < position) {
        diagnostics.push(
          error('when-duplicate', `\`when\` names step \`${name}\` twice; ACR would wait forever`, at, 'list each step once'),
        );
      } else if (!((firstIndexOf.get(name) ?? index) < index)) {
        const later = steps.find((other) => other.index > index && other.id === name);
        if (later) {
          diagnostics.push(
            error(
              'when-later-step',
              `\`when\` names step \`${name}\`, which comes later (line ${lineOf(document, `/steps/${later.index}`)}); a step can only wait for steps above it`,
              at,
              `move step \`${name}\` above this one`,
            ),
          );
        } else {
          const earlierIds = steps.filter((other) => other.index < index).map((other) => other.id);
          const suggestion = didYouMean(name, earlierIds);
          diagnostics.push(
            error(
              'when-unknown-step',
              `\`when\` names step \`${name}\`, which does not exist`,
              at,
              suggestion ? `did you mean \`${suggestion}\`?` : 'name a step above this one, or write `when: ["-"]` to start at once',
            ),
          );
        }
      }
    });
    return diagnostics;
  });
};

const cacheIsValid: Rule = ({ document, steps }) =>
  steps.flatMap(({ index, step }) => {
    const cache = readString(step.cache);
    if (cache === undefined || cache === '' || /^(enabled|disabled)$/i.test(cache)) return [];
    return [
      error(
        'invalid-cache',
        `\`cache\` must be \`enabled\` or \`disabled\`, got ${JSON.stringify(cache)}`,
        document.at(`/steps/${index}/cache`),
        'write `cache: enabled` (buildx with a registry cache) or `cache: disabled`',
      ),
    ];
  });

const exitCodesHaveNoEffect: Rule = ({ document, steps }) =>
  steps.flatMap(({ index, step }) =>
    (['exitedWith', 'exitedWithout'] as const)
      .filter((key) => step[key] !== undefined)
      .map((key) =>
        warning(
          'no-effect',
          `\`${key}\` has no effect (ACR ignores it too)`,
          document.at(`/steps/${index}/${key}`, 'key'),
          `remove \`${key}\`; a step fails on any non-zero exit code (use \`ignoreErrors: true\` to carry on)`,
        ),
      ),
  );

const secretsAreValid: Rule = ({ document }) => {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, number>();
  for (const { index, item } of readRecords<WrittenSecret>(document.written.secrets)) {
    const pointer = `/secrets/${index}`;
    const id = readText(item.id);
    if (id === undefined) {
      if (!isMistyped(item.id, 'string')) {
        diagnostics.push(error('secret-without-id', `secret ${index + 1} has no \`id\``, document.at(pointer), 'add `id: <name>`; templates read it as `{{.Secrets.<name>}}`'));
      }
    } else if (WHITESPACE.test(id)) {
      diagnostics.push(error('invalid-secret-id', `secret id ${JSON.stringify(id)} contains whitespace`, document.at(`${pointer}/id`), 'use `-` or `_` instead of spaces'));
    }
    const label = id === undefined ? `secret ${index + 1}` : `secret \`${id}\``;
    const hasSource = [item.keyvault, item.aadresourceid].some((value) => readText(value) !== undefined || isMistyped(value, 'string'));
    if (!hasSource) {
      diagnostics.push(
        error(
          'secret-without-source',
          `${label} has neither \`keyvault\` nor \`aadresourceid\``,
          document.at(pointer),
          'add `keyvault: https://<vault>.vault.azure.net/secrets/<name>`',
        ),
      );
    }
    const clientID = readText(item.clientID);
    if (clientID !== undefined && !GUID.test(clientID)) {
      diagnostics.push(
        error(
          'invalid-client-id',
          `\`clientID\` must be a GUID, got ${JSON.stringify(clientID)}`,
          document.at(`${pointer}/clientID`),
          'write the managed identity\'s client id, e.g. `clientID: 00000000-0000-0000-0000-000000000000`',
        ),
      );
    }
    if (id === undefined) continue;
    const earlier = seen.get(id);
    if (earlier === undefined) seen.set(id, index);
    else {
      diagnostics.push(
        error(
          'duplicate-secret-id',
          `secret id \`${id}\` is used twice (lines ${lineOf(document, `/secrets/${earlier}/id`)} and ${lineOf(document, `${pointer}/id`)})`,
          document.at(`${pointer}/id`),
          'give each secret its own `id`',
        ),
      );
    }
  }
  return diagnostics;
};

const networksHaveNames: Rule = ({ document }) =>
  readRecords<WrittenNetwork>(document.written.networks).flatMap(({ index, item }) =>
    readText(item.name) === undefined && !isMistyped(item.name, 'string')
      ? [error('network-without-name', `network ${index + 1} has no \`name\``, document.at(`/networks/${index}`), 'add `name: <network>`')]
      : [],
  );

const volumesAreValid: Rule = ({ document }) => {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, number>();
  for (const { index, item } of readRecords<WrittenVolume>(document.written.volumes)) {
    const pointer = `/volumes/${index}`;
    const name = readText(item.name);
    if (name === undefined) {
      if (!isMistyped(item.name, 'string')) {
        diagnostics.push(error('volume-without-name', `volume ${index + 1} has no \`name\``, document.at(pointer), 'add `name: <volume>`'));
      }
    } else if (!VOLUME_NAME.test(name)) {
      diagnostics.push(
        error(
          'invalid-volume-name',
          `volume name ${JSON.stringify(name)} may only use letters, digits, \`-\` and \`_\``,
          document.at(`${pointer}/name`),
          `e.g. \`${name.replace(/[^a-zA-Z0-9-_]+/g, '-')}\``,
        ),
      );
    } else {
      const earlier = seen.get(name);
      if (earlier === undefined) seen.set(name, index);
      else {
        diagnostics.push(
          error(
            'duplicate-volume-name',
            `volume name \`${name}\` is used twice (lines ${lineOf(document, `/volumes/${earlier}/name`)} and ${lineOf(document, `${pointer}/name`)})`,
            document.at(`${pointer}/name`),
            'give each volume its own `name`',
          ),
        );
      }
    }
    const label = name === undefined ? `volume ${index + 1}` : `volume \`${name}\``;
    const files = isRecord(item.secret) ? Object.keys(item.secret) : [];
    if (files.length === 0 && !isMistyped(item.secret, 'object')) {
      diagnostics.push(
        error(
          'volume-without-files',
          `${label} has no \`secret\` files`,
          document.at(item.secret === undefined ? pointer : `${pointer}/secret`),
          'add `secret:` with `<file name>: <base64 content>` lines',
        ),
      );
    }
    for (const file of files) {
      if (VOLUME_FILE_NAME.test(file)) continue;
      diagnostics.push(
        error(
          'invalid-volume-file-name',
          `file name ${JSON.stringify(file)} in ${label} may only use letters, digits, \`-\`, \`_\` and \`.\``,
          document.at(`${pointer}/secret/${file.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'key'),
          'rename the file',
        ),
      );
    }
  }
  return diagnostics;
};

const volumeMountsAreValid: Rule = ({ document, steps }) => {
  const volumeNames = readRecords<WrittenVolume>(document.written.volumes).flatMap(({ item }) => {
    const name = readText(item.name);
    return name === undefined ? [] : [name];
  });
  return steps.flatMap(({ index, step, id }) => {
    const pointer = `/steps/${index}/volumeMounts`;
    const mounts = readRecords<WrittenVolumeMount>(step.volumeMounts);
    if (mounts.length === 0) return [];
    if (kindOfWrittenStep(step) === 'push') {
      return [
        error(
          'mounts-on-push-step',
          `\`volumeMounts\` only work on cmd and build steps; step \`${id}\` is a push step`,
          document.at(pointer, 'key'),
          'remove `volumeMounts` from this step',
        ),
      ];
    }
    const diagnostics: Diagnostic[] = [];
    const paths = new Map<string, number>();
    for (const { index: mountIndex, item } of mounts) {
      const at = `${pointer}/${mountIndex}`;
      const name = readText(item.name);
      const mountPath = readText(item.mountPath);
      const missing = [
        name === undefined && !isMistyped(item.name, 'string') && '`name`',
        mountPath === undefined && !isMistyped(item.mountPath, 'string') && '`mountPath`',
      ].filter(Boolean);
      if (missing.length > 0) {
        diagnostics.push(
          error('mount-without-field', `volume mount ${mountIndex + 1} of step \`${id}\` has no ${missing.join(' or ')}`, document.at(at), 'write both `name: <volume>` and `mountPath: <path in the container>`'),
        );
      }
      if (name !== undefined && !volumeNames.includes(name)) {
        const suggestion = didYouMean(name, volumeNames);
        diagnostics.push(
          error(
            'unknown-volume',
            `volume mount names volume \`${name}\`, which the task does not declare`,
            document.at(`${at}/name`),
            suggestion ? `did you mean \`${suggestion}\`?` : `declare it under \`volumes:\` with \`name: ${name}\``,
          ),
        );
      }
      if (mountPath === undefined) continue;
      const earlier = paths.get(mountPath);
      if (earlier === undefined) paths.set(mountPath, mountIndex);
      else {
        diagnostics.push(
          error(
            'duplicate-mount-path',
            `step \`${id}\` mounts two volumes at \`${mountPath}\` (lines ${lineOf(document, `${pointer}/${earlier}/mountPath`)} and ${lineOf(document, `${at}/mountPath`)})`,
            document.at(`${at}/mountPath`),
            'give each mount its own `mountPath`',
          ),
        );
      }
    }
    return diagnostics;
  });
};

/** In the order ACR checks (acb-spec §1.7), so messages come out in a familiar order. */
export const RULES: readonly Rule[] = [
  secretsAreValid,
  volumesAreValid,
  volumeMountsAreValid,
  networksHaveNames,
  versionIsKnown,
  taskHasSteps,
  stepIdsAreValid,
  stepHasOneKind,
  stepIdsAreUnique,
  whenNamesEarlierSteps,
  cacheIsValid,
  exitCodesHaveNoEffect,
];

export function checkRules(context: RuleContext): Diagnostic[] {
  return RULES.flatMap((rule) => rule(context));
}
