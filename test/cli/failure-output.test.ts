// A failing step's cause reaches the console in every output mode: `taskrun run` through the
// real binary, with a podman stand-in on PATH (no lab needed).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FAKE_PODMAN_DIR = fileURLToPath(new URL('./fixtures/fake-podman', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { PATH: `${FAKE_PODMAN_DIR}:${process.env.PATH ?? ''}`, TASKRUN_HOME: path.join(dir, 'home') };
let runs = 0;

function task(lines: string[]): string {
  const file = path.join(dir, `task-${++runs}.yaml`);
  writeFileSync(file, ['steps:', ...lines, ''].join('\n'));
  return file;
}

const failing = task([
  '  - id: compile',
  `    cmd: busybox sh -c 'for i in $(seq 1 45); do echo "cc unit $i"; done; echo "undefined reference to main" >&2; exit 3'`,
]);

describe('the cause of a failure in every output mode', () => {
  it.each([
    ['-q', ['-q']],
    ['--output json', ['--output', 'json']],
    ['--log-format json', ['--log-format', 'json']],
  ])('%s: the last 30 lines, the step id and exit code, and the run ID are on stderr', async (_, flags) => {
    const runId = `fail-${runs++}`;
    const result = await runCli(['run', failing, '--engine', 'podman', '--run-id', runId, ...flags], { env });
    expect(result.exitCode).toBe(1);
    const stderr = result.stderr.split('\n');
    expect(stderr[0]).toBe(`Run ID: ${runId} (engine: podman; record: taskrun runs show ${runId})`);
    const start = stderr.indexOf('Step compile failed with exit code 3: exited with code 3');
    expect(start).toBeGreaterThan(0);
    expect(stderr.slice(start + 1, start + 33)).toEqual([
      '  its last 30 lines of output:',
      ...Array.from({ length: 29 }, (_, i) => `[compile] cc unit ${i + 17}`),
      '[compile] undefined reference to main',
      `Run ID: ${runId} — the full output: taskrun logs ${runId}`,
    ]);
    // The rest is in the log.
    const logs = await runCli(['logs', runId], { env });
    expect(logs.stdout).toContain('cc unit 1\n');
  });

  it('plain lines already show the output: only the run ID and the way to the log are added', async () => {
    const result = await runCli(['run', failing, '--engine', 'podman', '--run-id', 'plain-fail'], { env });
    expect(result.stdout).toContain('cc unit 1\n');
    expect(result.stderr).toMatch(/^Run ID: plain-fail \(engine: podman; record: taskrun runs show plain-fail\)\nWorkspace: a copy of \S+ \(volume taskrun-[0-9a-f]{6}-plain-fail-workspace\)\nEngine: podman at [^\n]+\nRun ID: plain-fail — the full output: taskrun logs plain-fail\n$/);
  });

  it("names the engine's own reason when it fails with 125 (an image the registry does not have)", async () => {
    const file = task(['  - id: fetch', '    cmd: missing/tool --version']);
    const result = await runCli(['run', file, '--engine', 'podman', '--run-id', 'engine-125', '-q'], { env });
    expect(result.stderr).toContain(
      'Step fetch failed with exit code 125: exited with code 125: the container engine itself failed: initializing source docker://127.0.0.1:5000/missing/tool:latest: reading manifest latest in 127.0.0.1:5000/missing/tool: manifest unknown',
    );
  });

  it('prints the run ID on stderr in quiet mode even when the run succeeds', async () => {
    const file = task(['  - id: ok', "    cmd: busybox sh -c 'echo fine'"]);
    const result = await runCli(['run', file, '--engine', 'podman', '--run-id', 'quiet-ok', '-q'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('Run ID: quiet-ok (engine: podman; record: taskrun runs show quiet-ok)\n');
    expect(result.stdout).not.toContain('fine');
  });
});
