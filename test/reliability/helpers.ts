// Reliability suite support: per-scenario tallies printed once per file, `taskrun run` as a
// background process, what a run left on an engine, and tmpfs homes (full, read-only).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { cliEngineFor, requireLab, runEngineCli, storagePathOf, type EnginePath } from '../helpers/lab.js';
import { REPO_ROOT, TASKRUN_BIN } from '../helpers/cli.js';

/** Trials per scenario; `report()` prints one line each ("scenario: 5/5 held"). */
export function createTally(suite: string) {
  const counts = new Map<string, { held: number; trials: number }>();
  return {
    record(scenario: string, held: boolean): boolean {
      const count = counts.get(scenario) ?? { held: 0, trials: 0 };
      count.trials += 1;
      if (held) count.held += 1;
      counts.set(scenario, count);
      return held;
    },
    report(): void {
      const lines = [...counts].map(([scenario, { held, trials }]) => `reliability ${suite}: ${scenario}: ${held}/${trials} held`);
      if (lines.length > 0) console.log(lines.join('\n'));
    },
  };
}

/**
 * A reliability file's frame: the lab is found before its tests; after them its temp folders are
 * removed and its tally printed. `lab()` is for use inside tests.
 */
export function useReliabilitySuite(suite: string): { readonly tally: ReturnType<typeof createTally>; readonly lab: () => LabEnv } {
  const tally = createTally(suite);
  let found: LabEnv | undefined;
  beforeAll(async () => {
    found = await requireLab();
  });
  afterAll(() => {
    removeTempDirs();
    tally.report();
  });
  const lab = () => {
    if (!found) throw new Error('the lab is looked up before the tests run');
    return found;
  };
  return { tally, lab };
}

const made: string[] = [];
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `taskrun-rel-${prefix}-`));
  made.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function taskIn(dir: string, text: string, files: Record<string, string> = {}): string {
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  const file = path.join(dir, 'acr-task.yaml');
  writeFileSync(file, text);
  return file;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export interface BackgroundRun {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  readonly output: () => string;
  /** Resolves once the combined output contains `text`. */
  readonly waitFor: (text: string, timeoutMs?: number) => Promise<void>;
}

export function startRun(input: { lab: LabEnv; file: string; runId: string; home: string; engine?: EnginePath; args?: readonly string[]; env?: NodeJS.ProcessEnv }): BackgroundRun {
  const selection = cliEngineFor(input.lab, input.engine ?? 'podman');
  const child = spawn(process.execPath, [TASKRUN_BIN, 'run', input.file, ...selection.args, '--run-id', input.runId, '--progress', 'plain', ...(input.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...selection.env, ...input.env, TASKRUN_HOME: input.home, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const waitFor = (text: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${text}' in the output within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const check = () => {
        if (!output.includes(text)) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      void exited.then(() => {
        if (!output.includes(text)) {
          clearTimeout(timer);
          reject(new Error(`taskrun ended before printing '${text}':\n${output}`));
        }
      });
      check();
    });
  return { child, exited, output: () => output, waitFor };
}

/** Containers, networks and volumes carrying the run's label on the engine a path stores them in. */
export async function engineObjects(lab: LabEnv, runId: string, engine: EnginePath = 'podman'): Promise<string[]> {
  const list = async (args: string[]) => (await runEngineCli(lab, storagePathOf(engine), args, { reject: false })).stdout.split('\n').filter(Boolean);
  const label = `label=taskrun.run=${runId}`;
  const [containers, networks, volumes] = await Promise.all([
    list(['ps', '-a', '--filter', label, '--format', '{{.Names}}']),
    list(['network', 'ls', '--filter', label, '--format', '{{.Name}}']),
    list(['volume', 'ls', '--filter', label, '--format', '{{.Name}}']),
  ]);
  return [...containers, ...networks, ...volumes];
}

/** Ids of buildah working containers in podman's storage created at or after `sinceMs`. */
export async function buildahContainersSince(lab: LabEnv, sinceMs: number): Promise<string[]> {
  const { stdout } = await runEngineCli(lab, 'podman', ['ps', '--external', '--all', '--format', 'json'], { reject: false });
  const entries = (JSON.parse(stdout || '[]') ?? []) as { Id: string; Created: number; Command?: string[] | null }[];
  return entries.filter((entry) => entry.Created >= Math.floor(sinceMs / 1000) && (entry.Command ?? []).includes('buildah')).map((entry) => entry.Id);
}

/** Every file under `dir`, recursively. */
export function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

/** A fresh tmpfs of `sizeKb` (needs root); `unmount` in afterAll. */
export async function mountTmpfs(sizeKb: number): Promise<{ dir: string; fill: () => Promise<void>; readOnly: (isReadOnly: boolean) => Promise<void>; unmount: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-rel-tmpfs-'));
  await execa('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  return {
    dir,
    // dd stops at the first failed write: the file system is then full.
    fill: async () => void (await execa('dd', ['if=/dev/zero', `of=${path.join(dir, `fill-${Date.now()}`)}`, 'bs=4k', `count=${sizeKb}`], { reject: false })),
    readOnly: async (isReadOnly) => void (await execa('mount', ['-o', `remount,${isReadOnly ? 'ro' : 'rw'}`, dir])),
    unmount: async () => {
      await execa('umount', [dir], { reject: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Empties a home (tmpfs stays mounted). */
export function emptyFolder(dir: string): void {
  for (const name of readdirSync(dir)) rmSync(path.join(dir, name), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}
