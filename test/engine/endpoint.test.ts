import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEndpoint } from '../../src/engine/endpoint.js';
import type { Engine } from '../../src/engine/engine.js';

const docker = (env: Record<string, string> = {}): Engine => ({ name: 'docker', binary: 'docker', env });
const podman = (env: Record<string, string> = {}): Engine => ({ name: 'podman', binary: 'podman', env });

describe('describeEndpoint', () => {
  it('follows docker: DOCKER_HOST, then DOCKER_CONTEXT, then the config\'s current context, then the local socket', async () => {
    const config = await mkdtemp(path.join(os.tmpdir(), 'taskrun-docker-config-'));
    try {
      expect(describeEndpoint(docker({ DOCKER_HOST: 'unix:///lab.sock' }), { DOCKER_HOST: 'ssh://me@far' })).toBe('unix:///lab.sock');
      expect(describeEndpoint(docker(), { DOCKER_HOST: 'ssh://me@far', DOCKER_CONTEXT: 'arm' })).toBe('ssh://me@far');
      expect(describeEndpoint(docker(), { DOCKER_CONTEXT: 'arm', DOCKER_CONFIG: config })).toBe('docker context arm');
      expect(describeEndpoint(docker(), { DOCKER_CONFIG: config })).toBe('unix:///var/run/docker.sock');
      await writeFile(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'big-box' }));
      expect(describeEndpoint(docker(), { DOCKER_CONFIG: config })).toBe('docker context big-box');
    } finally {
      await rm(config, { recursive: true, force: true });
    }
  });

  it('follows podman: CONTAINER_HOST, then CONTAINER_CONNECTION, else local', () => {
    expect(describeEndpoint(podman(), { CONTAINER_HOST: 'ssh://core@vm/run/podman.sock' })).toBe('ssh://core@vm/run/podman.sock');
    expect(describeEndpoint(podman(), { CONTAINER_CONNECTION: 'arm' })).toBe('podman connection arm');
    expect(describeEndpoint(podman(), {})).toBe('local podman');
  });
});

describe('isRemotePodman', () => {
  it('is true over a connection or with podman-remote', async () => {
    const { isRemotePodman } = await import('../../src/engine/endpoint.js');
    expect(isRemotePodman(podman(), {})).toBe(false);
    expect(isRemotePodman(podman({ CONTAINER_HOST: 'unix:///run/podman.sock' }), {})).toBe(true);
    expect(isRemotePodman(podman(), { CONTAINER_CONNECTION: 'arm' })).toBe(true);
    expect(isRemotePodman({ name: 'podman', binary: '/usr/bin/podman-remote', env: {} }, {})).toBe(true);
    expect(isRemotePodman(docker(), {})).toBe(false);
  });
});
