// Stage 5, execute: `--engine-for PLATFORM=ENDPOINT`: build steps for a platform go to another
// engine of the same kind (a native arm64 machine instead of emulation). ENDPOINT is what the
// engine's host variable takes (`ssh://…`, `tcp://…`, `unix://…`) or a docker context / podman
// connection name.

import { error, InputError, type Diagnostic } from '../diagnostics.js';
import type { Engine } from './engine.js';
import { isEngineAnswering } from './select-engine.js';

export interface PlatformEngine {
  /** `os/arch` or `os/arch/variant`, e.g. `linux/arm64`. */
  readonly platform: string;
  /** As given: a URL or a context / connection name. */
  readonly endpoint: string;
  readonly engine: Engine;
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

/** The main engine's CLI, pointed at another endpoint (the user's own host variables replaced). */
export function engineAt(main: Engine, endpoint: string): Engine {
  const isUrl = endpoint.includes('://');
  // An empty DOCKER_HOST / CONTAINER_HOST counts as unset for both CLIs, so it hides an inherited one.
  const env: Record<string, string> =
    main.name === 'docker'
      ? isUrl
        ? { DOCKER_HOST: endpoint, DOCKER_CONTEXT: '' }
        : { DOCKER_HOST: '', DOCKER_CONTEXT: endpoint }
      : isUrl
        ? { CONTAINER_HOST: endpoint, CONTAINER_CONNECTION: '' }
        : { CONTAINER_HOST: '', CONTAINER_CONNECTION: endpoint };
  return { ...main, env: { ...main.env, ...env } };
}

/** The `--engine-for` values; a malformed one is an error naming the flag. */
export function parseEngineFor(values: readonly string[], main: Engine): { routes: PlatformEngine[]; diagnostics: Diagnostic[] } {
  const routes: PlatformEngine[] = [];
  const diagnostics: Diagnostic[] = [];
  const hint = 'write --engine-for PLATFORM=ENDPOINT, e.g. --engine-for linux/arm64=ssh://me@arm-box or --engine-for linux/arm64=my-docker-context';
  for (const value of values) {
    const equals = value.indexOf('=');
    const platform = equals < 0 ? value : value.slice(0, equals);
    const endpoint = equals < 0 ? '' : value.slice(equals + 1);
    if (!PLATFORM.test(platform)) {
      diagnostics.push(error('bad-engine-for', `--engine-for ${value}: "${platform}" is not a platform (os/arch or os/arch/variant)`, undefined, hint));
      continue;
    }
    if (endpoint === '' || (!endpoint.includes('://') && !CONTEXT_NAME.test(endpoint))) {
      diagnostics.push(error('bad-engine-for', `--engine-for ${value}: "${endpoint}" is neither an engine URL nor a context name`, undefined, hint));
      continue;
    }
    if (routes.some((route) => route.platform === platform)) {
      diagnostics.push(error('bad-engine-for', `--engine-for ${value}: ${platform} already has an engine`, undefined, 'give each platform once'));
      continue;
    }
    routes.push({ platform, endpoint, engine: engineAt(main, endpoint) });
  }
  return { routes, diagnostics };
}

// `linux/arm64` covers `linux/arm64/v8`; a route with a variant needs that variant.
function covers(routePlatform: string, platform: string): boolean {
  return platform === routePlatform || platform.startsWith(`${routePlatform}/`);
}

/** The route for a build's `--platform` values: only when every one of them goes to the same route. */
export function routeFor(routes: readonly PlatformEngine[], platforms: readonly string[]): PlatformEngine | undefined {
  if (platforms.length === 0 || routes.length === 0) return undefined;
  const matched = platforms.map((platform) => routes.find((route) => covers(route.platform, platform.toLowerCase())));
  const first = matched[0];
  return first !== undefined && matched.every((route) => route === first) ? first : undefined;
}

/** The routes of `--engine-for`; throws an InputError (exit 2) for a malformed one. */
export function requirePlatformEngines(values: readonly string[], main: Engine): PlatformEngine[] {
  const { routes, diagnostics } = parseEngineFor(values, main);
  if (diagnostics.length > 0) throw new InputError(diagnostics);
  return routes;
}

/** Before a run: every `--engine-for` engine must answer, else an InputError naming the silent ones. */
export async function checkPlatformEnginesAnswer(routes: readonly PlatformEngine[], isAnswering: (engine: Engine) => Promise<boolean> = isEngineAnswering): Promise<void> {
  const silent = (await Promise.all(routes.map(async (route) => ((await isAnswering(route.engine)) ? undefined : route)))).filter((route) => route !== undefined);
  if (silent.length === 0) return;
  throw new InputError(
    silent.map((route) =>
      error('engine-unavailable', `--engine-for ${route.platform}=${route.endpoint}: no ${route.engine.name} engine answers there`, undefined, 'check the URL or context name, and that the engine runs'),
    ),
  );
}
