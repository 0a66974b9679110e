// CI-native output through the real binary: annotations of validation errors and warnings,
// detected from the CI's variables or named by --ci, and the step groups of real runs on the lab,
// read back by parsing the markers.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { azureAnnotations, githubAnnotations, groups } from '../helpers/ci-markers.js';
import { requireLab } from '../helpers/lab.js';

function workspaceWithTask(text: string): { root: string; file: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'taskrun-ci-'));
  const file = path.join(root, 'ci', 'acr-task.yaml');
  mkdirSync(path.dirname(file));
  writeFileSync(file, text);
  return { root, file };
}

// One error (an unknown `when` id) and one warning (an unknown key), on known lines.
const TASK = ['version: v1.1.0', 'steps:', '  - id: a', '    cmd: busybox echo hi', '    stpes: 1', '  - id: b', '    cmd: busybox true', '    when: [nope]', ''].join('\n');

describe('CI annotations of validation', () => {
  it('are GitHub workflow commands at file:line:col when GITHUB_ACTIONS is set, the path relative to the workspace', async () => {
    const { root, file } = workspaceWithTask(TASK);
    const result = await runCli(['validate', file], { env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root } });
    expect(result.exitCode).toBe(2);
    const annotations = githubAnnotations(result.stderr);
    expect(annotations.map((a) => [a.severity, a.properties.file, a.properties.line, a.properties.col, a.properties.title])).toEqual([
      ['warning', 'ci/acr-task.yaml', '5', '5', 'unknown-key'],
      ['error', 'ci/acr-task.yaml', '8', '12', expect.any(String)],
    ]);
    expect(annotations[1]!.message).toContain('nope');
    // The human diagnostics are still there.
    expect(result.stderr).toContain(`${file}:8:12: error:`);
  });

  it('are Azure logging commands with --ci azure', async () => {
    const { file } = workspaceWithTask(TASK);
    const result = await runCli(['validate', file, '--ci', 'azure']);
    const annotations = azureAnnotations(result.stderr);
    expect(annotations.map((a) => [a.severity, a.properties.sourcepath, a.properties.linenumber, a.properties.columnnumber])).toEqual([
      ['warning', file, '5', '5'],
      ['error', file, '8', '12'],
    ]);
    expect(annotations[0]!.message).toContain('stpes');
  });

  it('are left out by --ci none, on GitLab (plain lines) and outside CI', async () => {
    const { file } = workspaceWithTask(TASK);
    for (const [args, env] of [
      [['--ci', 'none'], { GITHUB_ACTIONS: 'true' }],
      [[], { GITLAB_CI: 'true' }],
      [[], {}],
    ] as const) {
      const result = await runCli(['validate', file, ...args], { env });
      expect(result.stderr).not.toMatch(/^::|^##vso/m);
      expect(result.stderr).toContain(`${file}:8:12: error:`);
    }
  });

  it('cover input errors that stop a command early, in validate, graph and run --dry-run', async () => {
    const { file } = workspaceWithTask('steps:\n  - cmd: [unclosed\n');
    for (const args of [['validate'], ['graph'], ['run', '--dry-run']]) {
      const result = await runCli([args[0]!, file, ...args.slice(1), '--ci', 'github']);
      expect(result.exitCode).toBe(2);
      expect(githubAnnotations(result.stderr).map((a) => [a.severity, a.properties.file, a.properties.line])).toEqual([['error', file, '2']]);
    }
  });

  it('cover render: template errors and warnings', async () => {
    const broken = workspaceWithTask('steps:\n  - cmd: busybox echo {{ .Run.ID \n');
    const failed = await runCli(['render', broken.file, '--ci', 'github']);
    expect(failed.exitCode).toBe(2);
    expect(githubAnnotations(failed.stderr).map((a) => [a.severity, a.properties.line])).toEqual([['error', '2']]);
    const warned = workspaceWithTask('steps:\n  - cmd: busybox echo {{ .Values.missing }}\n');
    const rendered = await runCli(['render', warned.file, '--ci', 'github']);
    expect(rendered.exitCode).toBe(0);
    expect(githubAnnotations(rendered.stderr).map((a) => [a.severity, a.properties.line])).toEqual([['warning', '2']]);
  });

  it('refuses an unknown --ci', async () => {
    const { file } = workspaceWithTask(TASK);
    const result = await runCli(['validate', file, '--ci', 'jenkins']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("argument 'jenkins' is invalid");
  });
});

describe('CI groups of a real run (needs the lab)', () => {
  // lint, unit and docs run together (buffered), package after them, announce alone (streamed);
  // the plan has parallel steps, so every output line carries its step's id.
  const SAMPLE = 'samples/parallel/acr-task.yaml';
  const outputOf = (lines: readonly string[]) => lines.filter((line) => !line.startsWith('Executing step ID') && !line.startsWith('Step ID'));

  it.each(['github', 'gitlab', 'azure'] as const)('folds every step into its own whole group on %s', async (kind) => {
    await requireLab();
    const home = mkdtempSync(path.join(tmpdir(), 'taskrun-ci-home-'));
    const summary = path.join(home, 'step-summary.md');
    const env = { TASKRUN_HOME: home, GITHUB_STEP_SUMMARY: summary };
    const result = await runCli(['run', SAMPLE, '--engine', 'podman', '--run-id', `ci-${kind}`, '--ci', kind], { env, timeoutMs: 120_000 });
    expect(result.exitCode).toBe(0);
    const found = groups(result.stdout, kind);
    expect(found.map((group) => group.title).sort()).toEqual(['step announce (cmd)', 'step docs (cmd)', 'step lint (cmd)', 'step package (cmd)', 'step unit (cmd)']);
    const byTitle = Object.fromEntries(found.map((group) => [group.title, outputOf(group.lines)]));
    expect(byTitle['step lint (cmd)']).toEqual(['[lint] lint ok']);
    expect(byTitle['step unit (cmd)']).toEqual(['[unit] unit tests ok']);
    expect(byTitle['step docs (cmd)']).toEqual(['[docs] docs ok']);
    expect(byTitle['step announce (cmd)']).toEqual(['[announce] done']);
    // The summary table comes after the last group, outside every group.
    expect(result.stdout.lastIndexOf('STEP ')).toBeGreaterThan(result.stdout.lastIndexOf('announce (cmd)'));
    expect(existsSync(summary)).toBe(kind === 'github');
    if (kind === 'github') expect(readFileSync(summary, 'utf8')).toContain('taskrun run `ci-github` succeeded');
  });

  it('annotates a failed step after its group on GitHub', async () => {
    await requireLab();
    const home = mkdtempSync(path.join(tmpdir(), 'taskrun-ci-home-'));
    const { file } = workspaceWithTask(['steps:', '  - id: broken', '    cmd: busybox sh -c "echo undefined reference to main; exit 3"', ''].join('\n'));
    const result = await runCli(['run', file, '--engine', 'podman', '--run-id', 'ci-fail', '--ci', 'github'], { env: { TASKRUN_HOME: home }, timeoutMs: 120_000 });
    expect(result.exitCode).toBe(1);
    expect(groups(result.stdout, 'github').map((group) => outputOf(group.lines))).toEqual([['undefined reference to main']]);
    expect(githubAnnotations(result.stdout)).toEqual([{ severity: 'error', properties: { title: 'taskrun step broken' }, message: expect.stringContaining('step broken failed: ') }]);
  });
});
