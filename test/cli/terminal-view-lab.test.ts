// The live view with real engines (the lab's podman and docker) in tmux: parallel steps, and an
// image the registry does not have, whose cause (the engine's own words) reaches the screen.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, TASKRUN_BIN } from '../helpers/cli.js';
import { requireLab } from '../helpers/lab.js';
import { startInTmux } from '../helpers/tmux.js';

beforeEach(async () => {
  await requireLab();
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(['podman', 'docker'])('the live view on the lab with %s (tmux)', (engine) => {
  it('shows the parallel steps live, then each on one line, and the engine’s reason for a missing image', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-view-lab-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'acr-task.yaml');
    writeFileSync(
      file,
      [
        'steps:',
        '  - id: hello',
        `    cmd: busybox sh -c 'echo hello from busybox; while [ ! -f /workspace/go ]; do sleep 0.1; done'`,
        '  - id: world',
        `    cmd: busybox sh -c 'echo world; while [ ! -f /workspace/go ]; do sleep 0.1; done'`,
        '    when: ["-"]',
        '  - id: missing',
        '    cmd: localhost:5000/taskrun-view/does-not-exist:1 true',
        '    when: [hello, world]',
        '',
      ].join('\n'),
    );
    requireBuild();
  const session = await startInTmux({
      // --bind: the steps wait for a file the test writes into the folder.
      argv: [process.execPath, TASKRUN_BIN, 'run', file, '--engine', engine, '--bind'],
      env: { TASKRUN_HOME: path.join(dir, 'home') },
      columns: 120,
      rows: 40,
    });
    cleanups.push(() => session.close());
    const live = await session.waitFor((screen) => /^ => hello +\d+\.\ds {2}hello from busybox$/m.test(screen) && /^ => world +\d+\.\ds {2}world$/m.test(screen), 60_000);
    expect(live).toMatch(/^\[\+\] Running 0\/3 steps +\d+\.\ds$/m);
    expect(live).toMatch(/^ => hello +\d+\.\ds  hello from busybox$/m);
    writeFileSync(path.join(dir, 'go'), '');
    await session.waitFor((screen) => screen.includes('[exit '), 60_000);
    const done = await session.screen({ withHistory: true, joinWrapped: true });
    expect(done).toMatch(/^✔ hello +\d+\.\ds$/m);
    expect(done).toMatch(/^✔ world +\d+\.\ds$/m);
    expect(done).toMatch(/^✘ missing +\d+\.\ds {2}failed: exited with code 125: the container engine itself failed: .*…$/m);
    expect(done).toMatch(/^\[\+\] Ran 3\/3 steps, 1 failed +\d+\.\ds$/m);
    expect(done).toMatch(/^Step missing failed with exit code 125: exited with code 125: the container engine itself failed: .*manifest unknown/m);
    expect(done).toMatch(/^\[exit 1\]$/m);
    // Lines are cut to the terminal's width; the failure report below is not (it wraps).
    const area = done.slice(0, done.indexOf('[+] Ran'));
    for (const line of area.split('\n')) expect([...line].length).toBeLessThan(120);
  });
});
