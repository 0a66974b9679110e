import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { engineAt, parseEngineFor, routeFor } from '../../src/engine/platform-engines.js';

const docker: Engine = { name: 'docker', binary: 'docker', env: { DOCKER_HOST: 'unix:///lab.sock' } };
const podman: Engine = { name: 'podman', binary: 'podman', env: {} };

describe('--engine-for', () => {
  it('points the same CLI at another endpoint: a URL or a context name', () => {
    expect(engineAt(docker, 'ssh://me@arm').env).toEqual({ DOCKER_HOST: 'ssh://me@arm', DOCKER_CONTEXT: '' });
    expect(engineAt(docker, 'arm-box').env).toEqual({ DOCKER_HOST: '', DOCKER_CONTEXT: 'arm-box' });
    expect(engineAt(podman, 'ssh://core@vm/run/podman.sock').env).toEqual({ CONTAINER_HOST: 'ssh://core@vm/run/podman.sock', CONTAINER_CONNECTION: '' });
    expect(engineAt(podman, 'arm').env).toEqual({ CONTAINER_HOST: '', CONTAINER_CONNECTION: 'arm' });
  });

  it('parses PLATFORM=ENDPOINT and refuses what is not', () => {
    const { routes, diagnostics } = parseEngineFor(['linux/arm64=tcp://10.0.0.2:2375', 'linux/arm/v7=pi'], docker);
    expect(diagnostics).toEqual([]);
    expect(routes.map((r) => [r.platform, r.endpoint, r.engine.binary])).toEqual([
      ['linux/arm64', 'tcp://10.0.0.2:2375', 'docker'],
      ['linux/arm/v7', 'pi', 'docker'],
    ]);
    const bad = parseEngineFor(['arm64=ssh://x', 'linux/arm64', 'linux/arm64=has space', 'linux/amd64=a', 'linux/amd64=b'], docker);
    expect(bad.routes.map((r) => r.platform)).toEqual(['linux/amd64']);
    expect(bad.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['bad-engine-for', '--engine-for arm64=ssh://x: "arm64" is not a platform (os/arch or os/arch/variant)'],
      ['bad-engine-for', '--engine-for linux/arm64: "" is neither an engine URL nor a context name'],
      ['bad-engine-for', '--engine-for linux/arm64=has space: "has space" is neither an engine URL nor a context name'],
      ['bad-engine-for', '--engine-for linux/amd64=b: linux/amd64 already has an engine'],
    ]);
  });

  it('routes a build when all its platforms go to one engine; os/arch covers its variants', () => {
    const { routes } = parseEngineFor(['linux/arm64=ssh://arm', 'linux/arm/v7=ssh://pi'], docker);
    expect(routeFor(routes, ['linux/arm64'])?.endpoint).toBe('ssh://arm');
    expect(routeFor(routes, ['linux/arm64/v8'])?.endpoint).toBe('ssh://arm');
    expect(routeFor(routes, ['linux/arm/v7'])?.endpoint).toBe('ssh://pi');
    expect(routeFor(routes, ['linux/arm/v6'])).toBeUndefined();
    expect(routeFor(routes, ['linux/amd64'])).toBeUndefined();
    expect(routeFor(routes, ['linux/arm64', 'linux/amd64'])).toBeUndefined();
    expect(routeFor(routes, [])).toBeUndefined();
  });
});

describe('--engine-for before a run', () => {
  it('refuses malformed values and engines that do not answer', async () => {
    const { requirePlatformEngines, checkPlatformEnginesAnswer } = await import('../../src/engine/platform-engines.js');
    expect(() => requirePlatformEngines(['arm64'], docker)).toThrow(/not a platform/);
    const routes = requirePlatformEngines(['linux/arm64=ssh://arm', 'linux/arm/v7=ssh://pi'], docker);
    await expect(checkPlatformEnginesAnswer(routes, async () => true)).resolves.toBeUndefined();
    await expect(checkPlatformEnginesAnswer(routes, async (engine) => engine.env.DOCKER_HOST === 'ssh://arm')).rejects.toThrow('--engine-for linux/arm/v7=ssh://pi: no docker engine answers there');
  });
});
