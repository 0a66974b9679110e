import { describe, expect, it } from 'vitest';
import { pickWorkingContainers } from '../../src/steps/build-cleanup.js';

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
    expect(pickWorkingContainers(cli, T + 400)).toEqual(['same-second', 'new']);
    const api = JSON.stringify([
      { Id: 'old', Created: '2026-12-01T14:59:00.1Z', Command: ['buildah'] },
      { Id: 'new', Created: '2026-12-01T15:00:02.5Z', Command: ['buildah'] },
    ]);
    expect(pickWorkingContainers(api, T)).toEqual(['new']);
  });

  it('picks nothing from output that is not a JSON array', () => {
    expect(pickWorkingContainers('Error: oops', T)).toEqual([]);
    expect(pickWorkingContainers('{}', T)).toEqual([]);
  });
});
