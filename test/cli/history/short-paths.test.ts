import { describe, expect, it } from 'vitest';
import { shortDistinctPaths } from '../../../src/cli/history/short-paths.js';

const names = (...paths: string[]) => paths.map((path) => shortDistinctPaths(paths).get(path));

describe('shortDistinctPaths', () => {
  it('shows folder/file', () => {
    expect(names('/home/me/app/acr-task.yaml', '/home/me/lib/build.yaml')).toEqual(['app/acr-task.yaml', 'lib/build.yaml']);
  });

  it('adds the nearest parent that tells two files apart, eliding the folders between', () => {
    expect(names('/w/app/x/ci/acr-task.yaml', '/w/lib/x/ci/acr-task.yaml', '/w/other/acr-task.yaml')).toEqual([
      'app/…/ci/acr-task.yaml',
      'lib/…/ci/acr-task.yaml',
      'other/acr-task.yaml',
    ]);
    expect(names('/w/a/ci/t.yaml', '/w/b/ci/t.yaml')).toEqual(['a/ci/t.yaml', 'b/ci/t.yaml']);
  });

  it('keeps short and old relative paths as they are, and the whole path where nothing shorter is distinct', () => {
    expect(names('acr-task.yaml', '/srv/acr-task.yaml')).toEqual(['acr-task.yaml', '/srv/acr-task.yaml']);
    expect(names('/ci/t.yaml', '/x/ci/t.yaml')).toEqual(['/ci/t.yaml', '/x/ci/t.yaml']);
    expect(names('samples/a/acr-task.yaml', '/repo/samples/a/acr-task.yaml')).toEqual(['samples/a/acr-task.yaml', '/repo/…/a/acr-task.yaml']);
  });

  it('gives one name to one path however often it comes', () => {
    expect(names('/a/b/c.yaml', '/a/b/c.yaml')).toEqual(['b/c.yaml', 'b/c.yaml']);
  });
});
