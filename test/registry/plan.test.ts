import { describe, it, expect } from 'vitest';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDockerManifest } from '../../src/registry/docker-manifest.js';
import { createManifestPlanState } from '../../src/registry/manifest-store.js';
import { requireLabRegistry } from './helpers/registry-process.js';
import { pushImage, uniqueName } from './helpers/images.js';

describe('planDockerManifest (dry run)', () => {
  it('shows entries, platforms, digests, the media type and the registry operations, and writes nothing', async () => {
    const host = await requireLabRegistry();
    const source = uniqueName('plansrc');
    const repo = uniqueName('plan');
    const image = await pushImage({ baseUrl: `http://${host}`, repo: source }, { platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, tag: 'arm' });
    const home = await mkdtemp(join(tmpdir(), 'taskrun-plan-'));
    const io = { stdout: () => {}, stderr: () => {}, signal: new AbortController().signal, env: { TASKRUN_HOME: home }, planState: createManifestPlanState() };
    const list = `${host}/${repo}:multi`;

    const create = await planDockerManifest(['create', list, `${host}/${source}:arm`], io);
    expect(create).toEqual([
      `create local manifest list ${list} (1 entry, will push as application/vnd.docker.distribution.manifest.list.v2+json (a Docker manifest list, because every entry is a Docker image manifest))`,
      `  GET ${host}/${source}:arm: application/vnd.docker.distribution.manifest.v2+json ${image.digest}`,
      `    linux/arm/v7  ${image.digest}  application/vnd.docker.distribution.manifest.v2+json  ${host}/${source}:arm`,
    ]);
    const push = await planDockerManifest(['push', '--purge', list], io);
    expect(push[0]).toMatch(new RegExp(`^push ${list.replace(/\./g, '\\.')}: application/vnd\\.docker\\.distribution\\.manifest\\.list\\.v2\\+json \\(a Docker manifest list, because every entry is a Docker image manifest\\), digest sha256:[a-f0-9]{64}, \\d+ bytes$`));
    expect(push.slice(1, -2)).toEqual([
      `  HEAD ${host}/${repo}@${image.digest}: missing (linux/arm/v7)`,
      `  mount ${image.configDigest} from ${host}/${source} into ${host}/${repo}`,
      `  mount ${image.layerDigest} from ${host}/${source} into ${host}/${repo}`,
      `  PUT ${host}/${repo}@${image.digest} (application/vnd.docker.distribution.manifest.v2+json)`,
    ]);
    expect(push.at(-1)).toBe(`  remove local manifest list ${list}`);
    expect(await readdir(home)).toEqual([]);
    expect((await fetch(`http://${host}/v2/${repo}/manifests/multi`, { method: 'HEAD' })).status).toBe(404);
  });
});
