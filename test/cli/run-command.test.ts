// `taskrun run` through the real binary on the lab: exit codes, run records, JSON outputs,
// Ctrl-C, kill -9, secrets, and a manifest-only task without an engine.

import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, TASKRUN_BIN } from '../helpers/cli.js';
import { cliEngineFor, ENGINE_PATHS, requireLab, runEngineCli, storagePathOf, type EnginePath } from '../helpers/lab.js';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { homeKeyOf, runNamePrefix } from '../../src/engine/names.js';

let lab: LabEnv;
beforeEach(async () => {
  lab = await requireLab();
});

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `taskrun-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

function taskIn(dir: string, text: string, files: Record<string, string> = {}): string {
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  const file = path.join(dir, 'acr-task.yaml');
  writeFileSync(file, text);
  return file;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

/** The containers, networks and volumes carrying a run's label on the engine a path stores them in. */
async function engineObjects(label: string, path: EnginePath = 'podman'): Promise<string[]> {
  const list = async (args: string[]) => (await runEngineCli(lab, storagePathOf(path), args, { reject: false })).stdout.split('\n').filter(Boolean);
  return [
    ...(await list(['ps', '-a', '--filter', `label=taskrun.run=${label}`, '--format', '{{.Names}}'])),
    ...(await list(['network', 'ls', '--filter', `label=taskrun.run=${label}`, '--format', '{{.Name}}'])),
    ...(await list(['volume', 'ls', '--filter', `label=taskrun.run=${label}`, '--format', '{{.Name}}'])),
  ];
}

async function registryJson(pathname: string, accept: string): Promise<{ json: any; digest: string | null }> {
  const response = await fetch(`http://127.0.0.1:5000${pathname}`, { headers: { Accept: accept } });
  expect(response.status).toBe(200);
  return { json: await response.json(), digest: response.headers.get('docker-content-digest') };
}

/** `taskrun run` as a background process, resolved once the step printed `started`. */
async function startLongRun(input: { file: string; runId: string; home: string; engine?: EnginePath; ownGroup?: boolean }) {
  const selection = cliEngineFor(lab, input.engine ?? 'podman');
  const child = spawn(process.execPath, [TASKRUN_BIN, 'run', input.file, ...selection.args, '--run-id', input.runId], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...selection.env, TASKRUN_HOME: input.home },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: input.ownGroup ?? false,
  });
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk) => ((stdout += chunk), stdout.includes('started') && resolve())));
  return { child, exited, stdout: () => stdout };
}

const LIST_TYPES = 'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json';

