// Registry stage, pure: `docker manifest <sub> …` argv read the way the docker CLI
// (cobra + pflag) reads it, including its error texts and exit codes: 125 for flag
// errors, 1 for a wrong number of arguments. `--format` and `--annotation` are
// taskrun's additions.

import { ManifestUsageError } from './errors.js';
import type { ListFormat } from './media-types.js';

export type ManifestCommand =
  | { readonly name: 'create'; readonly list: string; readonly images: readonly string[]; readonly amend: boolean; readonly insecure: boolean; readonly format?: ListFormat; readonly annotations: Readonly<Record<string, string>> }
  | {
      readonly name: 'annotate';
      readonly list: string;
      readonly image: string;
      readonly os: string;
      readonly arch: string;
      readonly variant: string;
      readonly osVersion: string;
      readonly osFeatures: readonly string[];
      readonly annotations: Readonly<Record<string, string>>;
    }
  | { readonly name: 'push'; readonly list: string; readonly purge: boolean; readonly insecure: boolean }
  | { readonly name: 'inspect'; readonly list?: string; readonly ref: string; readonly verbose: boolean; readonly insecure: boolean }
  | { readonly name: 'rm'; readonly lists: readonly string[] }
  | { readonly name: 'help'; readonly text: string };

interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  readonly kind: 'bool' | 'string' | 'slice' | 'key-value';
}

interface SubcommandSpec {
  readonly use: string;
  readonly flags: readonly FlagSpec[];
  readonly args: { readonly min: number; readonly max: number };
}

const SUBCOMMANDS: Readonly<Record<'create' | 'annotate' | 'push' | 'inspect' | 'rm', SubcommandSpec>> = {
  create: {
    use: 'create MANIFEST_LIST MANIFEST [MANIFEST...]',
    flags: [
      { long: 'amend', short: 'a', kind: 'bool' },
      { long: 'insecure', kind: 'bool' },
      { long: 'format', kind: 'string' },
      { long: 'annotation', kind: 'key-value' },
    ],
    args: { min: 2, max: Infinity },
  },
  annotate: {
    use: 'annotate [OPTIONS] MANIFEST_LIST MANIFEST',
    flags: [
      { long: 'os', kind: 'string' },
      { long: 'arch', kind: 'string' },
      { long: 'os-version', kind: 'string' },
      { long: 'os-features', kind: 'slice' },
      { long: 'variant', kind: 'string' },
      { long: 'annotation', kind: 'key-value' },
    ],
    args: { min: 2, max: 2 },
  },
  push: {
    use: 'push [OPTIONS] MANIFEST_LIST',
    flags: [
      { long: 'purge', short: 'p', kind: 'bool' },
      { long: 'insecure', kind: 'bool' },
    ],
    args: { min: 1, max: 1 },
  },
  inspect: {
    use: 'inspect [OPTIONS] [MANIFEST_LIST] MANIFEST',
    flags: [
      { long: 'insecure', kind: 'bool' },
      { long: 'verbose', short: 'v', kind: 'bool' },
    ],
    args: { min: 1, max: 2 },
  },
  rm: { use: 'rm MANIFEST_LIST [MANIFEST_LIST...]', flags: [], args: { min: 1, max: Infinity } },
};

const MANIFEST_USAGE = `Usage:  docker manifest COMMAND

Manage Docker image manifests and manifest lists

Commands:
  annotate    Add additional information to a local image manifest
  create      Create a local manifest list for annotating and pushing to a registry
  inspect     Display an image manifest, or manifest list
  push        Push a manifest list to a repository
  rm          Delete one or more manifest lists from local storage
`;

interface FlagValues {
  readonly bools: Map<string, boolean>;
  readonly strings: Map<string, string>;
  readonly slices: Map<string, string[]>;
  readonly keyValues: Map<string, Record<string, string>>;
}

/** Parses the words after `manifest`. Throws ManifestUsageError with docker's message and exit code. */
export function parseManifestArgs(args: readonly string[]): ManifestCommand {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return { name: 'help', text: MANIFEST_USAGE };
  if (!(sub in SUBCOMMANDS)) {
    throw new ManifestUsageError(
      `docker: unknown command: docker manifest ${sub}\n\nUsage:  docker manifest COMMAND\n\nRun 'docker manifest --help' for more information`,
      1,
    );
  }
  const name = sub as keyof typeof SUBCOMMANDS;
  const spec = SUBCOMMANDS[name];
  const path = `docker manifest ${name}`;
  const useLine = `docker manifest ${spec.use}`;
  const flagError = (message: string) => new ManifestUsageError(`${message}\n\nUsage:  ${useLine}\n\nRun '${path} --help' for more information`, 125);
  const parsed = parseFlags(rest, spec.flags, flagError);
  if (parsed === 'help') return { name: 'help', text: `Usage:  ${useLine}\n` };
  const { positional, values } = parsed;
  const { min, max } = spec.args;
  if (positional.length < min || positional.length > max) {
    const plural = (n: number) => (n === 1 ? 'argument' : 'arguments');
    const requirement =
      max === Infinity ? `requires at least ${min} ${plural(min)}` : min === max ? `requires ${min} ${plural(min)}` : `requires at least ${min} and at most ${max} ${plural(max)}`;
    const seeOrRun = max === Infinity ? 'See' : 'Run';
    throw new ManifestUsageError(`docker: '${path}' ${requirement}\n\nUsage:  ${useLine}\n\n${seeOrRun} '${path} --help' for more information`, 1);
  }
  const bool = (flag: string) => values.bools.get(flag) ?? false;
  const string = (flag: string) => values.strings.get(flag) ?? '';
  const keyValues = (flag: string) => values.keyValues.get(flag) ?? {};
  switch (name) {
    case 'create': {
      const format = values.strings.get('format');
      if (format !== undefined && format !== 'docker' && format !== 'oci') {
        throw flagError(`invalid argument "${format}" for "--format" flag: must be docker or oci`);
      }
      return {
        name,
        list: positional[0]!,
        images: positional.slice(1),
        amend: bool('amend'),
        insecure: bool('insecure'),
        ...(format !== undefined && { format }),
        annotations: keyValues('annotation'),
      };
    }
    case 'annotate':
      return {
        name,
        list: positional[0]!,
        image: positional[1]!,
        os: string('os'),
        arch: string('arch'),
        variant: string('variant'),
        osVersion: string('os-version'),
        osFeatures: values.slices.get('os-features') ?? [],
        annotations: keyValues('annotation'),
      };
    case 'push':
      return { name, list: positional[0]!, purge: bool('purge'), insecure: bool('insecure') };
    case 'inspect':
      return positional.length === 2
        ? { name, list: positional[0]!, ref: positional[1]!, verbose: bool('verbose'), insecure: bool('insecure') }
        : { name, ref: positional[0]!, verbose: bool('verbose'), insecure: bool('insecure') };
    case 'rm':
      return { name, lists: positional };
  }
}

