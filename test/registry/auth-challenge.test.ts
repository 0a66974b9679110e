import { describe, it, expect } from 'vitest';
import { parseChallenge } from '../../src/registry/auth.js';

describe('parseChallenge', () => {
  it('reads Bearer and Basic challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="taskrun"')).toEqual({ scheme: 'basic', params: { realm: 'taskrun' } });
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
  });
});
