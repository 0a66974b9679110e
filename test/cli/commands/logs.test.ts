import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerLogsCommand } from '../../../src/cli/commands/logs.js';
import type { RunEvent } from '../../../src/run/events.js';
import { createRunLogger } from '../../../src/record/logger.js';
import { createRecordWriter } from '../../../src/record/record.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  process.exitCode = undefined;
});

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

const EVENTS: readonly RunEvent[] = [
  { type: 'run-start', runId: 'tr1', time: T0, stepIds: ['build', 'test'] },
  { type: 'step-queued', stepId: 'build', time: T0 },
  { type: 'step-start', stepId: 'build', kind: 'build', time: T0, attempt: 1 },
  { type: 'step-output', stepId: 'build', stream: 'stdout', text: 'STEP 1/1: FROM busybox\n', time: T0 },
  { type: 'step-end', stepId: 'build', status: 'succeeded', time: T0 + 1200, durationMs: 1200, attempts: 1, exitCode: 0 },
  { type: 'step-start', stepId: 'test', kind: 'cmd', time: T0 + 1200, attempt: 1, command: ['podman', 'run', 'busybox', 'sh', '-c', 'exit 1'] },
  { type: 'step-output', stepId: 'test', stream: 'stderr', text: 'FAIL: 1 test\n', time: T0 + 1300 },
  { type: 'step-end', stepId: 'test', status: 'failed', time: T0 + 1500, durationMs: 300, attempts: 1, exitCode: 1, error: 'exited with code 1' },
];
const RUN_END: RunEvent = { type: 'run-end', runId: 'tr1', status: 'failed', time: T0 + 1500, durationMs: 1500 };

function startRun(home: string) {
  mkdirSync(join(home, 'runs', 'tr1'), { recursive: true });
  const writer = createRecordWriter({
    home,
    runId: 'tr1',
    taskFile: 'acr-task.yaml',
    taskText: '',
    renderedTask: '',
    arguments: [],
    engine: 'docker',
  });
  const logger = createRunLogger({ home, runId: 'tr1' });
  return {
    emit(event: RunEvent) {
      writer.handle(event);
      logger.handle(event);
    },
    async close() {
      await logger.close();
      writer.close();
    },
  };
}

async function recordFullRun(): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'taskrun-logs-'));
  homes.push(home);
  const run = startRun(home);
  for (const event of [...EVENTS, RUN_END]) run.emit(event);
  await run.close();
  return home;
}

async function runCli(home: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('taskrun').exitOverride();
  registerLogsCommand(program, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: { TASKRUN_HOME: home } });
  await program.parseAsync([...args], { from: 'user' });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

describe('taskrun logs', () => {
  it('prints step output and step events in a readable form', async () => {
    const home = await recordFullRun();
    expect(await runCli(home, ['logs', 'tr1'])).toEqual({
      stdout: [
        '--- run tr1 started',
        '--- step build started',
        '[build] STEP 1/1: FROM busybox',
        '--- step build succeeded in 1.2 s',
        "--- step test started: podman run busybox sh -c 'exit 1'",
        '[test] FAIL: 1 test',
        '--- step test failed in 300 ms: exited with code 1',
        '--- run tr1 failed in 1.5 s',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });

  it('prints only one step with --step', async () => {
    const home = await recordFullRun();
    expect((await runCli(home, ['logs', 'tr1', '--step', 'test'])).stdout).toBe(
      "--- step test started: podman run busybox sh -c 'exit 1'\n[test] FAIL: 1 test\n--- step test failed in 300 ms: exited with code 1\n",
    );
  });

  it('exits 2 for a step the run does not have', async () => {
    const home = await recordFullRun();
    expect(await runCli(home, ['logs', 'tr1', '--step', 'tests'])).toEqual({
      stdout: '',
      stderr: "error: --step 'tests' is not a step of run 'tr1'\n  hint: did you mean 'test'? the steps of run 'tr1' are build, test\n",
      exitCode: 2,
    });
  });

  it('exits 2 for an unknown run ID', async () => {
    const home = await recordFullRun();
    expect(await runCli(home, ['logs', 'nope'])).toEqual({
      stdout: '',
      stderr: `error: no run 'nope' in ${join(home, 'runs')}\n  hint: 'taskrun runs' lists the recorded runs\n`,
      exitCode: 2,
    });
  });

  it('with --follow keeps printing until the run ends', async () => {
    const home = mkdtempSync(join(tmpdir(), 'taskrun-logs-'));
    homes.push(home);
    const run = startRun(home);
    for (const event of EVENTS.slice(0, 4)) run.emit(event);
    const following = runCli(home, ['logs', 'tr1', '--follow']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const event of [...EVENTS.slice(4), RUN_END]) run.emit(event);
    await run.close();
    const { stdout } = await following;
    expect(stdout.trim().split('\n')).toEqual([
      '--- run tr1 started',
      '--- step build started',
      '[build] STEP 1/1: FROM busybox',
      '--- step build succeeded in 1.2 s',
      "--- step test started: podman run busybox sh -c 'exit 1'",
      '[test] FAIL: 1 test',
      '--- step test failed in 300 ms: exited with code 1',
      '--- run tr1 failed in 1.5 s',
    ]);
  });
});
