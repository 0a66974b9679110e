// Containers made ahead on podman without a `create` process: the first through podman's remote
// client (which tells taskrun podman's defaults), the rest from a spec sent to the service. Each
// must be the container `podman create` makes: compared with one the CLI made, field by field.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunArgvInput } from '../../src/engine/argv.js';
import { buildCreateArgv } from '../../src/engine/argv.js';
import { createContainer } from '../../src/engine/create-container.js';
import type { Engine } from '../../src/engine/engine.js';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { runEngine } from '../../src/engine/run-engine.js';
import { labEngineFor, requireLab, runEngineCli } from '../helpers/lab.js';

const prefix = `taskrun-create-test-${process.pid}`;
let lab: LabEnv;
let hostDir: string;
const names: string[] = [];

const aliasOf = (name: string) => `alias-${name.slice(-2)}`;

function inputFor(name: string, change: Partial<RunArgvInput> = {}): RunArgvInput {
  names.push(name);
  return {
    image: `${lab.registry}/busybox`,
    args: ['-c', 'echo "$HOME $TOKEN $PLAIN"'],
    containerName: name,
    remove: false,
    detach: false,
    ports: [],
    expose: [],
    privileged: false,
    user: '1000:1000',
    network: `${prefix}-net`,
    networkAlias: aliasOf(name),
    entryPoint: '/bin/sh',
    labels: { 'taskrun.test': prefix, 'taskrun.step': name },
    volumes: [
      { kind: 'volume', source: `${prefix}-workspace`, target: '/workspace' },
      { kind: 'volume', source: `${prefix}-home`, target: '/acb/home' },
      { kind: 'bind', source: hostDir, target: '/host' },
    ],
    env: ['HOME=/acb/home', 'PLAIN=a b=c', 'TOKEN'],
    workdir: '/workspace/sub',
    ...change,
  };
}

/** `podman container inspect`, with what differs between any two containers (ids, names, times, map order) set aside. */
async function inspected(name: string): Promise<unknown> {
  const { stdout } = await runEngineCli(lab, 'podman', ['container', 'inspect', name]);
  const [found] = JSON.parse(stdout) as Array<Record<string, any>>;
  if (!found) throw new Error(`no container ${name}`);
  const id = String(found.Id);
  const text = JSON.stringify(found).split(id).join('ID').split(id.slice(0, 12)).join('ID').split(aliasOf(name)).join('ALIAS').split(name).join('NAME');
  const normal = JSON.parse(text) as Record<string, any>;
  delete normal.Created;
  delete normal.State;
  delete normal.GraphDriver;
  normal.Config.Env.sort();
  normal.HostConfig.Binds.sort();
  normal.Mounts.sort((a: { Destination: string }, b: { Destination: string }) => a.Destination.localeCompare(b.Destination));
  return normal;
}

describe('createContainer on podman', () => {
  let engine: Engine;
  const create = (input: RunArgvInput, signal = new AbortController().signal) => createContainer({ engine, run: input, env: { TOKEN: 'secret value' }, signal });

  beforeAll(async () => {
    lab = await requireLab();
    engine = labEngineFor(lab, 'podman');
    hostDir = await mkdtemp(path.join(os.tmpdir(), 'taskrun-create-test-'));
    await runEngineCli(lab, 'podman', ['network', 'create', `${prefix}-net`]);
    for (const volume of ['workspace', 'home']) await runEngineCli(lab, 'podman', ['volume', 'create', `${prefix}-${volume}`]);
  }, 60_000);

  afterAll(async () => {
    await runEngineCli(lab, 'podman', ['rm', '--force', '--time', '0', ...names], { reject: false });
    await runEngineCli(lab, 'podman', ['network', 'rm', `${prefix}-net`], { reject: false });
    await runEngineCli(lab, 'podman', ['volume', 'rm', '--force', `${prefix}-workspace`, `${prefix}-home`], { reject: false });
    await runEngineCli(lab, 'podman', ['rmi', '--force', `${lab.registry}/${prefix}:missing`], { reject: false });
    await rm(hostDir, { recursive: true, force: true });
  }, 60_000);

  it('makes the container `podman create` makes, first by its remote client, then from a spec', { timeout: 120_000 }, async () => {
    const byCli = inputFor(`${prefix}-c0`);
    const made = await runEngine({ engine, args: buildCreateArgv(byCli), env: { TOKEN: 'secret value' } });
    expect(made.exitCode).toBe(0);
    const first = inputFor(`${prefix}-c1`);
    expect(await create(first)).toEqual({ created: true, by: 'remote-client' });
    const second = inputFor(`${prefix}-c2`);
    expect(await create(second)).toEqual({ created: true, by: 'spec' });
    const expected = await inspected(byCli.containerName);
    expect(await inspected(first.containerName)).toEqual(expected);
    expect(await inspected(second.containerName)).toEqual(expected);
    const { stdout } = await runEngineCli(lab, 'podman', ['start', '--attach', second.containerName]);
    expect(stdout).toBe('/acb/home secret value a b=c');
  });

  it('leaves to the CLI a container of another shape', { timeout: 60_000 }, async () => {
    await create(inputFor(`${prefix}-c3`));
    expect(await create(inputFor(`${prefix}-c4`, { ports: ['18080:80'] }))).toEqual({ created: true, by: 'cli' });
    expect(await create(inputFor(`${prefix}-c5`, { user: undefined }))).toEqual({ created: true, by: 'cli' });
  });

  it('has the CLI pull an image the service does not have', { timeout: 120_000 }, async () => {
    await create(inputFor(`${prefix}-c6`));
    const image = `${lab.registry}/${prefix}:missing`;
    await runEngineCli(lab, 'podman', ['tag', `${lab.registry}/busybox`, image]);
    await runEngineCli(lab, 'podman', ['push', image]);
    await runEngineCli(lab, 'podman', ['rmi', image]);
    expect(await create(inputFor(`${prefix}-c7`, { image }))).toEqual({ created: true, by: 'cli' });
  });

  it("tries the remote client again when it failed before sending its spec (the image's pull)", { timeout: 120_000 }, async () => {
    const fresh = labEngineFor(lab, 'podman');
    const make = (input: RunArgvInput) => createContainer({ engine: fresh, run: input, env: { TOKEN: 'secret value' }, signal: new AbortController().signal });
    expect(await make(inputFor(`${prefix}-d1`, { image: `${lab.registry}/${prefix}-absent:none` }))).toEqual({ created: false, by: 'remote-client' });
    expect(await make(inputFor(`${prefix}-d2`))).toEqual({ created: true, by: 'remote-client' });
    expect(await make(inputFor(`${prefix}-d3`))).toEqual({ created: true, by: 'spec' });
  });

  it('creates nothing when the engine refuses (a name in use)', { timeout: 60_000 }, async () => {
    const taken = inputFor(`${prefix}-c8`);
    expect((await create(taken)).created).toBe(true);
    const again = await create(taken);
    expect(again.created).toBe(false);
  });
});
