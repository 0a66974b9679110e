// Stage 5, execute: which container engine runs the steps, and the environment its processes get.

export type EngineName = 'docker' | 'podman';

export const ENGINE_NAMES: readonly EngineName[] = ['docker', 'podman'];

export interface Engine {
  readonly name: EngineName;
  /** The command run for this engine (`docker` or `podman`, or a path). */
  readonly binary: string;
  /** Variables added to the environment of every engine process (the lab's DOCKER_HOST, CONTAINERS_*). */
  readonly env: Readonly<Record<string, string>>;
}

export function isEngineName(value: string): value is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(value);
}

/** The variable naming each engine's CLI program (a path or a name on PATH); the lab sets TASKRUN_DOCKER. */
export const ENGINE_BINARY_VAR: Readonly<Record<EngineName, string>> = { docker: 'TASKRUN_DOCKER', podman: 'TASKRUN_PODMAN' };

/** The lab variables each engine reads: the docker CLI its socket, podman its config files. */
const ENGINE_VAR_PREFIX: Readonly<Record<EngineName, string>> = { docker: 'DOCKER_', podman: 'CONTAINERS_' };

// Lab settings fill only the gaps: a variable the user exported keeps its value.
export function createEngine(input: {
  name: EngineName;
  binary?: string;
  labVars?: Readonly<Record<string, string>>;
  processEnv?: NodeJS.ProcessEnv;
}): Engine {
  const processEnv = input.processEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.labVars ?? {})) {
    if (key.startsWith(ENGINE_VAR_PREFIX[input.name]) && processEnv[key] === undefined) env[key] = value;
  }
  const binaryVar = ENGINE_BINARY_VAR[input.name];
  const binary = input.binary ?? (processEnv[binaryVar] || input.labVars?.[binaryVar] || input.name);
  return { name: input.name, binary, env };
}
