import { describe, it, expect } from 'vitest';
import { isAliasVersion, sniffVersion } from '../../src/load/version-sniff.js';

describe('sniffVersion (acb preprocessor_test TestFindVersion)', () => {
  const vectors: readonly (readonly [string, string])[] = [
    ['', ''],
    [' # task.yml file\n# should be skipped\n\nversion  : v1.1.0    \n', 'v1.1.0'],
    ['\nbuild: something\nversion: v1.1.0', 'v1.1.0'],
    ['\nversionOfTask:v1.1.0', ''],
    ['       \nversion', ''],
    ['       \nversion:v1.1.0\n\t\t\t', 'v1.1.0'],
    ['       \nversion:foo:bar:beta', 'foo:bar:beta'],
    ['       \nversion:"v1.1.0"', 'v1.1.0'],
    ["       \nversion:   'v1.1.0'", 'v1.1.0'],
    ['       \nversion:   "v1.1.0\'', 'v1.1.0'],
    ['       \n"version"', ''],
    [' # task.yml file\n# should be skipped\n\n"version"  : v1.1.0    \n', 'v1.1.0'],
    ['\nbuild: something\n"version": v1.1.0', 'v1.1.0'],
    ['       \n"version":v1.1.0\n\t\t\t', 'v1.1.0'],
    ['       \n"version":foo:bar:beta', 'foo:bar:beta'],
    ['       \n"version":"v1.1.0"', 'v1.1.0'],
    ["       \n\"version\":   'v1.1.0'", 'v1.1.0'],
    ['       \n"version":   "v1.1.0\'', 'v1.1.0'],
    ["       \n'version'", ''],
    [" # task.yml file\n# should be skipped\n\n'version'  : v1.1.0    \n", 'v1.1.0'],
    ["\nbuild: something\n'version': v1.1.0", 'v1.1.0'],
    ["       \n'version':v1.1.0\n\t\t\t", 'v1.1.0'],
    ["       \n'version':foo:bar:beta", 'foo:bar:beta'],
    ["       \n'version':\"v1.1.0\"", 'v1.1.0'],
    ["       \n'version':   'v1.1.0'", 'v1.1.0'],
    ["       \n'version':   \"v1.1.0'", 'v1.1.0'],
    ['       \n"version\':   "v1.1.0\'', 'v1.1.0'],
  ];

  it.each(vectors)('sniffs %j as %j', (text, expected) => {
    expect(sniffVersion(text)).toBe(expected);
  });

  it('ignores an indented version key', () => {
    expect(sniffVersion('steps:\n  version: v1.1.0\n')).toBe('');
  });

  it('takes the first column-0 version line', () => {
    expect(sniffVersion('version: v1.0.0\nversion: v1.1.0\n')).toBe('v1.0.0');
  });

  it('keeps a template action as the version text', () => {
    expect(sniffVersion('version: {{.Values.v}}\r\nsteps: []\r\n')).toBe('{{.Values.v}}');
  });

  it('skips a commented-out version line', () => {
    expect(sniffVersion('# version: v1.1.0\nversion: v1.0.0')).toBe('v1.0.0');
  });
});

describe('isAliasVersion', () => {
  it.each([
    ['v1.1.0', true],
    ['v1.1.1', true],
    ['v2', true],
    ['v1.10.0', true],
    ['{{.Values.v}}', true],
    ['v1.0.0', false],
    ['V1.1.0', false],
    ['1.1.0', false],
    ['', false],
    ['v1.1', false],
  ] as const)('%j → %s', (version, expected) => {
    expect(isAliasVersion(version)).toBe(expected);
  });
});
