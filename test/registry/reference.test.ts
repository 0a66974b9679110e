import { describe, it, expect } from 'vitest';
import { formatReference, parseNormalizedReference, parseReference } from '../../src/registry/reference.js';

describe('parseNormalizedReference', () => {
  it('normalises like docker', () => {
    expect(formatReference(parseNormalizedReference('busybox'))).toBe('docker.io/library/busybox:latest');
    expect(formatReference(parseNormalizedReference('user/app:1.0'))).toBe('docker.io/user/app:1.0');
    expect(parseNormalizedReference('localhost:5000/x')).toEqual({ domain: 'localhost:5000', path: 'x', tag: 'latest' });
    expect(parseNormalizedReference('localhost/x/y')).toEqual({ domain: 'localhost', path: 'x/y', tag: 'latest' });
    expect(parseNormalizedReference('index.docker.io/app')).toEqual({ domain: 'docker.io', path: 'library/app', tag: 'latest' });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseNormalizedReference(`127.0.0.1:5000/app@${digest}`)).toEqual({ domain: '127.0.0.1:5000', path: 'app', digest });
    expect(parseNormalizedReference(`127.0.0.1:5000/app:v1@${digest}`)).toEqual({ domain: '127.0.0.1:5000', path: 'app', tag: 'v1', digest });
  });

  it('rejects what docker rejects, with docker texts', () => {
    expect(() => parseReference('Upper/app')).not.toThrow();
    expect(() => parseReference('host.example/App')).toThrow('invalid reference format: repository name (App) must be lowercase');
    expect(() => parseReference('a'.repeat(64).replace(/a/g, 'b'))).toThrow('cannot specify 64-byte hexadecimal strings');
    expect(() => parseReference('app:bad tag')).toThrow('invalid reference format');
    expect(() => parseReference('app@sha256:xyz')).toThrow('invalid reference format');
  });
});
