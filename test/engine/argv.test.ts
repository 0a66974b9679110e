import { describe, it, expect } from 'vitest';
import {
  buildBuildArgv,
  buildCreateArgv,
  buildInitArgv,
  buildInspectStatusArgv,
  buildStartAttachedArgv,
  buildListContainersArgv,
  buildListNetworksArgv,
  buildListVolumesArgv,
  buildVolumeArgs,
  buildNetworkCreateArgv,
  buildNetworkRemoveArgv,
  buildPullArgv,
  buildPushArgv,
  buildRemoveContainersArgv,
  buildRunArgv,
  buildVolumeCreateArgv,
  buildVolumeRemoveArgv,
} from '../../src/engine/argv.js';
import type { RunArgvInput } from '../../src/engine/argv.js';
import { containerNameFor, homeKeyOf, homeVolumeName, runLabelFilters, runLabels, runNetworkName, sanitiseEngineName, uniqueNamePart } from '../../src/engine/names.js';

const minimal: RunArgvInput = {
  image: 'busybox',
  args: ['echo', 'hi'],
  containerName: 'taskrun-r1-a',
  remove: true,
  detach: false,
  ports: [],
  expose: [],
  privileged: false,
  labels: {},
  volumes: [],
  env: [],
};

describe('buildRunArgv', () => {
  it('builds the smallest run', () => {
    expect(buildRunArgv(minimal)).toEqual(['run', '--rm', '--name', 'taskrun-r1-a', 'busybox', 'echo', 'hi']);
  });

  it('puts every option in acb order', () => {
    expect(
      buildRunArgv({
        ...minimal,
        remove: false,
        detach: true,
        ports: ['8000:8000', '8080:8080'],
        expose: ['80', '81'],
        privileged: true,
        user: 'root',
        network: 'taskrun-r1',
        networkAlias: 'a',
        isolation: 'default',
        cpus: '2',
        entryPoint: 'sh',
        labels: { 'taskrun.run': 'r1' },
        volumes: [
          { kind: 'bind', source: '/ctx', target: '/workspace' },
          { kind: 'volume', source: 'taskrun-r1-home', target: '/acb/home' },
        ],
        env: ['HOME=/acb/home', 'foo=bar baz'],
        workdir: '/workspace/sub',
      }),
    ).toEqual([
      'run', '--detach', '-p', '8000:8000', '-p', '8080:8080', '--expose', '80', '--expose', '81', '--privileged',
      '--user', 'root', '--network', 'taskrun-r1', '--network-alias', 'a', '--isolation', 'default', '--cpus', '2',
      '--entrypoint', 'sh', '--name', 'taskrun-r1-a', '--label', 'taskrun.run=r1', '--mount', 'type=bind,source=/ctx,target=/workspace',
      '--volume', 'taskrun-r1-home:/acb/home', '--env', 'HOME=/acb/home', '--env', 'foo=bar baz', '--workdir', '/workspace/sub',
      'busybox', 'echo', 'hi',
    ]);
  });
});

describe('buildCreateArgv', () => {
  it('makes the container run would start, without --rm or --detach', () => {
    const input: RunArgvInput = { ...minimal, detach: true, network: 'taskrun-r1', labels: { 'taskrun.run': 'r1' }, env: ['TOKEN'] };
    expect(buildCreateArgv(input)).toEqual(['create', ...buildRunArgv({ ...input, remove: false, detach: false }).slice(1)]);
    expect(buildCreateArgv(input)).toEqual(['create', '--network', 'taskrun-r1', '--name', 'taskrun-r1-a', '--label', 'taskrun.run=r1', '--env', 'TOKEN', 'busybox', 'echo', 'hi']);
  });

  it('initialises, starts attached and reads the state of a container by name', () => {
    expect(buildInitArgv({ containerName: 'c' })).toEqual(['init', 'c']);
    expect(buildStartAttachedArgv({ containerName: 'c' })).toEqual(['start', '--attach', 'c']);
    expect(buildInspectStatusArgv({ containerName: 'c' })).toEqual(['container', 'inspect', '--format', '{{.State.Status}}', 'c']);
  });
});

