// Secrets searched for in every output, every file of the home and the process list while a step
// runs; host-shell injection through --set values (`;`, `&&`, `|`, `$(…)`, backticks, newlines).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { cliEngineFor, ENGINE_PATHS, type EnginePath } from '../helpers/lab.js';
import { allFiles, engineObjects, startRun, taskIn, tempDir, uniqueId, useReliabilitySuite } from './helpers.js';

const { tally, lab } = useReliabilitySuite('secrets and injection');

function secretTask(): { file: string; secret: string } {
  const secret = `s3cr3t-${uniqueId('v')}`;
  const file = taskIn(
    tempDir('secret'),
    [
      'steps:',
      '  - id: use',
      `    cmd: ${lab().registry}/busybox sh -c 'echo "the secret is $Q"; echo started; sleep 3'`,
      '    env:',
      '      - Q={{.Secrets.Q}}',
      '',
    ].join('\n'),
  );
  return { file, secret };
}

/** Polls `ps -eo args` until the run ends; the lines that hold `needle`. */
async function watchProcessList(needle: string, until: Promise<unknown>): Promise<string[]> {
  let isDone = false;
  void until.then(() => (isDone = true));
  const seen: string[] = [];
  while (!isDone) {
    const { stdout } = await execa('ps', ['-eo', 'args'], { reject: false });
    seen.push(...stdout.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo')));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return seen;
}

describe.each<EnginePath>(ENGINE_PATHS)('secrets on %s', (engine) => {
  it('never appear in the output, the record, the log or any file of the home', { timeout: 60_000 }, async () => {
    const home = tempDir('home');
    const runId = uniqueId('sec');
    const { file, secret } = secretTask();
    const run = startRun({ lab: lab(), file, runId, home, engine, args: ['--secret', `Q=${secret}`] });
    expect(await run.exited).toBe(0);
    const logs = await runCli(['logs', runId], { env: { ...process.env, TASKRUN_HOME: home } });
    const show = await runCli(['runs', 'show', runId, '--json'], { env: { ...process.env, TASKRUN_HOME: home } });
    const inFiles = allFiles(home).filter((name) => readFileSync(name, 'utf8').includes(secret));
    const held = run.output().includes('the secret is ***') && !run.output().includes(secret) && !logs.stdout.includes(secret) && !show.stdout.includes(secret) && inFiles.length === 0;
    expect(tally.record('secret in outputs and files', held), `${run.output()}\n${inFiles.join(' ')}`).toBe(true);
  });

  // The secret comes from the environment (--secret-env): given as --secret it would be on
  // taskrun's own command line, which is the user's choice. The engine's must not show it.
  it('never appear on a process command line while the step runs', { timeout: 60_000 }, async () => {
    const home = tempDir('home');
    const runId = uniqueId('ps');
    const { file, secret } = secretTask();
    const run = startRun({ lab: lab(), file, runId, home, engine, args: ['--secret-env', 'Q=TASKRUN_TEST_SECRET'], env: { TASKRUN_TEST_SECRET: secret } });
    const seen = await watchProcessList(secret, run.exited);
    expect(await run.exited).toBe(0);
    expect(tally.record('secret on a process command line', seen.length === 0), seen.join('\n')).toBe(true);
  });
});

const PAYLOADS: Readonly<Record<string, (sentinel: string) => string>> = {
  semicolon: (sentinel) => `x; touch ${sentinel}`,
  and: (sentinel) => `x && touch ${sentinel}`,
  pipe: (sentinel) => `x | touch ${sentinel}`,
  'command substitution': (sentinel) => `$(touch ${sentinel})`,
  backticks: (sentinel) => `\`touch ${sentinel}\``,
  newline: (sentinel) => `x\ntouch ${sentinel}`,
  'quoted newline': (sentinel) => `x'\n  - cmd: ${'busybox'} touch ${sentinel}\n'`,
};

describe('host-shell injection through --set values', () => {
  it.each(Object.keys(PAYLOADS))('%s: no host command runs and no extra step or container', { timeout: 60_000 }, async (name) => {
    const home = tempDir('home');
    const runId = uniqueId('inj');
    const sentinel = path.join(tempDir('sentinel'), 'ran');
    const file = taskIn(tempDir('inj'), `steps:\n  - id: say\n    cmd: ${lab().registry}/busybox echo {{.Values.x}}\n`);
    const selection = cliEngineFor(lab(), 'podman');
    const result = await runCli(['run', file, ...selection.args, '--run-id', runId, '--set', `x=${PAYLOADS[name]!(sentinel)}`], {
      env: { ...process.env, ...selection.env, TASKRUN_HOME: home },
    });
    const recordFile = path.join(home, 'runs', runId, 'record.json');
    const steps = existsSync(recordFile) ? (JSON.parse(readFileSync(recordFile, 'utf8')) as { steps: unknown[] }).steps.length : 0;
    const leftovers = await engineObjects(lab(), runId);
    const held = [0, 2].includes(result.exitCode) && !existsSync(sentinel) && steps <= 1 && leftovers.length === 0 && !result.stderr.includes('internal error');
    expect(tally.record('host-shell injection via --set', held), `${result.exitCode}\n${result.stdout}\n${result.stderr}`).toBe(true);
  });
});
