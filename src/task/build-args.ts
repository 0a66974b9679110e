// Stage 3, normalise: reads the words of a `docker build` command line the way the
// docker CLI's flag parser does, so a boolean flag before the context no longer hides
// it (acb-spec §8.19) and the `--tag=x` / `-tx` forms count.

/** Long flags of `docker build` / `docker buildx build` that take a value. */
export const BUILD_FLAGS_WITH_VALUE: ReadonlySet<string> = new Set([
  'add-host',
  'allow',
  'annotation',
  'attest',
  'build-arg',
  'build-context',
  'builder',
  'cache-from',
  'cache-to',
  'call',
  'cgroup-parent',
  'cpu-period',
  'cpu-quota',
  'cpu-shares',
  'cpuset-cpus',
  'cpuset-mems',
  'file',
  'iidfile',
  'isolation',
  'label',
  'memory',
  'memory-swap',
  'metadata-file',
  'network',
  'no-cache-filter',
  'output',
  'platform',
  'progress',
  'secret',
  'security-opt',
  'shm-size',
  'ssh',
  'tag',
  'target',
  'ulimit',
]);

/** Short flags that take a value: `-c` cpu-shares, `-f` file, `-m` memory, `-o` output, `-t` tag. */
const SHORT_FLAGS_WITH_VALUE: { readonly [short: string]: string } = {
  c: 'cpu-shares',
  f: 'file',
  m: 'memory',
  o: 'output',
  t: 'tag',
};

export interface DockerBuildArgs {
  /** Values of `-t`/`--tag`, in order. */
  readonly tags: string[];
  readonly buildArgs: string[];
  /** The last `-f`/`--file` value. */
  readonly dockerfile?: string;
  readonly target?: string;
  /** The last `--platform` value. */
  readonly platform?: string;
  /** Positional arguments: `docker build` takes exactly one, the context. */
  readonly positionals: string[];
  /** Whether `--push` was given (buildx pushes the tags itself). */
  readonly isPush: boolean;
  readonly context: string;
}

export function parseDockerBuildArgs(words: readonly string[]): DockerBuildArgs {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  let isPush = false;
  const addValue = (flag: string, value: string | undefined) => {
    if (value !== undefined) values.set(flag, [...(values.get(flag) ?? []), value]);
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word === '--') {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      const name = word.slice(2, equals < 0 ? undefined : equals);
      if (name === 'push' && (equals < 0 || word.slice(equals + 1) === 'true')) isPush = true;
      if (!BUILD_FLAGS_WITH_VALUE.has(name)) continue;
      if (equals >= 0) addValue(name, word.slice(equals + 1));
      else addValue(name, words[++i]);
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      // Short flags combine (`-qt img`); the first one that takes a value ends the group.
      for (let c = 1; c < word.length; c++) {
        const flag = SHORT_FLAGS_WITH_VALUE[word[c] ?? ''];
        if (!flag) continue;
        const rest = word.slice(c + 1).replace(/^=/, '');
        addValue(flag, rest !== '' ? rest : words[++i]);
        break;
      }
      continue;
    }
    positionals.push(word);
  }
  const dockerfile = values.get('file')?.at(-1);
  const target = values.get('target')?.at(-1);
  const platform = values.get('platform')?.at(-1);
  return {
    tags: values.get('tag') ?? [],
    buildArgs: values.get('build-arg') ?? [],
    ...(dockerfile !== undefined && { dockerfile }),
    ...(target !== undefined && { target }),
    ...(platform !== undefined && { platform }),
    positionals,
    isPush,
    context: positionals[0] ?? '.',
  };
}