describe('other builders', () => {
  it('build passes the words through', () => {
    expect(buildBuildArgv({ args: ['-t', 'x:1', '-f', 'Dockerfile', '.'] })).toEqual(['build', '-t', 'x:1', '-f', 'Dockerfile', '.']);
  });

  it('push asks podman for a digest file, docker prints the digest', () => {
    expect(buildPushArgv({ engine: 'podman', image: 'localhost:5000/a:1', digestFile: '/tmp/d' })).toEqual(['push', '--digestfile', '/tmp/d', 'localhost:5000/a:1']);
    expect(buildPushArgv({ engine: 'docker', image: 'localhost:5000/a:1', digestFile: '/tmp/d' })).toEqual(['push', 'localhost:5000/a:1']);
  });

  it('pull', () => {
    expect(buildPullArgv({ image: 'busybox' })).toEqual(['pull', 'busybox']);
  });

  it('network create and rm', () => {
    expect(buildNetworkCreateArgv({ name: 'n1' })).toEqual(['network', 'create', 'n1']);
    expect(buildNetworkCreateArgv({ name: 'n1', ipv6: true, driver: 'bridge', labels: { 'taskrun.run': 'r1' } })).toEqual([
      'network', 'create', '--ipv6', '--driver', 'bridge', '--label', 'taskrun.run=r1', 'n1',
    ]);
    expect(buildNetworkRemoveArgv({ names: ['n1', 'n2'] })).toEqual(['network', 'rm', 'n1', 'n2']);
  });

  it('volume create and rm', () => {
    expect(buildVolumeCreateArgv({ name: 'v', labels: { 'taskrun.run': 'r1' } })).toEqual(['volume', 'create', '--label', 'taskrun.run=r1', 'v']);
    expect(buildVolumeRemoveArgv({ names: ['v'] })).toEqual(['volume', 'rm', '--force', 'v']);
  });

  it('rm -f kills at once on podman', () => {
    expect(buildRemoveContainersArgv({ engine: 'podman', names: ['a', 'b'] })).toEqual(['rm', '--force', '--ignore', '--time', '0', 'a', 'b']);
    expect(buildRemoveContainersArgv({ engine: 'docker', names: ['a'] })).toEqual(['rm', '--force', 'a']);
  });

  it('ps, network ls and volume ls by label', () => {
    const labels = ['taskrun.run=r1', 'taskrun.home=h1'];
    const filters = ['--filter', 'label=taskrun.run=r1', '--filter', 'label=taskrun.home=h1'];
    expect(buildListContainersArgv({ labels })).toEqual(['ps', '--all', '--quiet', ...filters]);
    expect(buildListNetworksArgv({ labels })).toEqual(['network', 'ls', ...filters, '--format', '{{.Name}}']);
    expect(buildListVolumesArgv({ labels })).toEqual(['volume', 'ls', ...filters, '--format', '{{.Name}}']);
  });

  it("lists with label values beside each object: `.Label` for the docker CLI, the labels map for podman's", () => {
    const labels = ['taskrun.home=h1'];
    const docker = { labelKeys: ['taskrun.home', 'taskrun.run'], engine: 'docker' } as const;
    const podman = { labelKeys: ['taskrun.home', 'taskrun.run'], engine: 'podman' } as const;
    expect(buildListContainersArgv({ labels, columns: docker })).toEqual(['ps', '--all', '--filter', 'label=taskrun.home=h1', '--format', '{{.ID}}\t{{.Label "taskrun.home"}}\t{{.Label "taskrun.run"}}']);
    expect(buildListContainersArgv({ labels, columns: podman }).at(-1)).toBe('{{.ID}}\t{{index .Labels "taskrun.home"}}\t{{index .Labels "taskrun.run"}}');
    expect(buildListNetworksArgv({ labels, columns: podman }).at(-1)).toBe('{{.Name}}\t{{index .Network.Labels "taskrun.home"}}\t{{index .Network.Labels "taskrun.run"}}');
    expect(buildListVolumesArgv({ labels, columns: docker }).at(-1)).toBe('{{.Name}}\t{{.Label "taskrun.home"}}\t{{.Label "taskrun.run"}}');
  });

  it('bind-mounts with --mount (a path may hold `:`), quoting CSV fields; named volumes with --volume', () => {
    expect(buildVolumeArgs({ kind: 'bind', source: '/a:b', target: '/workspace' })).toEqual(['--mount', 'type=bind,source=/a:b,target=/workspace']);
    expect(buildVolumeArgs({ kind: 'bind', source: '/a,"b"', target: '/w' })).toEqual(['--mount', 'type=bind,"source=/a,""b""",target=/w']);
    expect(buildVolumeArgs({ kind: 'volume', source: 'home', target: '/acb/home' })).toEqual(['--volume', 'home:/acb/home']);
  });
});

describe('names', () => {
  const scope = { runId: 'cb1', homeKey: 'c0ffee0000000000' };

  it('scopes names by home and run id and keeps docker charset', () => {
    expect(containerNameFor(scope, 'build-qux')).toBe('taskrun-c0ffee-cb1-build-qux');
    expect(containerNameFor(scope, 'a/b:c')).toBe('taskrun-c0ffee-cb1-a-b-c-3b07f80c');
    expect(runNetworkName(scope)).toBe('taskrun-c0ffee-cb1');
    expect(homeVolumeName(scope)).toBe('taskrun-c0ffee-cb1-home');
    expect(sanitiseEngineName('-x')).toBe('x-x');
  });

  it('labels carry the run id and the whole home key; two homes get different keys and names for one run id', () => {
    expect(runLabels(scope)).toEqual({ 'taskrun.run': 'cb1', 'taskrun.home': 'c0ffee0000000000' });
    expect(runLabelFilters(scope)).toEqual(['taskrun.run=cb1', 'taskrun.home=c0ffee0000000000']);
    const [a, b] = [homeKeyOf('/home/a/.local/state/taskrun'), homeKeyOf('/home/b/.local/state/taskrun')];
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
    expect(runNetworkName({ runId: 'tr1', homeKey: a })).not.toBe(runNetworkName({ runId: 'tr1', homeKey: b }));
  });

  it('keeps two step ids apart when sanitising would make them equal', () => {
    expect(containerNameFor(scope, 'build:amd64')).toBe('taskrun-c0ffee-cb1-build-amd64-0f37c0ca');
    expect(containerNameFor(scope, 'build-amd64')).toBe('taskrun-c0ffee-cb1-build-amd64');
    expect(uniqueNamePart('build.amd_64')).toBe('build.amd_64');
  });
});
