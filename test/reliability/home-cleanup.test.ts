// Self-healing after crashes, on each engine path: the next `taskrun run` of a home removes what
// runs of that home killed with -9 left, and says so; names and labels carry the home, so two
// homes both run `tr1` at once, and neither a run nor `runs prune` in one home touches the other's.

import { describe, expect, it } from 'vitest';
import { homeKeyOf, runNamePrefix } from '../../src/engine/names.js';
import { runCli } from '../helpers/cli.js';
import { cliEngineFor, ENGINE_PATHS, listContainers, listNetworks, listVolumes, type EnginePath } from '../helpers/lab.js';
import { execa } from 'execa';
import { buildahContainersSince, startRun, taskIn, tempDir, uniqueId, useReliabilitySuite } from './helpers.js';

const { tally, lab } = useReliabilitySuite('home cleanup');

/** Containers, networks and volumes named for run `runId` of `home`. */
async function objectsOf(engine: EnginePath, home: string, runId: string): Promise<string[]> {
  const prefix = runNamePrefix({ runId, homeKey: homeKeyOf(home) });
  const [containers, networks, volumes] = await Promise.all([listContainers(lab(), engine, prefix), listNetworks(lab(), engine, prefix), listVolumes(lab(), engine, prefix)]);
  return [...containers, ...networks, ...volumes];
}

