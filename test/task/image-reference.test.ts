import { describe, it, expect } from 'vitest';
import { canonicalImageReference, hasTagOrDigest, normalizePushImages, repositoryOf, withDefaultTag } from '../../src/task/image-reference.js';

describe('image references', () => {
  it.each([
    ['app', 'app:latest'],
    ['app:1', 'app:1'],
    ['localhost:5000/img', 'localhost:5000/img:latest'],
    ['localhost:5000/img:v2', 'localhost:5000/img:v2'],
    ['img@sha256:abc', 'img@sha256:abc'],
    ['reg.io/a/b', 'reg.io/a/b:latest'],
  ])('%s → %s', (reference, expected) => {
    expect(withDefaultTag(reference)).toBe(expected);
    expect(hasTagOrDigest(expected)).toBe(true);
  });

  it('de-duplicates after normalising, keeping the first', () => {
    expect(normalizePushImages(['b', 'a:1', 'b:latest', 'a:1'])).toEqual(['b:latest', 'a:1']);
  });

  it('strips tags and digests for the repository', () => {
    expect(['localhost:5000/a/b:v1', 'localhost:5000/a', 'x@sha256:1', 'docker:27'].map(repositoryOf)).toEqual([
      'localhost:5000/a/b',
      'localhost:5000/a',
      'x',
      'docker',
    ]);
  });

  it.each([
    ['img1', 'docker.io/library/img1:latest'],
    ['docker.io/library/img1', 'docker.io/library/img1:latest'],
    ['index.docker.io/img1:2', 'docker.io/library/img1:2'],
    ['user/app:2', 'docker.io/user/app:2'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['reg.io/a/b@sha256:ab', 'reg.io/a/b@sha256:ab'],
  ])('canonical form of %s is %s', (reference, expected) => {
    expect(canonicalImageReference(reference)).toBe(expected);
  });
});
