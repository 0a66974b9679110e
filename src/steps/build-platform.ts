// Stage 5, execute: the platforms a build step asks for (`--platform a,b`, the last flag wins, as
// the docker CLI reads it), and the engine that builds them: another one given by --engine-for, or
// the run's engine.

import type { Engine } from '../engine/engine.js';
import { routeFor, type PlatformEngine } from '../engine/platform-engines.js';
import { BUILD_FLAGS_WITH_VALUE } from '../task/build-args.js';
import { canonicalImageReference } from '../task/image-reference.js';
import type { BuildStep, Step } from '../task/types.js';

export function buildPlatformsOf(args: readonly string[]): string[] {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    if (word === '--') break;
    if (word === '--platform') value = args[++i];
    else if (word.startsWith('--platform=')) value = word.slice('--platform='.length);
    else if (word.startsWith('--') && !word.includes('=') && BUILD_FLAGS_WITH_VALUE.has(word.slice(2))) i++;
  }
  return (value ?? '').split(',').map((platform) => platform.trim()).filter((platform) => platform !== '');
}

export function buildRouteOf(step: BuildStep, routes: readonly PlatformEngine[]): PlatformEngine | undefined {
  return routeFor(routes, buildPlatformsOf(step.args));
}

/** Image (canonical reference) → the route of the build that tags it; a later build of the same tag wins. */
export function routedImagesOf(steps: readonly Step[], routes: readonly PlatformEngine[]): Record<string, PlatformEngine> {
  const routed: Record<string, PlatformEngine> = {};
  for (const step of steps) {
    if (step.kind !== 'build') continue;
    const route = buildRouteOf(step, routes);
    for (const tag of step.tags) {
      const key = canonicalImageReference(tag);
      if (route) routed[key] = route;
      else delete routed[key];
    }
  }
  return routed;
}

export function engineForImage(image: string, routed: Readonly<Record<string, PlatformEngine>>, main: Engine): PlatformEngine | { readonly engine: Engine; readonly endpoint?: undefined } {
  return routed[canonicalImageReference(image)] ?? { engine: main };
}
