import { describe, it, expect } from 'vitest';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupCredentials } from '../../src/registry/credentials.js';

const signal = new AbortController().signal;

describe('lookupCredentials', () => {
  it('runs the credHelpers helper with the server on stdin', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'taskrun-cred-'));
    const bin = join(folder, 'bin');
    await mkdir(bin);
    const helper = join(bin, 'docker-credential-fake');
    await writeFile(helper, '#!/bin/sh\nread server\necho "{\\"ServerURL\\":\\"$server\\",\\"Username\\":\\"u-$1\\",\\"Secret\\":\\"p-$server\\"}"\n');
    await chmod(helper, 0o755);
    await writeFile(join(folder, 'config.json'), JSON.stringify({ credHelpers: { 'reg.example:5000': 'fake' }, auths: { 'reg.example:5000': { auth: Buffer.from('x:y').toString('base64') } } }));
    const env = { PATH: `${bin}:/usr/bin:/bin`, DOCKER_CONFIG: folder, HOME: folder };
    expect(await lookupCredentials({ domain: 'reg.example:5000', repositoryPath: 'app', env, signal })).toEqual({
      username: 'u-get',
      password: 'p-reg.example:5000',
      source: 'credential helper docker-credential-fake',
    });
  });

  it('reads auths keys written as URLs, and Docker Hub under https://index.docker.io/v1/', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'taskrun-cred-'));
    const auth = (text: string) => ({ auth: Buffer.from(text).toString('base64') });
    await writeFile(join(folder, 'config.json'), JSON.stringify({ auths: { 'https://reg.example/v1/': auth('a:b'), 'https://index.docker.io/v1/': auth('hub:pw') } }));
    const env = { DOCKER_CONFIG: folder, HOME: folder };
    expect(await lookupCredentials({ domain: 'reg.example', env, signal })).toEqual({ username: 'a', password: 'b', source: join(folder, 'config.json') });
    expect((await lookupCredentials({ domain: 'docker.io', repositoryPath: 'library/busybox', env, signal }))?.username).toBe('hub');
    expect(await lookupCredentials({ domain: 'other.example', env, signal })).toBeUndefined();
  });
});
