// SIGINT, SIGTERM and SIGHUP mid-run and during a build's RUN instruction, on every engine path:
// exit 130, the record says cancelled (the step has no exit code), and nothing is left on the
// engine: containers, networks, volumes, buildah working containers (issue 12 point 3).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_PATHS, runEngineCli, storagePathOf, type EnginePath } from '../helpers/lab.js';
import { buildahContainersSince, engineObjects, startRun, taskIn, tempDir, uniqueId, useReliabilitySuite } from './helpers.js';

const { tally, lab } = useReliabilitySuite('signals');

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function cancelledRecord(home: string, runId: string): { status: string; steps: { status: string; exitCode?: number }[] } {
  return JSON.parse(readFileSync(path.join(home, 'runs', runId, 'record.json'), 'utf8'));
}

describe.each<EnginePath>(ENGINE_PATHS)('on %s', (engine) => {
  it.each(SIGNALS)('%s mid-run stops the run and leaves nothing', { timeout: 60_000 }, async (signal) => {
    const home = tempDir('home');
    const runId = uniqueId('sig');
    const file = taskIn(tempDir('sig'), `steps:\n  - id: long\n    cmd: ${lab().registry}/busybox sh -c "echo started; sleep 60"\n  - id: after\n    cmd: ${lab().registry}/busybox echo never\n`);
    const run = startRun({ lab: lab(), file, runId, home, engine });
    await run.waitFor('started\n');
    run.child.kill(signal);
    const exitCode = await run.exited;
    const record = cancelledRecord(home, runId);
    const leftovers = await engineObjects(lab(), runId, engine);
    const held =
      exitCode === 130 &&
      record.status === 'cancelled' &&
      record.steps[0]?.status === 'cancelled' &&
      record.steps[0]?.exitCode === undefined &&
      leftovers.length === 0;
    expect(tally.record(`${signal} mid-run`, held), `${run.output()}\n${leftovers.join(' ')}`).toBe(true);
  });

  // The real Docker Engine: BuildKit (its default) and the classic builder.
  // podman also gets SIGTERM and SIGHUP (the same stop path; podman is where builds left most).
  const builds: [string, NodeJS.Signals][] =
    engine === 'docker'
      ? [['default builder', 'SIGINT'], ['classic builder', 'SIGINT']]
      : engine === 'podman'
        ? SIGNALS.map((signal) => ['default builder', signal])
        : [['default builder', 'SIGINT']];
  it.each(builds)('during a build RUN instruction (%s), %s leaves no working or intermediate container or layer', { timeout: 90_000 }, async (builder, signal) => {
    const home = tempDir('home');
    const runId = uniqueId('sigb');
    const dir = tempDir('build');
    const file = taskIn(dir, `steps:\n  - build: -t rel-${runId}:latest .\n`, {
      // The first RUN commits a layer before the stop: it must not stay behind as a dangling image.
      Dockerfile: `FROM ${lab().registry}/busybox\nRUN echo ${runId} > /marker\nRUN echo building && sleep 60\n`,
    });
    const imagesBefore = await imageIds(engine);
    const startedAt = Date.now();
    const before = storagePathOf(engine) === 'docker' ? await dockerContainerIds() : [];
    const run = startRun({ lab: lab(), file, runId, home, engine, ...(builder === 'classic builder' && { env: { DOCKER_BUILDKIT: '0' } }) });
    await run.waitFor('sleep 60');
    // The RUN instruction's container is up once the engine echoed its command.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    run.child.kill(signal);
    const exitCode = await run.exited;
    const record = cancelledRecord(home, runId);
    const working = storagePathOf(engine) === 'podman' ? await buildahContainersSince(lab(), startedAt) : [];
    // The Docker Engine's classic builder removes the stopped RUN container itself, a moment after the client left.
    const intermediate = storagePathOf(engine) === 'docker' ? await eventually(async () => (await dockerContainerIds()).filter((id) => !before.includes(id) && isBuildContainer(id))) : [];
    const layers = await eventually(async () => {
      const fresh = (await imageIds(engine)).filter((id) => !imagesBefore.includes(id));
      const ours = await Promise.all(fresh.map(async (id) => ((await imageHistory(engine, id)).includes(runId) ? [id] : [])));
      return ours.flat();
    });
    const held = exitCode === 130 && record.status === 'cancelled' && record.steps[0]?.exitCode === undefined && working.length === 0 && intermediate.length === 0 && layers.length === 0;
    expect(tally.record(`${signal} during a build (${builder})`, held), `${run.output()}\nworking: ${working.join(' ')}\nintermediate: ${intermediate.join(' ')}\nlayers: ${layers.join(' ')}`).toBe(true);
  });
});

async function imageIds(engine: EnginePath): Promise<string[]> {
  const { stdout } = await runEngineCli(lab(), storagePathOf(engine), ['images', '--all', '--quiet', '--no-trunc'], { reject: false });
  return [...new Set(stdout.split('\n').filter(Boolean))];
}

async function imageHistory(engine: EnginePath, id: string): Promise<string> {
  const { stdout } = await runEngineCli(lab(), storagePathOf(engine), ['image', 'history', '--no-trunc', '--format', '{{.CreatedBy}}', id], { reject: false });
  return stdout;
}

/** `probe()` until it finds nothing, for up to 15 s; what it found last. */
async function eventually(probe: () => Promise<string[]>): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await probe();
    if (found.length === 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const buildContainers = new Set<string>();
async function dockerContainerIds(): Promise<string[]> {
  // The classic builder's intermediate containers run the RUN line through `/bin/sh -c`.
  const { stdout } = await runEngineCli(lab(), 'docker', ['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Command}}'], { reject: false });
  const ids: string[] = [];
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [id = '', ...command] = line.split(' ');
    ids.push(id);
    if (command.join(' ').includes('sleep 60')) buildContainers.add(id);
  }
  return ids;
}
function isBuildContainer(id: string): boolean {
  return buildContainers.has(id);
}
