import { describe, it, expect } from 'vitest';
import { placeSecretBuildArgs, placeSecretValues } from '../../src/steps/secret-env.js';

describe('secret values off engine command lines', () => {
  it('passes an env item that holds a secret by name, its value through the CLI environment', () => {
    expect(placeSecretValues(['A=plain', 'TOKEN=Bearer s3cret', 'PASS', 'PATH=/s3cret'], ['s3cret'])).toEqual({
      items: ['A=plain', 'TOKEN', 'PASS', 'PATH=/s3cret'],
      env: { TOKEN: 'Bearer s3cret' },
    });
    expect(placeSecretValues(['A=b'], [''])).toEqual({ items: ['A=b'], env: {} });
  });

  it('does the same for --build-arg, in both of its forms', () => {
    expect(placeSecretBuildArgs(['-t', 'x', '--build-arg', 'NPM_TOKEN=s3cret', '--build-arg=V=1', '--build-arg=K=s3cret', '.'], ['s3cret'])).toEqual({
      words: ['-t', 'x', '--build-arg', 'NPM_TOKEN', '--build-arg=V=1', '--build-arg=K', '.'],
      env: { NPM_TOKEN: 's3cret', K: 's3cret' },
    });
  });
});
