// The spec taskrun sends podman's service for a create: the captured create's defaults with each
// container's own values, and only for flags whose spec is a copy of their value.

import { describe, expect, it } from 'vitest';
import type { RunArgvInput } from '../../src/engine/argv.js';
import { specFor, templateFrom, type CreateCall } from '../../src/engine/podman-spec.js';

const base: RunArgvInput = {
  image: 'busybox',
  args: ['echo', 'hi'],
  containerName: 'run-s0',
  remove: false,
  detach: false,
  ports: [],
  expose: [],
  privileged: false,
  network: 'run-net',
  networkAlias: 's0',
  labels: { 'taskrun.run': 'r1' },
  volumes: [
    { kind: 'volume', source: 'run-workspace', target: '/workspace' },
    { kind: 'volume', source: 'run-home', target: '/acb/home' },
  ],
  env: ['HOME=/acb/home', 'TOKEN'],
  workdir: '/workspace',
};

const callOf = (input: RunArgvInput, cliEnv: Record<string, string> = { TOKEN: 'secret' }): CreateCall => ({ input, cliEnv, argv: ['podman', 'create', '--name', input.containerName] });

// What podman 4.3's client sent for `base` (volumes in its map order), trimmed to a few defaults.
const captured = {
  name: 'run-s0',
  command: ['echo', 'hi'],
  httpproxy: true,
  env: { HOME: '/acb/home', TOKEN: 'secret' },
  labels: { 'taskrun.run': 'r1' },
  stop_timeout: 10,
  raw_image_name: 'busybox',
  containerCreateCommand: ['podman', 'create', '--name', 'run-s0'],
  image: 'busybox',
  volumes: [
    { Name: 'run-home', Dest: '/acb/home', Options: null, IsAnonymous: false },
    { Name: 'run-workspace', Dest: '/workspace', Options: null, IsAnonymous: false },
  ],
  work_dir: '/workspace',
  umask: '0022',
  netns: { nsmode: 'bridge' },
  Networks: { 'run-net': { aliases: ['s0'], interface_name: '' } },
};

describe('templateFrom', () => {
  it("keeps the create's defaults when its own values come out as the client sent them", () => {
    const template = templateFrom(captured, callOf(base));
    expect(template?.defaults).toEqual({ httpproxy: true, stop_timeout: 10, umask: '0022', netns: { nsmode: 'bridge' } });
  });

  it('refuses a create whose spec taskrun would write differently (a flag podman maps another way)', () => {
    expect(templateFrom({ ...captured, work_dir: '/workspace/' }, callOf(base))).toBeUndefined();
    expect(templateFrom({ ...captured, env: { HOME: '/acb/home' } }, callOf(base))).toBeUndefined();
    expect(templateFrom({ ...captured, Networks: { 'run-net': { aliases: ['s0', 'x'], interface_name: '' } } }, callOf(base))).toBeUndefined();
  });
});

describe('specFor', () => {
  const template = templateFrom(captured, callOf(base));
  if (!template) throw new Error('no template');

  it("writes another container's values over the defaults", () => {
    const next: RunArgvInput = { ...base, containerName: 'run-s1', networkAlias: 's1', args: ['sh', '-c', 'exit 3'], env: ['HOME=/acb/home', 'A=1', 'A=2', 'UNSET'], labels: { 'taskrun.run': 'r1', extra: 'x=y' } };
    expect(specFor(template, callOf(next))).toEqual({
      ...template.defaults,
      name: 'run-s1',
      command: ['sh', '-c', 'exit 3'],
      env: { HOME: '/acb/home', A: '2' },
      labels: { 'taskrun.run': 'r1', extra: 'x=y' },
      image: 'busybox',
      raw_image_name: 'busybox',
      containerCreateCommand: ['podman', 'create', '--name', 'run-s1'],
      volumes: [
        { Name: 'run-workspace', Dest: '/workspace', Options: null, IsAnonymous: false },
        { Name: 'run-home', Dest: '/acb/home', Options: null, IsAnonymous: false },
      ],
      work_dir: '/workspace',
      Networks: { 'run-net': { aliases: ['s1'], interface_name: '' } },
    });
  });

  it('takes `KEY` alone from the CLI environment, as podman does, and leaves it out when unset', () => {
    expect(specFor(template, callOf(base, {}))?.env).toEqual({ HOME: '/acb/home' });
    expect(specFor(template, callOf(base, { TOKEN: '' }))?.env).toEqual({ HOME: '/acb/home', TOKEN: '' });
  });

  it('leaves to the CLI a container of another shape or with a flag it does not map', () => {
    const cli = (change: Partial<RunArgvInput>) => specFor(template, callOf({ ...base, ...change }));
    expect(cli({ network: 'host' })).toBeUndefined();
    expect(cli({ user: '1000' })).toBeUndefined();
    expect(cli({ args: [] })).toBeUndefined();
    expect(cli({ ports: ['8080:80'] })).toBeUndefined();
    expect(cli({ expose: ['80'] })).toBeUndefined();
    expect(cli({ privileged: true })).toBeUndefined();
    expect(cli({ cpus: '0.5' })).toBeUndefined();
    expect(cli({ env: ['PREFIX*'] })).toBeUndefined();
    expect(cli({ env: ['=x'] })).toBeUndefined();
    expect(cli({ image: 'docker-archive:/tmp/image.tar' })).toBeUndefined();
    expect(cli({ volumes: [{ kind: 'volume', source: 'run-workspace', target: '/workspace/' }, base.volumes[1]!] })).toBeUndefined();
  });

  it('maps an entry point given as one word, and leaves a JSON list to the CLI', () => {
    const withEntry = templateFrom({ ...captured, entrypoint: ['sh'] }, callOf({ ...base, entryPoint: 'sh' }));
    if (!withEntry) throw new Error('no template');
    expect(specFor(withEntry, callOf({ ...base, entryPoint: '/bin/true' }))?.entrypoint).toEqual(['/bin/true']);
    expect(specFor(withEntry, callOf({ ...base, entryPoint: '["sh", "-c"]' }))).toBeUndefined();
  });
});
