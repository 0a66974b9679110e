import { describe, it, expect } from 'vitest';
import { parseManifestArgs } from '../../src/registry/manifest-args.js';

describe('parseManifestArgs', () => {
  it('reads docker flags anywhere among the arguments', () => {
    expect(parseManifestArgs(['create', 'l', '--amend', 'a', '--insecure', 'b'])).toEqual({ name: 'create', list: 'l', images: ['a', 'b'], amend: true, insecure: true, annotations: {} });
    expect(parseManifestArgs(['create', '-a', '--format=oci', '--annotation', 'k=v=w', 'l', 'a'])).toEqual({ name: 'create', list: 'l', images: ['a'], amend: true, insecure: false, format: 'oci', annotations: { k: 'v=w' } });
    expect(parseManifestArgs(['annotate', '--os-features', 'a,b', '--os-features=c', '--variant', 'v7', 'l', 'i'])).toMatchObject({ osFeatures: ['a', 'b', 'c'], variant: 'v7' });
    expect(parseManifestArgs(['push', '-p', 'l'])).toEqual({ name: 'push', list: 'l', purge: true, insecure: false });
    expect(parseManifestArgs(['inspect', '-v', 'l', 'r'])).toEqual({ name: 'inspect', list: 'l', ref: 'r', verbose: true, insecure: false });
  });

  it('gives docker error texts and exit codes', () => {
    const failure = (args: string[]) => {
      try {
        parseManifestArgs(args);
      } catch (caught) {
        return { message: (caught as Error).message, exitCode: (caught as { exitCode: number }).exitCode };
      }
      return undefined;
    };
    expect(failure(['create', 'l'])).toEqual({
      message: "docker: 'docker manifest create' requires at least 2 arguments\n\nUsage:  docker manifest create MANIFEST_LIST MANIFEST [MANIFEST...]\n\nSee 'docker manifest create --help' for more information",
      exitCode: 1,
    });
    expect(failure(['push', '--nope', 'l'])).toEqual({
      message: "unknown flag: --nope\n\nUsage:  docker manifest push [OPTIONS] MANIFEST_LIST\n\nRun 'docker manifest push --help' for more information",
      exitCode: 125,
    });
    expect(failure(['annotate', 'l', 'i', '--os'])?.message.split('\n')[0]).toBe('flag needs an argument: --os');
    expect(failure(['frobnicate'])?.exitCode).toBe(1);
  });
});