// pflag rules: flags anywhere among the arguments, `--` ends them, `--x=v` / `--x v`, `-abc` bundles of short bools.
function parseFlags(
  words: readonly string[],
  specs: readonly FlagSpec[],
  flagError: (message: string) => ManifestUsageError,
): { positional: string[]; values: FlagValues } | 'help' {
  const values: FlagValues = { bools: new Map(), strings: new Map(), slices: new Map(), keyValues: new Map() };
  const positional: string[] = [];
  const setValue = (spec: FlagSpec, value: string, shown: string) => {
    switch (spec.kind) {
      case 'bool': {
        const parsed = parseGoBool(value);
        if (parsed === undefined) throw flagError(`invalid argument "${value}" for "${shown}" flag: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
        values.bools.set(spec.long, parsed);
        break;
      }
      case 'string':
        values.strings.set(spec.long, value);
        break;
      case 'slice':
        values.slices.set(spec.long, [...(values.slices.get(spec.long) ?? []), ...(value === '' ? [] : value.split(','))]);
        break;
      case 'key-value': {
        const equals = value.indexOf('=');
        if (equals <= 0) throw flagError(`invalid argument "${value}" for "${shown}" flag: expected KEY=VALUE`);
        values.keyValues.set(spec.long, { ...values.keyValues.get(spec.long), [value.slice(0, equals)]: value.slice(equals + 1) });
        break;
      }
    }
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith('--') && word.length > 2) {
      const body = word.slice(2);
      const equals = body.indexOf('=');
      const flagName = equals >= 0 ? body.slice(0, equals) : body;
      if (flagName === 'help') return 'help';
      const spec = specs.find((candidate) => candidate.long === flagName);
      if (!spec) throw flagError(`unknown flag: --${flagName}`);
      if (equals >= 0) setValue(spec, body.slice(equals + 1), `--${flagName}`);
      else if (spec.kind === 'bool') setValue(spec, 'true', `--${flagName}`);
      else if (i + 1 < words.length) setValue(spec, words[++i]!, `--${flagName}`);
      else throw flagError(`flag needs an argument: --${flagName}`);
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const letter = word[j]!;
        if (letter === 'h') return 'help';
        const spec = specs.find((candidate) => candidate.short === letter);
        if (!spec) throw flagError(`unknown shorthand flag: '${letter}' in ${word}`);
        const shown = `-${letter}, --${spec.long}`;
        if (word[j + 1] === '=') {
          setValue(spec, word.slice(j + 2), shown);
          break;
        }
        if (spec.kind === 'bool') {
          setValue(spec, 'true', shown);
          continue;
        }
        if (j + 1 < word.length) setValue(spec, word.slice(j + 1), shown);
        else if (i + 1 < words.length) setValue(spec, words[++i]!, shown);
        else throw flagError(`flag needs an argument: '${letter}' in ${word}`);
        break;
      }
      continue;
    }
    positional.push(word);
  }
  return { positional, values };
}

function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** The os/arch pairs `docker manifest annotate` accepts (docker/cli cli/command/manifest/util.go). */
const VALID_OS_ARCHES = new Set([
  'darwin/386', 'darwin/amd64', 'darwin/arm', 'darwin/arm64', 'dragonfly/amd64', 'freebsd/386', 'freebsd/amd64', 'freebsd/arm',
  'linux/386', 'linux/amd64', 'linux/arm', 'linux/arm64', 'linux/ppc64le', 'linux/mips64', 'linux/mips64le', 'linux/riscv64',
  'linux/s390x', 'netbsd/386', 'netbsd/amd64', 'netbsd/arm', 'openbsd/386', 'openbsd/amd64', 'openbsd/arm', 'plan9/386',
  'plan9/amd64', 'solaris/amd64', 'windows/386', 'windows/amd64',
]);

export function isValidOsArch(os: string, arch: string): boolean {
  return VALID_OS_ARCHES.has(`${os}/${arch}`);
}
