// Runs the built `taskrun` binary as a user would (npm test builds dist/ first).

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TASKRUN_BIN = path.join(REPO_ROOT, 'bin/taskrun.cjs');

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Throws unless dist/ is built: TASKRUN_BIN runs it. */
export function requireBuild(): void {
  if (!existsSync(path.join(REPO_ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
}

export async function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  requireBuild();
  const result = await execa(process.execPath, [TASKRUN_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...options.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}
