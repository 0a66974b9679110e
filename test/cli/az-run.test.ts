// `az acr run` habits through the real binary on the lab: --cmd with /dev/null, -f with a tar
// context, -f - from stdin, az-only flags refused before anything runs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { REPO_ROOT, TASKRUN_BIN, requireBuild, runCli } from '../helpers/cli.js';
import { requireLab } from '../helpers/lab.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'taskrun-az-run-'));
const home = path.join(scratch, 'home');
const env = { ...process.env, TASKRUN_HOME: home };
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeEach(async () => {
  await requireLab();
});

describe('taskrun run as az acr run is typed', () => {
  it('runs --cmd with /dev/null as a one-step task with aliases', async () => {
    const result = await runCli(['run', '--engine', 'podman', '--cmd', 'busybox echo quick {{.Run.ID}} $ID', '/dev/null', '--run-id', 'az-cmd'], { env });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.stdout).toContain('quick az-cmd az-cmd');
    expect(result.exitCode).toBe(0);
  });

  it('runs -f FILE inside a .tar.gz context, building from it', async () => {
    const source = path.join(scratch, 'source');
    execFileSync('mkdir', ['-p', path.join(source, 'ci')]);
    writeFileSync(path.join(source, 'Dockerfile'), 'FROM localhost:5000/busybox\nCOPY hi.txt /hi.txt\n');
    writeFileSync(path.join(source, 'hi.txt'), 'from the tarball\n');
    writeFileSync(path.join(source, 'ci', 'acr-task.yaml'), 'steps:\n  - build: -t localhost:5000/az-run/tar:{{.Run.ID}} .\n  - cmd: localhost:5000/az-run/tar:{{.Run.ID}} cat /hi.txt\n');
    const archive = path.join(scratch, 'source.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', source, '.']);
    const result = await runCli(['run', '--engine', 'podman', '-f', 'ci/acr-task.yaml', archive, '--run-id', 'az-tar'], { env, timeoutMs: 120_000 });
    expect(result.stdout).toContain('from the tarball');
    expect(result.exitCode).toBe(0);
  });

  it('reads the task from stdin with -f -', async () => {
    requireBuild();
    const result = await execa(process.execPath, [TASKRUN_BIN, 'run', '--engine', 'podman', '-f', '-', '--run-id', 'az-stdin'], {
      cwd: REPO_ROOT,
      env: { ...env, NO_COLOR: '1' },
      input: 'steps:\n  - cmd: busybox echo from stdin\n',
      reject: false,
    });
    expect(result.stdout).toContain('from stdin');
    expect(result.exitCode).toBe(0);
  });

  it('names the image and its alias when it cannot be run, and runs another one with --image-map', async () => {
    const dir = path.join(scratch, 'image-map');
    execFileSync('mkdir', ['-p', dir]);
    const file = path.join(dir, 'acr-task.yaml');
    // An alias whose image exists nowhere (the lab registry is the only one reachable).
    writeFileSync(file, 'version: v1.1.0\nalias:\n  values:\n    tool: localhost:5000/taskrun-test/absent:1\nsteps:\n  - cmd: tool echo mapped\n');
    const failed = await runCli(['run', file, '--engine', 'podman', '--run-id', 'az-map-1'], { env, timeoutMs: 60_000 });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr + failed.stdout).toContain('image localhost:5000/taskrun-test/absent:1, from the alias `tool`; to run another image in its place: --image-map tool=IMAGE');
    const mapped = await runCli(['run', file, '--engine', 'podman', '--run-id', 'az-map-2', '--image-map', 'tool=busybox'], { env, timeoutMs: 60_000 });
    expect(mapped.stdout).toContain('mapped');
    expect(mapped.exitCode).toBe(0);
  });

  it('refuses az flags that have no local meaning, with what to do instead, before anything runs', async () => {
    const result = await runCli(['run', 'samples/parallel/acr-task.yaml', '--agent-pool', 'pool', '--auth-mode', 'None'], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: --agent-pool: taskrun runs on this machine');
    expect(result.stderr).toContain('error: --auth-mode: taskrun logs in with your docker/podman credentials');
    expect(result.stdout).toBe('');
  });
});
