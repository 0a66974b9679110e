// A reader that goes away (`taskrun render big.yaml | head -1`) ends the output quietly: no
// stack trace, the command's own exit code.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBuild, TASKRUN_BIN } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-closed-output-'));
const file = path.join(dir, 'acr-task.yaml');
const steps = Array.from({ length: 3000 }, (_, index) => `- id: s${index}\n  cmd: busybox echo ${index} {{.Run.ID}}\n`).join('');
writeFileSync(file, `version: v1.1.0\nsteps:\n${steps}`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs taskrun, reads its first chunk of stdout, then closes the pipe as `head -1` does. */
function runAndCloseAfterFirstChunk(args: readonly string[]): Promise<{ exitCode: number | null; stderr: string }> {
  requireBuild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TASKRUN_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stderr }));
  });
}

describe('a reader that closes stdout early', () => {
  it.each([
    ['render', ['render', file]],
    ['graph', ['graph', file]],
    ['graph --format dot', ['graph', file, '--format', 'dot']],
  ])('%s ends quietly with exit code 0', { timeout: 60_000 }, async (_name, args) => {
    const result = await runAndCloseAfterFirstChunk(args);
    expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(result.exitCode).toBe(0);
  });
});
