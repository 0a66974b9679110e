// The terminal view as a user sees it: `taskrun run` in tmux (capture-pane), with a podman
// stand-in on PATH whose steps wait for files the test creates, so each screen is known.
// Needs tmux (Debian package `tmux`).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBuild, TASKRUN_BIN } from '../helpers/cli.js';
import { startInTmux, type TmuxSession } from '../helpers/tmux.js';

const FAKE_PODMAN_DIR = fileURLToPath(new URL('./fixtures/fake-podman', import.meta.url));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A task whose two middle steps run in parallel, each until its gate file exists; the last fails. */
function gatedTask(): { dir: string; file: string; open: (gate: 'tests' | 'lint') => void } {
  // Short: the workspace line (this folder, the volume name with the home in it) fits 80 columns.
  const dir = mkdtempSync(path.join(tmpdir(), 'tv-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const wait = (gate: string) => `while [ ! -f ${dir}/${gate} ]; do sleep 0.05; done`;
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\n');
  const file = path.join(dir, 'acr-task.yaml');
  writeFileSync(
    file,
    [
      'version: v1.1.0',
      'steps:',
      '  - id: build',
      '    build: -t localhost:5000/app:1 .',
      '  - id: unit-tests',
      `    cmd: busybox sh -c 'echo "test 1 of 3 passed"; ${wait('tests')}; echo "all passed"'`,
      '    when: [build]',
      '  - id: lint',
      `    cmd: busybox sh -c 'echo "linting 42 files"; ${wait('lint')}'`,
      '    when: [build]',
      '  - id: link',
      `    cmd: busybox sh -c 'for i in $(seq 1 40); do echo "compiling unit $i"; done; echo "undefined reference to main" >&2; exit 3'`,
      '    when: [unit-tests, lint]',
      '',
    ].join('\n'),
  );
  return { dir, file, open: (gate) => writeFileSync(path.join(dir, gate), '') };
}

async function runInTmux(input: { file: string; dir: string; columns: number; rows?: number; args?: string[]; env?: Record<string, string>; pipeTo?: string }): Promise<TmuxSession> {
  requireBuild();
  const session = await startInTmux({
    argv: [process.execPath, TASKRUN_BIN, 'run', input.file, '--engine', 'podman', '--run-id', 'view-1', ...(input.args ?? [])],
    env: { PATH: `${FAKE_PODMAN_DIR}:${process.env.PATH ?? ''}`, TASKRUN_HOME: path.join(input.dir, 'home'), ...input.env },
    columns: input.columns,
    rows: input.rows ?? 30,
    ...(input.pipeTo && { pipeTo: input.pipeTo }),
  });
  cleanups.push(() => session.close());
  return session;
}

/** Durations vary from run to run: `  1.2s` and `0.0 s` become ` T`. */
function normalise(screen: string): string {
  return screen
    .replace(/ *\b\d+\.\d ?s\b/g, ' T')
    .replace(/ *\b\d+m\d\ds\b/g, ' T')
    .replace(/\/tmp\/tv-[A-Za-z0-9]+/g, 'DIR')
    .replace(/taskrun-[0-9a-f]{6}-view-1/g, 'taskrun-HOME-view-1');
}

/** The lines that open every run of these tests: the run ID, the workspace copy and the engine. */
const OPENING = ['Run ID: view-1 (engine: podman; record: taskrun runs show view-1)', 'Workspace: a copy of DIR (volume taskrun-HOME-view-1-workspace)', 'Engine: podman at local podman'];

/** Both parallel steps printed their first line (their commands, shown before, hold the same words). */
const bothPrinted = (screen: string) => /s {2}test 1 of 3 passed$/m.test(screen) && /s {2}linting 42 files$/m.test(screen);

const widest = (screen: string) => Math.max(...screen.split('\n').map((line) => [...line].length));

describe('the live view in a terminal (tmux)', () => {
  it('shows done/total, one line per running step with its latest output, finished steps on one line, and the cause of the failure', async () => {
    const task = gatedTask();
    const session = await runInTmux({ ...task, columns: 80 });
    const running = await session.waitFor(bothPrinted);
    expect(normalise(running)).toBe(
      [
        ...OPENING,
        '✔ build T',
        '[+] Running 1/4 steps T',
        ' => unit-tests T  test 1 of 3 passed',
        ' => lint T  linting 42 files',
      ].join('\n'),
    );
    task.open('lint');
    const oneLeft = await session.waitFor((screen) => screen.includes('✔ lint'));
    expect(normalise(oneLeft).split('\n').slice(OPENING.length + 1)).toEqual(['✔ lint T', '[+] Running 2/4 steps T', ' => unit-tests T  test 1 of 3 passed']);
    task.open('tests');
    const done = normalise(await session.waitFor((screen) => screen.includes('[exit ')));
    expect(done).toBe(
      [
        ...OPENING,
        '✔ build T',
        '✔ lint T',
        '✔ unit-tests T',
        '✘ link T  failed: exited with code 3',
        '[+] Ran 4/4 steps, 1 failed T',
        '',
        'STEP        STATUS     DURATION  ATTEMPTS  EXIT',
        'build       succeeded T     1         0',
        'unit-tests  succeeded T     1         0',
        'lint        succeeded T     1         0',
        'link        failed T     1         3',
        '',
        'Images built:',
        '  localhost:5000/app:1',
        '',
        'Run failed in T: failed to run step ID: link: exited with code 3',
        'Step link failed with exit code 3: exited with code 3',
        '  its last 30 lines of output:',
        ...Array.from({ length: 29 }, (_, i) => `[link] compiling unit ${i + 12}`),
        '[link] undefined reference to main',
        'Run ID: view-1 — the full output: taskrun logs view-1',
        '[exit 1]',
      ].join('\n'),
    );
  });

  it('cuts every line to a narrow terminal, the command (as written) of a step that printed nothing yet included', async () => {
    const task = gatedTask();
    writeFileSync(task.file, ['steps:', '  - id: a-step-with-a-long-name', `    cmd: busybox sh -c 'while [ ! -f ${task.dir}/lint ]; do sleep 0.05; done'`, ''].join('\n'));
    const session = await runInTmux({ ...task, columns: 50 });
    const screen = await session.waitFor((text) => text.includes(' => a-step'));
    const area = screen.slice(screen.indexOf('[+] Running'));
    expect(widest(area)).toBeLessThan(50);
    expect(normalise(area).split('\n')).toEqual(['[+] Running 0/1 steps T', ' => a-step-with-a-long-name T  $ busybox sh…']);
    task.open('lint');
    await session.waitFor((text) => text.includes('[exit 0]'));
  });

  it('redraws at the new size when the terminal is resized, leaving no stale lines', async () => {
    const task = gatedTask();
    const session = await runInTmux({ ...task, columns: 100 });
    await session.waitFor(bothPrinted);
    await session.resize({ columns: 30, rows: 30 });
    const narrow = await session.waitFor((screen) => screen.split('\n').filter((line) => line.startsWith(' => ')).every((line) => line.length < 30));
    expect(narrow.match(/\[\+\] Running/g)).toHaveLength(1);
    await session.resize({ columns: 90, rows: 30 });
    const wide = await session.waitFor((screen) => /^ => lint .*s {2}linting 42 files$/m.test(screen));
    expect(wide.match(/\[\+\] Running/g)).toHaveLength(1);
    task.open('lint');
    task.open('tests');
    const done = await session.waitFor((screen) => screen.includes('[exit '));
    expect(done).not.toContain('[+] Running');
    expect(done.match(/\[\+\] Ran 4\/4 steps/g)).toHaveLength(1);
    expect(done.match(/✔ build/g)).toHaveLength(1);
  });

  it('shows Ctrl-C in the live area and ends cancelled, with no area left behind', async () => {
    const task = gatedTask();
    const session = await runInTmux({ ...task, columns: 80 });
    await session.waitFor(bothPrinted);
    await session.sendKeys('C-c');
    await session.waitFor((screen) => screen.includes('[exit '));
    const done = normalise(await session.screen({ withHistory: true, joinWrapped: true }));
    expect(done).toContain('\ntaskrun: SIGINT received: stopping run view-1 and removing its containers (again to force)\n');
    expect(done).toMatch(/^! unit-tests T {2}cancelled$/m);
    expect(done).toContain('[+] Ran 4/4 steps');
    expect(done).not.toContain('[+] Running');
    expect(done).toContain('[exit 130]');
  });

  it('colours statuses, and honours NO_COLOR', async () => {
    const task = gatedTask();
    task.open('lint');
    task.open('tests');
    const coloured = await runInTmux({ ...task, columns: 80 });
    await coloured.waitFor((screen) => screen.includes('[exit '));
    const withEscapes = await coloured.screen({ withHistory: true, withEscapes: true });
    expect(withEscapes).toMatch(/\x1b\[32m✔ build/);
    expect(withEscapes).toMatch(/\x1b\[31m✘ link/);
    await coloured.close();
    const plain = await runInTmux({ ...task, columns: 80, env: { NO_COLOR: '1' } });
    await plain.waitFor((screen) => screen.includes('[exit '));
    expect(await plain.screen({ withHistory: true, withEscapes: true })).not.toMatch(/\x1b\[3[0-9]m/);
  });

  it('prints plain lines when piped: every output line with its [id], the legacy-builder banner once', async () => {
    const task = gatedTask();
    task.open('lint');
    task.open('tests');
    writeFileSync(
      task.file,
      ['steps:', '  - id: one', '    build: -t localhost:5000/one:1 .', '  - id: two', '    build: -t localhost:5000/two:1 .', '    when: ["-"]', ''].join('\n'),
    );
    const session = await runInTmux({ ...task, columns: 80, pipeTo: 'cat' });
    const screen = await session.waitFor((text) => text.includes('[exit '));
    expect(screen).not.toContain('[+]');
    expect(screen.match(/DEPRECATED: The legacy builder/g)).toHaveLength(1);
    expect(screen.match(/Install the buildx component/g)).toHaveLength(1);
    expect(screen.match(/\[one\] Step 1\/1 : FROM busybox/g)).toHaveLength(1);
    expect(screen.match(/\[two\] Step 1\/1 : FROM busybox/g)).toHaveLength(1);
    expect(screen).toContain('Step ID: two marked as successful');
  });

  it('prints plain lines on a terminal too with --progress plain, the [id] prefix on every line of a parallel plan', async () => {
    const task = gatedTask();
    task.open('lint');
    task.open('tests');
    const session = await runInTmux({ ...task, columns: 100, args: ['--progress', 'plain'] });
    const screen = await session.waitFor((text) => text.includes('[exit '));
    expect(screen).not.toContain('[+]');
    expect(screen).toMatch(/^Executing step ID: unit-tests: busybox sh -c 'echo "test 1 of 3 passed"; while .*…$/m);
    expect(screen).toContain('[unit-tests] all passed');
    expect(screen).toContain('[build] Step 1/1 : FROM busybox');
    expect(screen).toContain('[link] undefined reference to main');
    expect(screen).toContain('[exit 1]');
  });
});
