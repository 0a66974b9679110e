import { describe, expect, it } from 'vitest';
import { pickBuildImages, pickWorkingContainers } from '../../src/steps/build-cleanup.js';

const T = Date.parse('2026-12-01T15:00:00.000Z');

describe('pickWorkingContainers', () => {
  it("picks buildah working containers created since the step started, from podman's CLI and its API", () => {
    const cli = JSON.stringify([
      { Id: 'old', Created: T / 1000 - 5, Command: ['buildah'] },
      { Id: 'same-second', Created: T / 1000, Command: ['buildah'] },
      { Id: 'new', Created: T / 1000 + 3, Command: ['buildah'] },
      { Id: 'a-container', Created: T / 1000 + 3, Command: ['sleep', '5'] },
      { Id: 'infra', Created: T / 1000 + 3, Command: ['buildah'], IsInfra: true },
    ]);
    expect(pickWorkingContainers(cli, { sinceMs: T + 400 })).toEqual(['same-second', 'new']);
    const api = JSON.stringify([
      { Id: 'old', Created: '2026-12-01T14:59:00.1Z', Command: ['buildah'] },
      { Id: 'new', Created: '2026-12-01T15:00:02.5Z', Command: ['buildah'] },
    ]);
    expect(pickWorkingContainers(api, { sinceMs: T })).toEqual(['new']);
  });

  it('leaves out what was created after the window ends (a run killed in a build: the last time its record was written)', () => {
    const cli = JSON.stringify([
      { Id: 'during', Created: T / 1000 + 2, Command: ['buildah'] },
      { Id: 'after', Created: T / 1000 + 30, Command: ['buildah'] },
    ]);
    expect(pickWorkingContainers(cli, { sinceMs: T, untilMs: T + 5_000 })).toEqual(['during']);
    const images = JSON.stringify([
      { Id: 'during', Created: T / 1000 + 2, Dangling: true, Names: null, Containers: 0 },
      { Id: 'after', Created: T / 1000 + 30, Dangling: true, Names: null, Containers: 0 },
    ]);
    expect(pickBuildImages(images, { sinceMs: T, untilMs: T + 5_000 })).toEqual(['during']);
  });

  it('picks nothing from output that is not a JSON array', () => {
    expect(pickWorkingContainers('Error: oops', { sinceMs: T })).toEqual([]);
    expect(pickWorkingContainers('{}', { sinceMs: T })).toEqual([]);
  });
});

describe('pickBuildImages', () => {
  it('picks untagged images committed since the step started that no container uses, newest first', () => {
    const podman = JSON.stringify([
      { Id: 'older-layer', Created: T / 1000 - 60, Dangling: true, Names: null, Containers: 0 },
      { Id: 'first-layer', Created: T / 1000 + 1, Dangling: true, Names: null, Containers: 0 },
      { Id: 'second-layer', Created: T / 1000 + 4, Dangling: true, Names: null, Containers: 0 },
      { Id: 'tagged', Created: T / 1000 + 4, Dangling: false, Names: ['localhost/app:1'], Containers: 0 },
      { Id: 'in-use', Created: T / 1000 + 4, Dangling: true, Names: null, Containers: 1 },
    ]);
    expect(pickBuildImages(podman, { sinceMs: T })).toEqual(['second-layer', 'first-layer']);
    const docker = JSON.stringify([
      { Id: 'sha256:layer', Created: T / 1000 + 2, RepoTags: ['<none>:<none>'], Containers: -1 },
      { Id: 'sha256:app', Created: T / 1000 + 2, RepoTags: ['app:1'], Containers: -1 },
    ]);
    expect(pickBuildImages(docker, { sinceMs: T })).toEqual(['sha256:layer']);
  });
});
