// CI-native output through the real binary: annotations of validation errors and warnings,
// detected from the CI's variables or named by --ci, read back by parsing the markers.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { azureAnnotations, githubAnnotations } from '../helpers/ci-markers.js';

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
