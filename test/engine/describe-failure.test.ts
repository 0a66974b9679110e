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

describe("describeFailure: the engine's own reason", () => {
  const failed = (exitCode: number, outputTail: string): ExecResult => ({ ...ok, exitCode, failed: true, outputTail });

  it('names a missing image (podman) and a registry 500 (docker) behind exit 125', () => {
    const podman = [
      'Trying to pull 127.0.0.1:5000/nope:latest...',
      'Error: initializing source docker://127.0.0.1:5000/nope:latest: reading manifest latest in 127.0.0.1:5000/nope: manifest unknown',
    ].join('\n');
    expect(describeFailure(failed(125, podman), run)).toBe(
      'exited with code 125: the container engine itself failed: initializing source docker://127.0.0.1:5000/nope:latest: reading manifest latest in 127.0.0.1:5000/nope: manifest unknown',
    );
    const docker = [
      "Unable to find image '127.0.0.1:5000/app:1' locally",
      'docker: Error response from daemon: received unexpected HTTP status: 500 Internal Server Error.',
      "See 'docker run --help'.",
    ].join('\n');
    expect(describeFailure(failed(125, docker), { command: 'docker run', isContainerRun: true })).toBe(
      'exited with code 125: the container engine itself failed: received unexpected HTTP status: 500 Internal Server Error',
    );
  });

  it("leaves a container's own exit code alone, even when its program printed an error", () => {
    expect(describeFailure(failed(3, 'Error: database unreachable'), run)).toBe('exited with code 3');
    expect(describeFailure(failed(127, 'Error: early\nmore\nsh: nope: not found'), run)).toBe('exited with code 127: the command in the container was not found');
  });

  it('takes the engine line that closes the output of 126 and 127', () => {
    const tail = 'Error: crun: executable file `nope` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found';
    expect(describeFailure(failed(127, tail), run)).toBe(`exited with code 127: the command in the container was not found: ${tail.slice('Error: '.length)}`);
  });

  it('names the reason of any failed engine command other than run: builds, pushes', () => {
    const build = ['Step 2/2 : RUN make', 'Error: something the Makefile said', "The command '/bin/sh -c make' returned a non-zero code: 2"].join('\n');
    expect(describeFailure(failed(1, build), { command: 'docker build' })).toBe("exited with code 1: The command '/bin/sh -c make' returned a non-zero code: 2");
    expect(describeFailure(failed(1, 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2'), { command: 'docker build' })).toBe(
      'exited with code 1: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
    );
    expect(describeFailure(failed(1, 'The push refers to repository [127.0.0.1:5000/a]\nreceived unexpected HTTP status: 500 Internal Server Error'), { command: 'docker push' })).toBe(
      'exited with code 1: received unexpected HTTP status: 500 Internal Server Error',
    );
    expect(describeFailure(failed(125, 'nothing recognisable'), run)).toBe('exited with code 125: the container engine itself failed');
  });
});
