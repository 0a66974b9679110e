import { describe, it, expect } from 'vitest';
import { quickRunTask, refuseAzOnlyFlags, resolveRunSource } from '../../src/cli/az-habits.js';
import { InputError } from '../../src/diagnostics.js';

const resolve = (positionals: string[], flags: { file?: string; cmd?: string; context?: string } = {}) =>
  resolveRunSource({ positionals, flags, readStdin: () => 'steps: []\n' });

describe('az acr run habits', () => {
  it('keeps `taskrun run FILE [CONTEXT]`', () => {
    expect(resolve(['acr-task.yaml'])).toEqual({ file: 'acr-task.yaml' });
    expect(resolve(['acr-task.yaml', 'src'])).toEqual({ file: 'acr-task.yaml', context: { kind: 'folder', path: 'src' } });
  });

  it('reads -f relative to the context, as az does, also inside a tar or git context', () => {
    expect(resolve(['app'], { file: 'acr-task.yaml' })).toEqual({ file: 'app/acr-task.yaml', context: { kind: 'folder', path: 'app' } });
    expect(resolve(['src.tar.gz'], { file: 'ci/acr-task.yaml' })).toEqual({ file: 'ci/acr-task.yaml', context: { kind: 'tar', path: 'src.tar.gz' }, isFileInContext: true });
    expect(resolve(['/dev/null'], { file: 'acr-task.yaml' })).toEqual({ file: 'acr-task.yaml', context: { kind: 'none' } });
    expect(resolve([], { file: '/abs/acr-task.yaml' })).toEqual({ file: '/abs/acr-task.yaml' });
  });

  it('reads -f - from stdin and runs --cmd as a one-step task, with no context unless one is given', () => {
    expect(resolve([], { file: '-' })).toEqual({ file: '-', text: 'steps: []\n', context: { kind: 'none' } });
    expect(resolve([], { file: '-', context: 'dir' })).toEqual({ file: '-', text: 'steps: []\n' });
    expect(resolve(['/dev/null'], { cmd: '$Registry/hello echo "hi"' })).toEqual({ file: '--cmd', text: quickRunTask('$Registry/hello echo "hi"'), context: { kind: 'none' } });
    expect(quickRunTask('busybox echo "hi"')).toBe('version: v1.1.0\nsteps:\n  - cmd: "busybox echo \\"hi\\""\n');
  });

  it('refuses what cannot be meant, with what to do', () => {
    expect(() => resolve([])).toThrow(InputError);
    expect(() => resolve(['a', 'b', 'c'])).toThrow(/too many arguments/);
    expect(() => resolve(['ctx'], { cmd: 'x', file: 'y' })).toThrow(/--cmd and -f/);
    expect(() => resolve(['f.yaml', 'ctx'], { context: 'other' })).toThrow(/given twice/);
    expect(() => refuseAzOnlyFlags({ agentPool: 'p', noWait: true })).toThrow(InputError);
    expect(() => refuseAzOnlyFlags({})).not.toThrow();
  });
});
