import { describe, it, expect } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { applyImageMap, parseImageMapFlags } from '../../src/task/image-map.js';
import type { CmdStep } from '../../src/task/types.js';
import { parse, yaml } from './helpers.js';

const ALIASES = new Map([['bash', 'mcr.microsoft.com/acr/bash:2ff604c']]);

function cmdOf(step: unknown): Pick<CmdStep, 'words' | 'imageOrigin'> {
  const { words, imageOrigin } = step as CmdStep;
  return { words, ...(imageOrigin && { imageOrigin }) };
}

describe('--image-map', () => {
  const task = parse(yaml('version: v1.1.0', 'steps:', '  - cmd: bash echo hi', '  - cmd: mcr.microsoft.com/acr/bash:2ff604c ls', '  - cmd: alpine true', '  - cmd: docker ps'), ALIASES).task!;

  it('replaces an alias by its name, an image by its reference, and leaves host docker steps alone', () => {
    const mapped = applyImageMap(task, [...parseImageMapFlags(['bash=busybox', 'docker.io/library/alpine:latest=busybox:1', 'docker=nope'])]);
    expect(mapped.task.steps.map(cmdOf)).toEqual([
      { words: ['busybox', 'echo', 'hi'], imageOrigin: { written: 'bash', isAlias: true, mappedFrom: 'mcr.microsoft.com/acr/bash:2ff604c' } },
      { words: ['mcr.microsoft.com/acr/bash:2ff604c', 'ls'] },
      { words: ['busybox:1', 'true'], imageOrigin: { written: 'alpine', isAlias: false, mappedFrom: 'alpine' } },
      { words: ['docker', 'ps'] },
    ]);
    expect(mapped.diagnostics.map((d) => [d.code, d.message])).toEqual([['image-map-unused', "--image-map docker=nope matches no cmd step's image"]]);
  });

  it('lets the last of two mappings for one image win, and refuses an item without FROM=TO', () => {
    const mapped = applyImageMap(task, parseImageMapFlags(['mcr.microsoft.com/acr/bash:2ff604c=a', 'mcr.microsoft.com/acr/bash:2ff604c=b']));
    expect(mapped.task.steps.slice(0, 2).map((step) => (step as CmdStep).words[0])).toEqual(['b', 'b']);
    expect(() => parseImageMapFlags(['bash'])).toThrow(InputError);
    expect(() => parseImageMapFlags(['=x'])).toThrow(InputError);
  });
});