describe.each<EnginePath>(ENGINE_PATHS)('taskrun run on %s', (engine) => {
  const selection = () => cliEngineFor(lab, engine);

  it('runs the multi-arch sample end to end: RUN on each platform, the list, each platform pulled through it', { timeout: 240_000 }, async () => {
    const home = tempDir('home');
    const runId = `ma-${engine}-${Date.now()}`;
    const result = await runCli(['run', 'samples/multi-arch/acr-task.yaml', ...selection().args, '--run-id', runId, '--output', 'json'], {
      env: { ...process.env, ...selection().env, TASKRUN_HOME: home },
      timeoutMs: 180_000,
    });
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ runId, status: 'succeeded', engine: engine === 'podman' ? 'podman' : 'docker', taskFile: 'samples/multi-arch/acr-task.yaml' });
    expect(summary.steps.map((s: { status: string }) => s.status)).toEqual(Array(8).fill('succeeded'));
    const logs = await runCli(['logs', runId], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(logs.stdout).toContain('built on x86_64, running on x86_64');
    expect(logs.stdout).toContain('built on aarch64, running on aarch64');
    const pushed = Object.fromEntries(summary.images.pushed.map((i: { reference: string; digest: string }) => [i.reference, i.digest]));
    expect(Object.keys(pushed)).toEqual([`localhost:5000/samples/myimage:${runId}-amd64`, `localhost:5000/samples/myimage:${runId}-arm64`]);
    expect(summary.manifests).toEqual([expect.objectContaining({ reference: 'localhost:5000/samples/myimage:latest', digest: expect.stringMatching(/^sha256:/) })]);

    // The registry itself holds both platforms under the list, with the digests taskrun reported.
    const list = await registryJson('/v2/samples/myimage/manifests/latest', LIST_TYPES);
    expect(list.digest).toBe(summary.manifests[0].digest);
    expect(list.json.manifests.map((m: { platform: { os: string; architecture: string }; digest: string }) => [`${m.platform.os}/${m.platform.architecture}`, m.digest])).toEqual([
      ['linux/amd64', pushed[`localhost:5000/samples/myimage:${runId}-amd64`]],
      ['linux/arm64', pushed[`localhost:5000/samples/myimage:${runId}-arm64`]],
    ]);
    expect(await engineObjects(runId, engine)).toEqual([]);
  });

  it('fails with exit 1 when a step exits 3: its exit code and output are in the record, later steps never start', async () => {
    const home = tempDir('home');
    const summaryFile = path.join(home, 'summary.md');
    const file = taskIn(tempDir('fail'), ['steps:', '  - id: first', '    cmd: busybox sh -c "echo about to fail; exit 3"', '  - id: second', '    cmd: busybox echo never', ''].join('\n'));
    const result = await runCli(['run', file, ...selection().args, '--run-id', 'fails', '--summary', summaryFile], { env: { ...process.env, ...selection().env, TASKRUN_HOME: home } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('about to fail');
    expect(result.stdout).not.toContain('never');
    const show = await runCli(['runs', 'show', 'fails', '--json'], { env: { ...process.env, TASKRUN_HOME: home } });
    const record = JSON.parse(show.stdout);
    expect(record.status).toBe('failed');
    expect(record.steps.map((s: { id: string; status: string; exitCode?: number }) => [s.id, s.status, s.exitCode ?? null])).toEqual([
      ['first', 'failed', 3],
      ['second', 'skipped', null],
    ]);
    const logs = await runCli(['logs', 'fails', '--step', 'first'], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(logs.stdout).toContain('about to fail');
    expect(readFileSync(summaryFile, 'utf8')).toContain('first');
    expect(await engineObjects('fails', engine)).toEqual([]);
  });

  it('ends cancelled with exit 130 when Ctrl-C reaches the whole process group (engine clients too)', async () => {
    const home = tempDir('home');
    const runId = `pgint-${Date.now()}`;
    const file = taskIn(tempDir('pgint'), ['steps:', '  - id: long', '    cmd: busybox sh -c "echo started; sleep 60"', '  - id: after', '    cmd: busybox echo never', ''].join('\n'));
    // As a terminal does: taskrun leads its own process group and SIGINT goes to every process in it.
    const { child, exited } = await startLongRun({ file, runId, home, engine, ownGroup: true });
    process.kill(-(child.pid ?? 0), 'SIGINT');
    expect(await exited).toBe(130);
    expect(await engineObjects(runId, engine)).toEqual([]);
    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'record.json'), 'utf8'));
    expect(record.status).toBe('cancelled');
    expect(record.steps.map((s: { status: string }) => s.status)).toEqual(['cancelled', 'skipped']);
  });
});

