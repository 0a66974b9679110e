import { describe, expect, it } from 'vitest';
import { resolveRunFolder, resolveTaskrunHome } from '../../src/record/home.js';

describe('resolveTaskrunHome', () => {
  it('uses TASKRUN_HOME first', () => {
    expect(resolveTaskrunHome({ TASKRUN_HOME: '/data/tr', XDG_STATE_HOME: '/state' }, '/home/u')).toBe('/data/tr');
  });

  it('uses $XDG_STATE_HOME/taskrun without TASKRUN_HOME', () => {
    expect(resolveTaskrunHome({ XDG_STATE_HOME: '/state' }, '/home/u')).toBe('/state/taskrun');
  });

  it('ignores a relative XDG_STATE_HOME, as the XDG spec says', () => {
    expect(resolveTaskrunHome({ XDG_STATE_HOME: 'state' }, '/home/u')).toBe('/home/u/.local/state/taskrun');
  });

  it('falls back to ~/.local/state/taskrun', () => {
    expect(resolveTaskrunHome({}, '/home/u')).toBe('/home/u/.local/state/taskrun');
  });

  it('puts each run in runs/<id>', () => {
    expect(resolveRunFolder('/data/tr', 'tr1')).toBe('/data/tr/runs/tr1');
  });
});
