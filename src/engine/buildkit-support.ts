// Stage 5, execute: whether the engine can build with BuildKit (a build's DOCKER_BUILDKIT=1).
// The docker CLI hands such builds to BuildKit: built into the CLI up to Docker 20.10, through
// the buildx plugin from Docker 23 on; the daemon must be a Docker Engine (podman's Docker API
// has no BuildKit). podman builds with Buildah and ignores the variable.

import type { Engine } from './engine.js';
import { runEngine } from './run-engine.js';

const PROBE_TIMEOUT_MS = 15_000;
/** The first docker CLI release whose BuildKit builds need the buildx plugin. */
const BUILDX_REQUIRED_FROM_MAJOR = 23;

export type BuildkitSupport =
  | { readonly isSupported: true }
  | { readonly isSupported: false; readonly reason: string; readonly fix: string };

/** What `docker version` tells about the two ends; pure so the decision can be tested on its own. */
export interface DockerVersionFacts {
  readonly clientVersion: string;
  /** Component names of the server (`Engine`, `Podman Engine`, …). */
  readonly serverComponents: readonly string[];
  readonly serverPlatform: string;
  /** `docker buildx version` succeeded (asked only when the client needs it). */
  readonly hasBuildx: boolean;
}

export function decideBuildkitSupport(engine: Engine, facts?: DockerVersionFacts): BuildkitSupport {
  if (engine.name === 'podman') {
    return {
      isSupported: false,
      reason: 'podman builds with Buildah and ignores DOCKER_BUILDKIT=1',
      fix: 'run it on a Docker Engine (--engine docker), or remove DOCKER_BUILDKIT=1 (Buildah reads BuildKit Dockerfile syntax such as RUN --mount by itself)',
    };
  }
  if (!facts) {
    return { isSupported: false, reason: 'the docker CLI did not say which versions it and its daemon are', fix: 'check that `docker version` works' };
  }
  const isPodmanServer = /podman/i.test(facts.serverPlatform) || facts.serverComponents.some((name) => /podman/i.test(name));
  if (isPodmanServer) {
    return {
      isSupported: false,
      reason: "the docker CLI talks to podman's Docker API, which has no BuildKit",
      fix: 'point DOCKER_HOST at a Docker Engine, or remove DOCKER_BUILDKIT=1',
    };
  }
  const major = Number.parseInt(facts.clientVersion, 10);
  if (Number.isFinite(major) && major >= BUILDX_REQUIRED_FROM_MAJOR && !facts.hasBuildx) {
    return {
      isSupported: false,
      reason: `docker CLI ${facts.clientVersion} builds with BuildKit only through its buildx component, which is missing`,
      fix: 'install the buildx plugin (docker-buildx-plugin or docker-buildx), or set TASKRUN_DOCKER to a docker CLI that has it',
    };
  }
  return { isSupported: true };
}

interface VersionJson {
  readonly Client?: { readonly Version?: string };
  readonly Server?: { readonly Platform?: { readonly Name?: string }; readonly Components?: readonly { readonly Name?: string }[] } | null;
}

export async function probeBuildkitSupport(engine: Engine, signal?: AbortSignal): Promise<BuildkitSupport> {
  if (engine.name === 'podman') return decideBuildkitSupport(engine);
  const stdout: string[] = [];
  await runEngine({
    engine,
    args: ['version', '--format', '{{json .}}'],
    timeoutMs: PROBE_TIMEOUT_MS,
    ...(signal && { signal }),
    onLine: (line, stream) => {
      if (stream === 'stdout') stdout.push(line);
    },
  });
  const parsed = parseVersionJson(stdout.join('\n'));
  if (!parsed?.Client?.Version || !parsed.Server) return decideBuildkitSupport(engine);
  const clientVersion = parsed.Client.Version;
  const needsBuildx = Number.parseInt(clientVersion, 10) >= BUILDX_REQUIRED_FROM_MAJOR;
  const hasBuildx = needsBuildx
    ? (await runEngine({ engine, args: ['buildx', 'version'], timeoutMs: PROBE_TIMEOUT_MS, ...(signal && { signal }) })).exitCode === 0
    : false;
  return decideBuildkitSupport(engine, {
    clientVersion,
    serverComponents: (parsed.Server.Components ?? []).map((component) => component.Name ?? ''),
    serverPlatform: parsed.Server.Platform?.Name ?? '',
    hasBuildx,
  });
}

function parseVersionJson(text: string): VersionJson | undefined {
  try {
    return JSON.parse(text) as VersionJson;
  } catch {
    return undefined;
  }
}