describe('taskrun run', () => {
  it('stops on Ctrl-C with exit 130, leaves no container, network or volume, and records the run as cancelled', async () => {
    const home = tempDir('home');
    const runId = `sigint-${Date.now()}`;
    const file = taskIn(tempDir('sigint'), ['steps:', '  - id: long', '    cmd: busybox sh -c "echo started; sleep 60"', '  - id: after', '    cmd: busybox echo never', ''].join('\n'));
    const { child, exited, stdout } = await startLongRun({ file, runId, home });
    const sentAt = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(8_000);
    expect(stdout()).not.toContain('never');
    expect(await engineObjects(runId)).toEqual([]);
    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'record.json'), 'utf8'));
    expect(record.status).toBe('cancelled');
    expect(record.steps.map((s: { status: string }) => s.status)).toEqual(['cancelled', 'skipped']);
  });

  it('treats SIGHUP (a closed terminal) like Ctrl-C', async () => {
    const home = tempDir('home');
    const runId = `sighup-${Date.now()}`;
    const file = taskIn(tempDir('sighup'), ['steps:', '  - id: long', '    cmd: busybox sh -c "echo started; sleep 60"', ''].join('\n'));
    const { child, exited } = await startLongRun({ file, runId, home });
    child.kill('SIGHUP');
    expect(await exited).toBe(130);
    expect(await engineObjects(runId)).toEqual([]);
  });

  it.each(['text', 'json'])('runs to the end and cleans up when its stdout reader goes away (`| head -1`, --log-format %s)', async (logFormat) => {
    const home = tempDir('home');
    const runId = `epipe-${logFormat}-${Date.now()}`;
    const file = taskIn(tempDir('epipe'), [
      'steps:',
      '  - id: talk',
      `    cmd: busybox sh -c 'for i in 1 2 3 4 5 6; do echo line $i; sleep 0.3; done'`,
      '  - id: after',
      '    cmd: busybox echo after',
      '',
    ].join('\n'));
    const child = spawn(process.execPath, [TASKRUN_BIN, 'run', file, '--engine', 'podman', '--run-id', runId, '--log-format', logFormat], {
      cwd: REPO_ROOT,
      env: { ...process.env, TASKRUN_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|internal error/);
    expect(await engineObjects(runId)).toEqual([]);
    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'record.json'), 'utf8'));
    expect(record.status).toBe('succeeded');
    expect(record.steps.map((s: { status: string }) => s.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('leaves a readable record that says interrupted after kill -9; runs prune removes what the run left', async () => {
    const home = tempDir('home');
    const runId = `killed-${Date.now()}`;
    const file = taskIn(
      tempDir('kill'),
      ['steps:', '  - id: service', '    cmd: busybox sleep 300', '    detach: true', '  - id: long', '    cmd: busybox sh -c "echo started; sleep 60"', ''].join('\n'),
    );
    const { child, exited } = await startLongRun({ file, runId, home });
    child.kill('SIGKILL');
    await exited;
    const env = { ...process.env, TASKRUN_HOME: home };
    const show = await runCli(['runs', 'show', runId, '--json'], { env });
    expect(JSON.parse(show.stdout).status).toBe('interrupted');
    // The detached container stays; the foreground one may go with its orphaned engine client.
    const prefix = runNamePrefix({ runId, homeKey: homeKeyOf(home) });
    expect(await engineObjects(runId)).toEqual(expect.arrayContaining([prefix, `${prefix}-home`, `${prefix}-workspace`, `${prefix}-service`]));

    const prune = await runCli(['runs', 'prune'], { env });
    expect(prune.stderr).toBe('');
    expect(prune.stdout).toMatch(
      new RegExp(`^Removed 0 runs; kept 1\\.\\nCleaned up after interrupted run ${runId}: [12] containers?, 1 network, 2 volumes(, its scratch folder \\S+)?\\.\\n$`),
    );
    expect(prune.exitCode).toBe(0);
    expect(await engineObjects(runId)).toEqual([]);
    // The record stays (it is among the newest runs); a second prune finds nothing left to clean.
    expect(JSON.parse((await runCli(['runs', 'show', runId, '--json'], { env })).stdout).status).toBe('interrupted');
    expect((await runCli(['runs', 'prune'], { env })).stdout).toBe('Removed 0 runs; kept 1.\n');
    await execa('podman', ['rm', '--force', '--time', '0', `${prefix}-long`, `${prefix}-service`], { env: { ...process.env, ...lab.vars }, reject: false });
    await execa('podman', ['network', 'rm', '--force', prefix], { env: { ...process.env, ...lab.vars }, reject: false });
    await execa('podman', ['volume', 'rm', '--force', `${prefix}-home`, `${prefix}-workspace`], { env: { ...process.env, ...lab.vars }, reject: false });
    rmSync(path.join(tmpdir(), prefix), { recursive: true, force: true });
  });

  it('never shows a secret: not in terminal output, JSON logs, records, or any file of TASKRUN_HOME', async () => {
    const home = tempDir('home');
    const secret = 'Sup3r-s3cret-value';
    const multiLine = 'first-line-of-key\nsecond-line-of-key';
    const file = taskIn(tempDir('secret'), [
      'steps:',
      '  - id: echo',
      '    cmd: busybox echo {{ .Secrets.token }}',
      '  - id: split',
      `    cmd: busybox sh -c 'printf Sup3r-s3; sleep 0.5; printf "cret-value\\n"'`,
      '  - id: multiline',
      `    cmd: busybox sh -c 'printf "first-line-of-key\\nsecond-line-of-key\\n"'`,
      '',
    ].join('\n'));
    for (const logFormat of ['text', 'json']) {
      const runId = `secret-${logFormat}`;
      const result = await runCli(['run', file, '--engine', 'podman', '--run-id', runId, '--log-format', logFormat, '--secret', `token=${secret}`, '--secret-env', 'key=MULTI'], {
        env: { ...process.env, TASKRUN_HOME: home, MULTI: multiLine },
      });
      expect(result.exitCode).toBe(0);
      for (const text of [result.stdout, result.stderr]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain('first-line-of-key');
        expect(text).not.toContain('second-line-of-key');
      }
      if (logFormat === 'json') {
        const lines = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
        expect(lines.every((line) => line.runId === runId)).toBe(true);
        const outputOf = (stepId: string) => lines.filter((line) => line.event === 'step-output' && line.stepId === stepId).map((line) => line.msg);
        expect(outputOf('echo')).toEqual(['***']);
        expect(outputOf('split')).toEqual(['***']);
        // The two-line secret is masked as one span.
        expect(outputOf('multiline')).toEqual(['***']);
      } else {
        expect(result.stdout).toContain('***');
      }
    }
    for (const stored of allFiles(home)) {
      const content = readFileSync(stored, 'utf8');
      expect(content, stored).not.toContain(secret);
      expect(content, stored).not.toContain('first-line-of-key');
      expect(content, stored).not.toContain('second-line-of-key');
    }
  });

  it('rejects bad input with exit 2 before anything runs, and keeps no record of it', async () => {
    const home = tempDir('home');
    const file = taskIn(tempDir('bad'), 'steps:\n  - id: a\n    cmd: busybox echo hi\n    when: [nope]\n');
    const result = await runCli(['run', file, '--engine', 'podman', '--run-id', 'bad-input'], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${file}:4:12: error: \`when\` names step \`nope\`, which does not exist`);
    expect(result.stdout).toBe('');
    expect(readdirSync(path.join(home, 'runs')).filter((name) => !name.startsWith('.'))).toEqual([]);
  });

  it('refuses a --run-id that is already in the store', async () => {
    const home = tempDir('home');
    const file = taskIn(tempDir('dup'), 'steps:\n  - cmd: busybox true\n');
    expect((await runCli(['run', file, '--engine', 'podman', '--run-id', 'ci-42'], { env: { ...process.env, TASKRUN_HOME: home } })).exitCode).toBe(0);
    const again = await runCli(['run', file, '--engine', 'podman', '--run-id', 'ci-42'], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('ci-42');
  });

  it('runs a task of only `docker manifest` steps on a machine with neither docker nor podman', async () => {
    const home = tempDir('home');
    const prepare = await runCli(['run', 'samples/multi-arch/acr-task.yaml', '--engine', 'podman', '--run-id', 'for-manifest-only'], {
      env: { ...process.env, TASKRUN_HOME: tempDir('home') },
      timeoutMs: 180_000,
    });
    expect(prepare.exitCode).toBe(0);
    const file = taskIn(tempDir('manifest-only'), [
      'steps:',
      '  - cmd: docker manifest create localhost:5000/samples/combined:v1 localhost:5000/samples/myimage:for-manifest-only-amd64 localhost:5000/samples/myimage:for-manifest-only-arm64',
      '  - cmd: docker manifest push localhost:5000/samples/combined:v1',
      '',
    ].join('\n'));
    const nodeOnly = tempDir('path');
    await execa('ln', ['-s', process.execPath, path.join(nodeOnly, 'node')]);
    const result = await runCli(['run', file], { env: { PATH: nodeOnly, HOME: home, TASKRUN_HOME: home } });
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.exitCode).toBe(0);
    const list = await registryJson('/v2/samples/combined/manifests/v1', LIST_TYPES);
    expect(list.json.manifests).toHaveLength(2);
  });

  it('requires a task\'s Key Vault secrets to be supplied, before anything runs', async () => {
    const home = tempDir('home');
    const file = taskIn(tempDir('kv'), [
      'secrets:',
      '  - id: token',
      '    keyvault: https://myvault.vault.azure.net/secrets/token',
      'steps:',
      '  - cmd: busybox echo {{ .Secrets.token }}',
      '',
    ].join('\n'));
    const missing = await runCli(['run', file, '--engine', 'podman'], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`${file}:2:5: error: secret \`token\` is not supplied (on ACR it comes from Key Vault https://myvault.vault.azure.net/secrets/token)`);
    expect(missing.stderr).toContain('hint: pass it with --secret token=VALUE or --secret-env token=ENV_VAR');
    const supplied = await runCli(['run', file, '--engine', 'podman', '--secret-env', 'token=TOKEN_FOR_TEST', '--output', 'json'], {
      env: { ...process.env, TASKRUN_HOME: home, TOKEN_FOR_TEST: 'kv-value-123' },
    });
    expect(supplied.exitCode).toBe(0);
    expect(supplied.stdout).not.toContain('kv-value-123');
  });

  it('gives 20 concurrent runs in one TASKRUN_HOME 20 distinct IDs and 20 intact records', async () => {
    const home = tempDir('home');
    const file = taskIn(tempDir('many'), 'steps:\n  - cmd: docker manifest inspect localhost:5000/busybox:latest\n');
    const results = await Promise.all(Array.from({ length: 20 }, () => runCli(['run', file, '--output', 'json'], { env: { ...process.env, TASKRUN_HOME: home }, timeoutMs: 120_000 })));
    const ids = results.map((result) => {
      expect(result.exitCode).toBe(0);
      return JSON.parse(result.stdout).runId as string;
    });
    expect(new Set(ids).size).toBe(20);
    const listed = JSON.parse((await runCli(['runs', '--json', '--limit', '50'], { env: { ...process.env, TASKRUN_HOME: home } })).stdout);
    expect(listed.map((run: { id: string }) => run.id).sort()).toEqual([...ids].sort());
    expect(listed.every((run: { status: string }) => run.status === 'succeeded')).toBe(true);
  });

  it('refuses a --summary file it cannot write before anything runs, and keeps stdout NDJSON with both JSON flags', async () => {
    const home = tempDir('home');
    const file = taskIn(tempDir('flags'), 'steps:\n  - cmd: docker manifest inspect localhost:5000/busybox:latest\n');
    const refused = await runCli(['run', file, '--summary', '/nonexistent/folder/summary.md'], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--summary /nonexistent/folder/summary.md: cannot write there (ENOENT)');
    expect(refused.stdout).toBe('');
    const both = await runCli(['run', file, '--log-format', 'json', '--output', 'json'], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(both.exitCode).toBe(0);
    const lines = both.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ event: 'run-summary', status: 'succeeded' });
  });
});

