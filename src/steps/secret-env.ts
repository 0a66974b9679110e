// Stage 5, execute: secret values stay off engine command lines, which any local user can read
// (`ps`). An env item or build arg whose value holds a secret is passed by name (`--env NAME`,
// `--build-arg NAME`) and its value through the engine CLI's own environment, where docker and
// podman read it. Names the CLI itself reads (PATH, DOCKER_HOST, …) stay on the line.

/** Variables of the engine CLI's own process that a step's value must not replace. */
const CLI_VARIABLE = /^(?:PATH|HOME|TMPDIR|USER|SHELL|LD_\w*|DOCKER_\w*|CONTAINERS_\w*|CONTAINER_\w*|XDG_\w*|BUILDAH_\w*|REGISTRY_AUTH_FILE|SSL_CERT_\w*)$/;

export interface PlacedValues {
  /** The items as they go on the command line: `KEY=value`, or `KEY` when the value goes by environment. */
  readonly items: string[];
  /** Values for the engine CLI's environment. */
  readonly env: Record<string, string>;
}

function holdsSecret(value: string, secretValues: readonly string[]): boolean {
  return secretValues.some((secret) => secret !== '' && value.includes(secret));
}

/** `KEY=value` items (env or build args) with secret values moved to the CLI's environment. */
export function placeSecretValues(items: readonly string[], secretValues: readonly string[]): PlacedValues {
  const env: Record<string, string> = {};
  const placed = items.map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) return item;
    const key = item.slice(0, at);
    const value = item.slice(at + 1);
    if (CLI_VARIABLE.test(key) || !holdsSecret(value, secretValues)) return item;
    env[key] = value;
    return key;
  });
  return { items: placed, env };
}

/** A build's words with the values of `--build-arg KEY=secret` moved to the CLI's environment. */
export function placeSecretBuildArgs(words: readonly string[], secretValues: readonly string[]): { words: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const inline = word.startsWith('--build-arg=') ? word.slice('--build-arg='.length) : undefined;
    const separate = word === '--build-arg' && i + 1 < words.length ? words[i + 1]! : undefined;
    const pair = inline ?? separate;
    if (pair === undefined) {
      out.push(word);
      continue;
    }
    const placed = placeSecretValues([pair], secretValues);
    Object.assign(env, placed.env);
    out.push(...(inline !== undefined ? [`--build-arg=${placed.items[0]}`] : ['--build-arg', placed.items[0]!]));
    if (separate !== undefined) i++;
  }
  return { words: out, env };
}
