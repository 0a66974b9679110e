import { describe, it, expect } from 'vitest';
import { describeFailure } from '../../src/engine/describe-failure.js';
import type { ExecResult } from '../../src/engine/process.js';

const ok: ExecResult = { exitCode: 0, timedOut: false, isCanceled: false, durationMs: 1200, outputTail: '', failed: false };
const run = { command: 'podman run', isContainerRun: true };

describe('describeFailure', () => {
  it('is undefined on success', () => {
    expect(describeFailure(ok, run)).toBeUndefined();
  });

  it('checks reasons in order', () => {
    expect(describeFailure({ ...ok, exitCode: 143, isCanceled: true, failed: true }, run)).toBe('podman run was stopped');
    expect(describeFailure({ timedOut: false, isCanceled: false, durationMs: 1, outputTail: '', failed: true, spawnError: 'spawn podman ENOENT' }, run)).toBe(
      'could not start podman run: spawn podman ENOENT',
    );
    expect(describeFailure({ ...ok, exitCode: undefined, signal: 'SIGKILL', failed: true } as ExecResult, run)).toBe('podman run was killed by SIGKILL');
  });

  it('names the engine exit codes of a container run', () => {
    expect(describeFailure({ ...ok, exitCode: 3, failed: true }, run)).toBe('exited with code 3');
    expect(describeFailure({ ...ok, exitCode: 125, failed: true }, run)).toBe('exited with code 125: the container engine itself failed');
    expect(describeFailure({ ...ok, exitCode: 126, failed: true }, run)).toBe('exited with code 126: the command in the container cannot be invoked');
    expect(describeFailure({ ...ok, exitCode: 127, failed: true }, run)).toBe('exited with code 127: the command in the container was not found');
    expect(describeFailure({ ...ok, exitCode: 137, failed: true }, run)).toBe('exited with code 137: the container was killed (SIGKILL or out of memory)');
    expect(describeFailure({ ...ok, exitCode: 125, failed: true }, { command: 'podman build' })).toBe('exited with code 125');
  });
});
