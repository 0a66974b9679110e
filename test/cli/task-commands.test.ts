// `validate`, `render`, `graph` and `run --dry-run` end to end through the real binary.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SAMPLES = ['multi-arch', 'values', 'aliases', 'parallel'];

function tempTask(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-cli-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

// The ACR article's file as published: it builds `myyimage` but pushes `myimage`, and builds the -amd64 tag from dockerfile.arm64.
const ARTICLE = `version: v1.1.0
steps:
- build: -t {{.Run.Registry}}/samples/myimage:{{.Run.ID}}-amd64 -f dockerfile.arm64 .
- build: -t {{.Run.Registry}}/samples/myyimage:{{.Run.ID}}-arm64 -f dockerfile.arm64 .
- push:
    - {{.Run.Registry}}/samples/myimage:{{.Run.ID}}-amd64
    - {{.Run.Registry}}/samples/myimage:{{.Run.ID}}-arm64
- cmd: docker manifest push --purge {{.Run.Registry}}/samples/myimage:latest
`;

describe('taskrun validate', () => {
  it.each(SAMPLES)('accepts samples/%s under --strict with no warning', async (sample) => {
    const extra = sample === 'values' ? ['--values', 'samples/values/values.yaml'] : [];
    const result = await runCli(['validate', `samples/${sample}/acr-task.yaml`, '--strict', ...extra]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^samples/${sample}/acr-task.yaml: valid \\(\\d+ steps?, version v1\\.[01]\\.0\\)\\n?$`));
    expect(result.exitCode).toBe(0);
  });

  it("warns about the ACR article's two mistakes, and fails on them under --strict", async () => {
    const file = tempTask('article.yaml', ARTICLE);
    writeFileSync(path.join(path.dirname(file), 'dockerfile.arm64'), 'FROM scratch\n');
    const relaxed = await runCli(['validate', file]);
    expect(relaxed.exitCode).toBe(0);
    expect(relaxed.stderr).toContain(`${file}:3:10: warning: step \`acb_step_0\` tags \`localhost:5000/samples/myimage:run-id-amd64\` (amd64) but builds it from \`dockerfile.arm64\` (arm64)`);
    expect(relaxed.stderr).toContain(`${file}:7:7: warning: step \`acb_step_2\` pushes \`localhost:5000/samples/myimage:run-id-arm64\`, which no earlier step builds, tags or pulls`);
    // The hint shows the image as the file writes it.
    expect(relaxed.stderr).toContain('hint: did you mean `{{.Run.Registry}}/samples/myyimage:{{.Run.ID}}-arm64` (from step `acb_step_1`, line 4)?');
    // This excerpt pushes the list without the article's `docker manifest create` step.
    expect(relaxed.stderr).toContain(`${file}:8:8: warning: step \`acb_step_3\` uses the manifest list \`localhost:5000/samples/myimage:latest\`, which no earlier step creates`);
    const strict = await runCli(['validate', file, '--strict']);
    expect(strict.exitCode).toBe(2);
    expect(strict.stderr).toContain(`${file}:3:10: error:`);
    expect(strict.stderr).toContain('3 errors, 0 warnings');
  });

  it('reports every error of a file at once with file:line:col, the source line and a caret, exit 2, no stack trace', async () => {
    const file = tempTask(
      'bad.yaml',
      ['version: v1.0.0', 'steps:', '  - id: a', '    build: -t x .', '    cmd: busybox echo hi', '  - id: a', '    cmd: busybox true', '    when: [later]', '  - id: later', '    retries: -1', '    cmd: busybox true', ''].join('\n'),
    );
    const result = await runCli(['validate', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:4:12: error: step \`a\` has both \`cmd\` and \`build\``);
    expect(result.stderr).toContain('   4 |     build: -t x .\n     |            ^');
    expect(result.stderr).toContain(`${file}:6:9: error: step id \`a\` is used twice (lines 3 and 6)`);
    expect(result.stderr).toContain(`${file}:8:12: error: \`when\` names step \`later\`, which comes later (line 9)`);
    expect(result.stderr).toContain(`${file}:10:14: error: \`retries\` must be 0 or more, got -1`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a missing file clearly', async () => {
    const result = await runCli(['validate', 'no/such/task.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("error: cannot read task file 'no/such/task.yaml': no such file");
  });

  it('rejects --set without = before anything else', async () => {
    const result = await runCli(['validate', 'samples/parallel/acr-task.yaml', '--set', 'tag']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("error: --set 'tag': expected KEY=VALUE");
  });

  it('refuses a --context that is not a folder, before anything runs', async () => {
    const file = tempTask('acr-task.yaml', 'steps:\n  - cmd: busybox ls\n');
    for (const command of [['validate'], ['run', '--dry-run'], ['run']]) {
      const home = mkdtempSync(path.join(tmpdir(), 'taskrun-home-'));
      const missing = await runCli([...command, file, '--context', '/nonexistent-taskrun-context'], { env: { TASKRUN_HOME: home } });
      expect(missing.stderr).toBe(
        "error: --context /nonexistent-taskrun-context does not exist\n  hint: give the folder that holds the build context (default: the task file's folder)\n1 error, 0 warnings\n",
      );
      expect(missing.exitCode).toBe(2);
    }
    const notFolder = await runCli(['validate', file, '--context', file]);
    expect(notFolder.stderr.split('\n')[0]).toBe(`error: --context ${file} is not a folder`);
    expect(notFolder.exitCode).toBe(2);
  });

  it('points a template syntax error at the original line', async () => {
    const file = tempTask('t.yaml', 'version: v1.0.0\nsteps:\n  # {{ comments are not rendered\n  - cmd: busybox echo {{ .Run.ID \n');
    const result = await runCli(['validate', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}:4:\\d+: error: `));
  });
});

describe('taskrun render', () => {
  it('renders the multi-arch sample with the given registry and run ID', async () => {
    const result = await runCli(['render', 'samples/multi-arch/acr-task.yaml', '--registry', 'myregistry.azurecr.io', '--run-id', 'cb6']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('- build: --platform linux/amd64 --build-arg REGISTRY=myregistry.azurecr.io -t myregistry.azurecr.io/samples/myimage:cb6-amd64 -f dockerfile.amd64 .\n');
    expect(result.stdout).toContain('    - myregistry.azurecr.io/samples/myimage:cb6-arm64\n');
    expect(result.stdout).toContain('- cmd: docker manifest push --purge myregistry.azurecr.io/samples/myimage:latest\n');
  });

  it('uses a visible placeholder run ID, never an empty one', async () => {
    const result = await runCli(['render', 'samples/multi-arch/acr-task.yaml']);
    expect(result.stdout).toContain('localhost:5000/samples/myimage:run-id-amd64');
    expect(result.stdout).not.toContain('myimage:-amd64');
  });

  it.each([
    ['', "error: --run-id is empty\n"],
    ['a b', "error: --run-id 'a b' contains a space\n"],
  ])('refuses --run-id %j, as run does, before rendering anything', async (runId, message) => {
    for (const command of [['render'], ['validate'], ['graph'], ['run', '--dry-run']]) {
      const result = await runCli([...command, 'samples/multi-arch/acr-task.yaml', '--run-id', runId]);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(message)).toBe(true);
      expect(result.exitCode).toBe(2);
    }
  });

  it('applies values files, --set and Sprig pipes', async () => {
    const result = await runCli(['render', 'samples/values/acr-task.yaml', '--values', 'samples/values/values.yaml', '--set', 'tag=v2', '--run-id', 'r1']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('    cmd: busybox echo "hello, world" from linux/');
    expect(result.stdout).toContain('    build: -t localhost:5000/samples/greeter:v2 -f Dockerfile .\n');
    expect(result.stdout).toContain('    cmd: busybox echo api worker\n');
  });

  it('warns about a missing value with its line, and fails under --strict', async () => {
    const file = tempTask('v.yaml', 'steps:\n  # {{ .Values.ignored }} comment lines are not rendered\n  - cmd: busybox echo {{ .Values.tag }}\n');
    const relaxed = await runCli(['render', file]);
    expect(relaxed.exitCode).toBe(0);
    expect(relaxed.stdout).toBe('steps:\n  - cmd: busybox echo \n');
    expect(relaxed.stderr).toContain(`${file}:3:23: warning: \`.Values.tag\` is not set; it renders as an empty string`);
    const strict = await runCli(['render', file, '--strict']);
    expect(strict.exitCode).toBe(2);
    // The rendered text is still shown: it is what you need to see when something is wrong.
    expect(strict.stdout).toBe('steps:\n  - cmd: busybox echo \n');
    expect(strict.stderr).toContain(`${file}:3:23: error: \`.Values.tag\` is not set`);
  });

  it('hides secret values', async () => {
    const file = tempTask('s.yaml', 'steps:\n  - cmd: busybox echo {{ .Secrets.token }}\n');
    const result = await runCli(['render', file, '--secret', 'token=s3cr3t-value']);
    expect(result.stdout).toBe('steps:\n  - cmd: busybox echo ***\n');
  });
});

describe('taskrun graph', () => {
  it('prints the parallel sample as text', async () => {
    const result = await runCli(['graph', 'samples/parallel/acr-task.yaml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      'group 1 (3 steps in parallel)',
      "  lint  [at start]  cmd busybox sh -c 'sleep 1; echo lint ok'",
      "  unit  [at start]  cmd busybox sh -c 'sleep 1; echo unit tests ok'",
      "  docs  [at start]  cmd busybox sh -c 'sleep 1; echo docs ok'",
      'group 2',
    ]);
  });

  it.each(['mermaid', 'dot'])('prints %s', async (format) => {
    const result = await runCli(['graph', 'samples/parallel/acr-task.yaml', '--format', format]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(format === 'mermaid' ? 's3 --> s4' : '"package" -> "announce";');
  });

  it('rejects an unknown format as a usage error', async () => {
    const result = await runCli(['graph', 'samples/parallel/acr-task.yaml', '--format', 'gif']);
    expect(result.exitCode).toBe(2);
  });
});

describe('taskrun run --dry-run of a command list', () => {
  it('shows each command with the operator before it and what runs it, the engine commands under it', async () => {
    const file = tempTask('acr-task.yaml', 'steps:\n  - id: s\n    cmd: busybox false || echo skipped && docker pull busybox ; alpine true\n');
    const home = mkdtempSync(path.join(tmpdir(), 'taskrun-home-'));
    const result = await runCli(['run', '--dry-run', file, '--run-id', 'dry1'], { env: { ...process.env, TASKRUN_HOME: home } });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const from = lines.findIndex((line) => line.startsWith('  step s (cmd'));
    const shown = lines.slice(from + 1, lines.indexOf('', from)).map((line) => line.replace(/\$ \S+ /, '$ ENGINE ').replace(/ {2}\(in .*\)$/, ''));
    expect(shown.filter((line) => !line.includes('$ ENGINE rm '))).toEqual([
      '    1. busybox false  [in a container]',
      expect.stringMatching(/^ {6}\$ ENGINE run .*--name taskrun-[0-9a-f]{6}-dry1-s --label taskrun\.run=dry1 --label taskrun\.home=[0-9a-f]+ .* busybox false$/),
      '    2. || echo skipped  [builtin, run by taskrun]',
      "    3. && docker pull busybox  [the engine's CLI on the host]",
      '      $ ENGINE pull busybox',
      '    4. ; alpine true  [in a container]',
      expect.stringMatching(/^ {6}\$ ENGINE run .*--name taskrun-[0-9a-f]{6}-dry1-s-4 --label taskrun\.run=dry1 --label taskrun\.home=[0-9a-f]+ .* alpine true$/),
    ]);
  });
});
