import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { htpasswdLine, startRegistry, type RegistryProcess } from './helpers/registry-process.js';
import { pushImage, uniqueName } from './helpers/images.js';
import { startTokenIssuer, TOKEN_ISSUER, TOKEN_SERVICE, type TokenIssuer } from './helpers/token-issuer.js';
import { createManifestRunner } from './helpers/manifest-io.js';

async function dockerConfigWith(auths: Record<string, { auth: string }>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'taskrun-docker-auth-'));
  await writeFile(join(folder, 'config.json'), JSON.stringify({ auths }));
  return folder;
}

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

describe('htpasswd Basic auth', () => {
  let registry: RegistryProcess;
  beforeAll(async () => {
    const folder = await mkdtemp(join(tmpdir(), 'taskrun-basic-'));
    await writeFile(join(folder, 'htpasswd'), `${await htpasswdLine('alice', 's3cret')}\n`);
    registry = await startRegistry({ folder, authYaml: `  htpasswd:\n    realm: taskrun-test\n    path: ${join(folder, 'htpasswd')}` });
  });
  afterAll(() => registry.stop());

  it('uses the auths entry of DOCKER_CONFIG/config.json', async () => {
    const repo = uniqueName('basic');
    await pushImage({ baseUrl: `http://${registry.host}`, repo, authorization: `Basic ${basic('alice', 's3cret')}` }, { platform: { os: 'linux', architecture: 'amd64' }, tag: 'a' });
    const runner = await createManifestRunner({ env: { DOCKER_CONFIG: await dockerConfigWith({ [registry.host]: { auth: basic('alice', 's3cret') } }) } });
    const list = `${registry.host}/${repo}:multi`;
    expect((await runner.run(['create', list, `${registry.host}/${repo}:a`])).exitCode).toBe(0);
    const push = await runner.run(['push', list]);
    expect(push.exitCode).toBe(0);
    expect(push.stdout).toMatch(/^sha256:[a-f0-9]{64}\n$/);
  });

  it('uses podman auth.json from REGISTRY_AUTH_FILE', async () => {
    const repo = uniqueName('podman');
    await pushImage({ baseUrl: `http://${registry.host}`, repo, authorization: `Basic ${basic('alice', 's3cret')}` }, { platform: { os: 'linux', architecture: 'arm64' }, tag: 'b' });
    const folder = await mkdtemp(join(tmpdir(), 'taskrun-podman-auth-'));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'auth.json'), JSON.stringify({ auths: { [`${registry.host}/${repo}`]: { auth: basic('alice', 's3cret') } } }));
    const runner = await createManifestRunner({ env: { REGISTRY_AUTH_FILE: join(folder, 'auth.json') } });
    expect((await runner.run(['create', `${registry.host}/${repo}:multi`, `${registry.host}/${repo}:b`])).exitCode).toBe(0);
  });

  it('without credentials fails with the reference and how to log in', async () => {
    const runner = await createManifestRunner();
    const result = await runner.run(['create', `${registry.host}/nothing:multi`, `${registry.host}/nothing:a`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `cannot read the manifest of ${registry.host}/nothing:a: authentication required (UNAUTHORIZED authentication required)\n` +
        `hint: log in to ${registry.host} (\`docker login ${registry.host}\` or \`podman login ${registry.host}\`) or check the credentials taskrun found for it\n`,
    );
  });
});

describe('Bearer token auth', () => {
  let registry: RegistryProcess;
  let issuer: TokenIssuer;
  beforeAll(async () => {
    const folder = await mkdtemp(join(tmpdir(), 'taskrun-token-'));
    issuer = await startTokenIssuer({ folder, user: 'bob', password: 'hunter2' });
    registry = await startRegistry({
      folder,
      authYaml: [
        '  token:',
        `    realm: ${issuer.realm}`,
        `    service: ${TOKEN_SERVICE}`,
        `    issuer: ${TOKEN_ISSUER}`,
        `    rootcertbundle: ${issuer.certPath}`,
      ].join('\n'),
    });
  });
  afterAll(async () => {
    await registry.stop();
    await issuer.stop();
  });

  it('gets tokens from the realm with the user credentials, one per scope, and pushes across repositories', async () => {
    const source = uniqueName('tsource');
    const repo = uniqueName('token');
    const authorization = `Bearer ${issuer.issue([`repository:${source}:pull,push`])}`;
    await Promise.all(
      ['amd64', 'arm64', '386'].map((architecture) => pushImage({ baseUrl: `http://${registry.host}`, repo: source, authorization }, { platform: { os: 'linux', architecture }, tag: architecture })),
    );
    issuer.requests.length = 0;
    const runner = await createManifestRunner({ env: { DOCKER_CONFIG: await dockerConfigWith({ [`http://${registry.host}`]: { auth: basic('bob', 'hunter2') } }) } });
    const list = `${registry.host}/${repo}:multi`;
    expect((await runner.run(['create', list, `${registry.host}/${source}:amd64`, `${registry.host}/${source}:arm64`, `${registry.host}/${source}:386`])).exitCode).toBe(0);
    // 3 manifests + 3 configs read in parallel with one pull token.
    expect(issuer.requests).toEqual([[`repository:${source}:pull`]]);
    const push = await runner.run(['push', list]);
    expect(push.stderr).toBe('taskrun: pushed a Docker manifest list, because every entry is a Docker image manifest\n');
    expect(push.exitCode).toBe(0);
    const scopes = new Set(issuer.requests.slice(1).map((request) => request.join(' ')));
    expect([...scopes].sort()).toEqual([`repository:${repo}:pull`, `repository:${repo}:pull,push`, `repository:${repo}:pull,push repository:${source}:pull`].sort());
  });

  it('wrong credentials: the token server refuses, and the error says where the credentials came from', async () => {
    const config = await dockerConfigWith({ [registry.host]: { auth: basic('bob', 'wrong') } });
    const runner = await createManifestRunner({ env: { DOCKER_CONFIG: config } });
    const result = await runner.run(['inspect', `${registry.host}/any:thing`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `the token server http://127.0.0.1:${new URL(issuer.realm).port}/token refused a token for repository:any:pull: HTTP 401 {"details":"bad credentials"}\n` +
        `hint: check the credentials for this registry (from ${join(config, 'config.json')})\n`,
    );
  });
});
