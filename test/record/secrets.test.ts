import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerLogsCommand } from '../../src/cli/commands/logs.js';
import { registerRunsCommand } from '../../src/cli/commands/runs.js';
import type { RunEvent } from '../../src/run/events.js';
import { createRunLogger } from '../../src/record/logger.js';
import { createMasker } from '../../src/record/masker.js';
import { createRecordWriter, readRecord } from '../../src/record/record.js';
import { allocateRunId } from '../../src/record/run-id.js';
import { formatSummaryJson, formatSummaryMarkdown } from '../../src/record/summary.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  process.exitCode = undefined;
});

const TOKEN = 'ghp_T0kenValue42';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nxyz\n-----END PRIVATE KEY-----';
const FORBIDDEN = [TOKEN, KEY, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '-----BEGIN PRIVATE KEY-----'];

function listFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

async function runCommand(home: string, args: readonly string[]): Promise<string> {
  let out = '';
  const io = { stdout: (text: string) => (out += text), stderr: (text: string) => (out += text), env: { TASKRUN_HOME: home } };
  const program = new Command('taskrun').exitOverride();
  registerRunsCommand(program, io);
  registerLogsCommand(program, io);
  await program.parseAsync([...args], { from: 'user' });
  return out;
}

describe('secrets', () => {
  it('appear in no file under TASKRUN_HOME and in no output stream', async () => {
    const home = mkdtempSync(join(tmpdir(), 'taskrun-secrets-'));
    homes.push(home);
    const runId = await allocateRunId(home);
    const masker = createMasker([TOKEN, KEY]);
    let jsonStdout = '';
    const writer = createRecordWriter({
      home,
      runId,
      taskFile: 'acr-task.yaml',
      taskText: 'secrets:\n  - id: token\n',
      renderedTask: `steps:\n  - cmd: bash -c 'echo ${TOKEN}'\n`,
      arguments: ['run', '--secret', `token=${TOKEN}`, `--secret=key=${KEY}`, '--set', `t=${TOKEN}`],
      engine: 'podman',
      masker,
    });
    const logger = createRunLogger({ home, runId, masker, jsonStream: { write: (text: string) => void (jsonStdout += text) } });
    const t = Date.now();
    const events: RunEvent[] = [
      { type: 'run-start', runId, time: t, stepIds: ['a'] },
      { type: 'step-start', stepId: 'a', kind: 'cmd', time: t, attempt: 1, command: ['podman', 'run', '-e', `TOKEN=${TOKEN}`, 'bash'] },
      // The token split across two chunks, the key split in the middle of a line.
      { type: 'step-output', stepId: 'a', stream: 'stdout', text: `token is ${TOKEN.slice(0, 7)}`, time: t },
      { type: 'step-output', stepId: 'a', stream: 'stdout', text: `${TOKEN.slice(7)}\nkey:\n${KEY.slice(0, 40)}`, time: t },
      { type: 'step-output', stepId: 'a', stream: 'stdout', text: `${KEY.slice(40)}\ndone\n`, time: t },
      // A tool that prints the key with CRLF line ends, one line per chunk.
      ...KEY.split('\n').map((line): RunEvent => ({ type: 'step-output', stepId: 'a', stream: 'stderr', text: `${line}\r\n`, time: t })),
      { type: 'warning', stepId: 'a', message: `value ${TOKEN} looks like a token`, time: t },
      { type: 'step-end', stepId: 'a', status: 'failed', time: t, durationMs: 5, attempts: 1, exitCode: 1, error: `auth failed for ${TOKEN}` },
      { type: 'run-end', runId, status: 'failed', time: t, durationMs: 5, error: `step a failed: auth failed for ${TOKEN}` },
    ];
    for (const event of events) {
      writer.handle(event);
      logger.handle(event);
    }
    await logger.close();
    writer.close();

    const record = await readRecord(home, runId);
    expect(record).toBeDefined();
    const outputs: Record<string, string> = {
      jsonStdout,
      summaryJson: formatSummaryJson(record!),
      summaryMarkdown: formatSummaryMarkdown(record!),
      runs: await runCommand(home, ['runs']),
      runsJson: await runCommand(home, ['runs', '--json']),
      show: await runCommand(home, ['runs', 'show', runId]),
      showJson: await runCommand(home, ['runs', 'show', runId, '--json']),
      logs: await runCommand(home, ['logs', runId]),
    };
    for (const file of listFiles(home)) outputs[file] = readFileSync(file, 'utf8');

    const leaks = Object.entries(outputs).flatMap(([where, text]) => FORBIDDEN.filter((secret) => text.includes(secret)).map((secret) => `${where}: ${secret}`));
    expect(leaks).toEqual([]);
    expect(outputs['logs']).toContain('[a] token is ***\n[a] key:\n[a] ***\n[a] done\n');
    // The key printed with CRLF line ends is caught whole, even one line per chunk.
    expect(outputs['logs']).toContain('[a] done\n[a] ***\n--- value *** looks like a token\n');
    expect(record!.arguments).toEqual(['run', '--secret', 'token=***', '--secret=key=***', '--set', 't=***']);
  });
});