describe.each(ENGINE_PATHS)('on %s', (engine) => {
  const selection = () => cliEngineFor(lab(), engine);
  const envOf = (home: string) => ({ ...selection().env, TASKRUN_HOME: home });

  it('the next run of a home removes what its killed runs left and says so; the other home keeps its own; runs prune is home-scoped', { timeout: 240_000 }, async () => {
    const [homeA, homeB] = [tempDir('home'), tempDir('home')];
    const killedTask = taskIn(
      tempDir('heal'),
      ['steps:', '  - id: service', `    cmd: ${lab().registry}/busybox sleep 300`, '    detach: true', '  - id: long', `    cmd: ${lab().registry}/busybox sh -c "echo st''arted; sleep 60"`, ''].join('\n'),
    );
    // Both homes run `tr1` at the same time, up to their second step, and are killed there.
    const runs = [homeA, homeB].map((home) => startRun({ lab: lab(), file: killedTask, runId: 'tr1', home, engine }));
    await Promise.all(runs.map((run) => run.waitFor('started', 120_000)));
    for (const run of runs) run.child.kill('SIGKILL');
    await Promise.all(runs.map((run) => run.exited));
    const prefixOf = (home: string) => runNamePrefix({ runId: 'tr1', homeKey: homeKeyOf(home) });
    const leftByB = await objectsOf(engine, homeB, 'tr1');
    expect(await objectsOf(engine, homeA, 'tr1')).toEqual(expect.arrayContaining([prefixOf(homeA), `${prefixOf(homeA)}-home`, `${prefixOf(homeA)}-service`]));
    expect(leftByB).toEqual(expect.arrayContaining([prefixOf(homeB), `${prefixOf(homeB)}-home`, `${prefixOf(homeB)}-service`]));

    const quickTask = taskIn(tempDir('next'), ['steps:', '  - id: hello', `    cmd: ${lab().registry}/busybox echo hello`, ''].join('\n'));
    const dry = await runCli(['run', quickTask, ...selection().args, '--dry-run'], { env: envOf(homeA) });
    expect(dry.stderr).toMatch(/(^|\n)taskrun: would remove what 1 interrupted run \(tr1\) left: /);
    expect(await objectsOf(engine, homeA, 'tr1')).toEqual(expect.arrayContaining([prefixOf(homeA), `${prefixOf(homeA)}-home`, `${prefixOf(homeA)}-service`]));
    const next = await runCli(['run', quickTask, ...selection().args, '--progress', 'plain'], { env: envOf(homeA) });
    expect(next.stderr).toMatch(/(^|\n)taskrun: removed what 1 interrupted run \(tr1\) left: [12] containers?, 1 network, 2 volumes, 1 scratch folder\n/);
    expect(next.exitCode).toBe(0);
    const isHealed = (await objectsOf(engine, homeA, 'tr1')).length === 0;
    tally.record(`next run cleans up after kill -9 (${engine})`, isHealed);
    expect(isHealed).toBe(true);
    // Home B's killed `tr1` is another run: neither A's run nor A's prune touches it.
    expect(await objectsOf(engine, homeB, 'tr1')).toEqual(expect.arrayContaining([prefixOf(homeB), `${prefixOf(homeB)}-home`, `${prefixOf(homeB)}-service`]));
    const pruneA = await runCli(['runs', 'prune'], { env: envOf(homeA) });
    expect(pruneA.exitCode).toBe(0);
    expect(pruneA.stdout).not.toContain('Cleaned up');
    const keptB = await objectsOf(engine, homeB, 'tr1');
    expect(keptB).toEqual(expect.arrayContaining([prefixOf(homeB), `${prefixOf(homeB)}-home`, `${prefixOf(homeB)}-service`]));
    tally.record(`another home's leftovers are left alone (${engine})`, keptB.length > 0);

    const pruneB = await runCli(['runs', 'prune'], { env: envOf(homeB) });
    expect(pruneB.stdout).toMatch(/Cleaned up after interrupted run tr1: [12] containers?, 1 network, 2 volumes/);
    expect(await objectsOf(engine, homeB, 'tr1')).toEqual([]);
  });

  it('two homes both run tr1 at the same time, and both succeed', { timeout: 120_000 }, async () => {
    const homes = [tempDir('home'), tempDir('home')];
    const file = taskIn(tempDir('twin'), ['steps:', '  - id: one', `    cmd: ${lab().registry}/busybox sh -c "sleep 2; echo one"`, '  - id: two', `    cmd: ${lab().registry}/busybox echo two`, ''].join('\n'));
    const results = await Promise.all(homes.map((home) => runCli(['run', file, ...selection().args, '--run-id', 'tr1', '--progress', 'plain'], { env: envOf(home) })));
    const heldBoth = results.every((result) => result.exitCode === 0);
    tally.record(`two homes run tr1 at once (${engine})`, heldBoth);
    expect(results.map((result) => [result.exitCode, result.stderr.includes('already exists') ? result.stderr : ''])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    for (const home of homes) expect(await objectsOf(engine, home, 'tr1')).toEqual([]);
  });
});

// A crash of taskrun and its engine client together (a power cut): buildah's working container stays.
describe.each(['podman', 'docker-on-podman'] as const)('a crash during a build on %s', (engine) => {
  it("the next run removes the build's working container", { timeout: 180_000 }, async () => {
    const home = tempDir('home');
    const runId = uniqueId('crashb');
    const file = taskIn(tempDir('crash-build'), `steps:\n  - build: -t rel-${runId}:latest .\n`, {
      Dockerfile: `FROM ${lab().registry}/busybox\nRUN echo building ${runId} && sleep 60\n`,
    });
    const startedAt = Date.now();
    const run = startRun({ lab: lab(), file, runId, home, engine });
    await run.waitFor('sleep 60', 120_000);
    // The RUN instruction's container is up once the engine echoed its command.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const clients = (await execa('pgrep', ['-P', String(run.child.pid)], { reject: false })).stdout.split('\n').filter(Boolean);
    for (const pid of clients) process.kill(Number(pid), 'SIGKILL');
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await buildahContainersSince(lab(), startedAt)).not.toEqual([]);
    const quickTask = taskIn(tempDir('next'), ['steps:', '  - id: hello', `    cmd: ${lab().registry}/busybox echo hello`, ''].join('\n'));
    const { args, env } = cliEngineFor(lab(), engine);
    const next = await runCli(['run', quickTask, ...args, '--progress', 'plain'], { env: { ...env, TASKRUN_HOME: home } });
    expect(next.stderr).toMatch(new RegExp(`(^|\\n)taskrun: removed what 1 interrupted run \\(${runId}\\) left: ([^\\n]*, )?[1-9]\\d* build leftovers?`));
    expect(next.exitCode).toBe(0);
    const working = await buildahContainersSince(lab(), startedAt);
    tally.record(`next run removes a crashed build's working container (${engine})`, working.length === 0);
    expect(working).toEqual([]);
  });
});

describe('a run that is still going', () => {
  it('is never touched by the cleanup of another run of its home', { timeout: 120_000 }, async () => {
    const home = tempDir('home');
    const longTask = taskIn(tempDir('live'), ['steps:', '  - id: long', `    cmd: ${lab().registry}/busybox sh -c "echo st''arted; sleep 8; echo do''ne"`, ''].join('\n'));
    const live = startRun({ lab: lab(), file: longTask, runId: 'live1', home, engine: 'podman' });
    await live.waitFor('started', 60_000);
    const quickTask = taskIn(tempDir('next'), ['steps:', '  - id: hello', `    cmd: ${lab().registry}/busybox echo hello`, ''].join('\n'));
    const next = await runCli(['run', quickTask, '--engine', 'podman', '--progress', 'plain'], { env: { TASKRUN_HOME: home } });
    expect(next.exitCode).toBe(0);
    expect(next.stderr).not.toContain('removed what');
    expect(await live.exited).toBe(0);
    expect(live.output()).toContain('done');
    expect(await objectsOf('podman', home, 'live1')).toEqual([]);
  });
});
