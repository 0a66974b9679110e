import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  deriveRegistryName,
  detectGitInfo,
  formatRunDate,
  goArchitecture,
  goOS,
  readCiGitInfo,
  resolveRunVars,
} from '../../src/load/run-vars.js';

describe('formatRunDate', () => {
  it('formats UTC with a literal z', () => {
    expect(formatRunDate(new Date('2026-11-23T07:51:00Z'))).toBe('20261123-075100z');
    expect(formatRunDate(new Date('2010-05-20T13:14:22.999Z'))).toBe('20100520-131422z');
  });

  it('uses UTC, not the local zone', () => {
    expect(formatRunDate(new Date('2026-01-01T00:30:05+02:00'))).toBe('20251231-223005z');
  });
});

describe('deriveRegistryName (acb values_test)', () => {
  it.each([
    ['foo.azurecr.io', 'foo'],
    ['foo-bar.azurecr-test.io', 'foo-bar'],
    ['  ', '  '],
    ['localhost:5000', 'localhost:5000'],
    ['', ''],
  ])('%j → %j', (registry, expected) => {
    expect(deriveRegistryName(registry)).toBe(expected);
  });
});

describe('goArchitecture / goOS', () => {
  it.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64'],
    ['ia32', '386'],
    ['arm', 'arm'],
    ['s390x', 's390x'],
    ['riscv64', 'riscv64'],
    ['loong64', 'loong64'],
    ['mips', 'mips'],
    ['mipsel', 'mipsle'],
    ['mips64el', 'mips64le'],
  ])('%s → %s', (arch, expected) => {
    expect(goArchitecture(arch, 'LE')).toBe(expected);
  });

  it('names ppc64 by byte order', () => {
    expect(goArchitecture('ppc64', 'LE')).toBe('ppc64le');
    expect(goArchitecture('ppc64', 'BE')).toBe('ppc64');
  });

  it('maps win32 to windows and keeps other platforms', () => {
    expect(goOS('win32')).toBe('windows');
    expect(goOS('linux')).toBe('linux');
    expect(goOS('darwin')).toBe('darwin');
  });
});

describe('readCiGitInfo', () => {
  it('reads a GitHub Actions branch push', () => {
    expect(
      readCiGitInfo({ GITHUB_SHA: 'abc', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '', GITHUB_REPOSITORY: 'o/r' }),
    ).toEqual({ commit: 'abc', branch: 'main', repository: 'o/r' });
  });

  it('takes the PR source branch on GitHub pull requests', () => {
    expect(readCiGitInfo({ GITHUB_SHA: 'abc', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: '7/merge', GITHUB_HEAD_REF: 'feature/x' })).toEqual({
      commit: 'abc',
      branch: 'feature/x',
    });
  });

  it('reads a GitHub tag', () => {
    expect(readCiGitInfo({ GITHUB_SHA: 'abc', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.2.0' })).toEqual({ commit: 'abc', gitTag: 'v1.2.0' });
  });

  it('reads Azure Pipelines branches, tags and PRs', () => {
    expect(readCiGitInfo({ BUILD_SOURCEVERSION: 'def', BUILD_SOURCEBRANCH: 'refs/heads/release/1', BUILD_REPOSITORY_NAME: 'proj' })).toEqual({
      commit: 'def',
      branch: 'release/1',
      repository: 'proj',
    });
    expect(readCiGitInfo({ BUILD_SOURCEVERSION: 'def', BUILD_SOURCEBRANCH: 'refs/tags/v1' })).toEqual({ commit: 'def', gitTag: 'v1' });
    expect(
      readCiGitInfo({ BUILD_SOURCEVERSION: 'def', BUILD_SOURCEBRANCH: 'refs/pull/4/merge', SYSTEM_PULLREQUEST_SOURCEBRANCH: 'refs/heads/topic' }),
    ).toEqual({ commit: 'def', branch: 'topic' });
  });

  it('reads GitLab CI', () => {
    expect(readCiGitInfo({ CI_COMMIT_SHA: '123', CI_COMMIT_BRANCH: 'dev', CI_PROJECT_PATH: 'g/p' })).toEqual({ commit: '123', branch: 'dev', repository: 'g/p' });
    expect(readCiGitInfo({ CI_COMMIT_SHA: '123', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'mr' })).toEqual({ commit: '123', branch: 'mr' });
    expect(readCiGitInfo({ CI_COMMIT_SHA: '123', CI_COMMIT_TAG: 'v2' })).toEqual({ commit: '123', gitTag: 'v2' });
  });

  it('gives nothing outside CI', () => {
    expect(readCiGitInfo({ PATH: '/bin' })).toEqual({});
  });
});

describe('detectGitInfo', () => {
  let repo = '';
  let plain = '';
  let commit = '';
  const git = (args: string[]) => execa('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args]);

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'taskrun-git-'));
    plain = await mkdtemp(join(tmpdir(), 'taskrun-nogit-'));
    await git(['init', '--quiet', '--initial-branch=trunk']);
    await writeFile(join(repo, 'acr-task.yaml'), 'steps: []\n');
    await git(['add', '.']);
    await git(['commit', '--quiet', '-m', 'first']);
    commit = (await git(['rev-parse', 'HEAD'])).stdout.trim();
  });

  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
    await rm(plain, { recursive: true, force: true });
  });

  it('reads commit and branch from a local checkout', async () => {
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await detectGitInfo({ dir: repo, env: {} })).toEqual({ commit, branch: 'trunk' });
  });

  it('reads packed refs, a sub-folder of the checkout, and a linked worktree', async () => {
    await git(['pack-refs', '--all']);
    await mkdir(join(repo, 'sub'), { recursive: true });
    expect(await detectGitInfo({ dir: join(repo, 'sub'), env: {} })).toEqual({ commit, branch: 'trunk' });
    const worktree = `${repo}-wt`;
    await git(['worktree', 'add', '--quiet', '-b', 'side', worktree]);
    try {
      expect(await detectGitInfo({ dir: worktree, env: {} })).toEqual({ commit, branch: 'side' });
    } finally {
      await git(['worktree', 'remove', '--force', worktree]);
    }
  });

  it('gives no branch on a detached HEAD', async () => {
    await git(['checkout', '--quiet', '--detach']);
    try {
      expect(await detectGitInfo({ dir: repo, env: {} })).toEqual({ commit });
    } finally {
      await git(['checkout', '--quiet', 'trunk']);
    }
  });

  it('gives nothing outside a repository', async () => {
    expect(await detectGitInfo({ dir: plain, env: {} })).toEqual({});
  });

  it('prefers CI variables over the checkout', async () => {
    const env = { GITHUB_SHA: 'ci-sha', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'ci-branch', GITHUB_REPOSITORY: 'o/r' };
    expect(await detectGitInfo({ dir: repo, env })).toEqual({ commit: 'ci-sha', branch: 'ci-branch', repository: 'o/r' });
  });

  it('fills what CI leaves out from the checkout', async () => {
    expect(await detectGitInfo({ dir: repo, env: { GITHUB_SHA: 'ci-sha', GITHUB_REPOSITORY: 'o/r' } })).toEqual({
      commit: 'ci-sha',
      branch: 'trunk',
      repository: 'o/r',
    });
  });

  it('does not add a local branch to a CI tag build', async () => {
    expect(await detectGitInfo({ dir: plain, env: { CI_COMMIT_SHA: 'x', CI_COMMIT_TAG: 'v1' } })).toEqual({ commit: 'x', gitTag: 'v1' });
  });
});

describe('resolveRunVars', () => {
  const base = { registry: 'myreg.azurecr.io', runId: 'run1', now: new Date('2026-11-23T07:51:00Z') };

  it('fills every variable, empty where nothing is known', () => {
    expect(resolveRunVars({ ...base, flags: {}, git: {} })).toEqual({
      ID: 'run1',
      Registry: 'myreg.azurecr.io',
      RegistryName: 'myreg',
      Date: '20261123-075100z',
      OS: goOS(process.platform),
      Architecture: goArchitecture(process.arch),
      OSVersion: '',
      Commit: '',
      Branch: '',
      Repository: '',
      GitTag: '',
      TriggeredBy: '',
      TaskName: '',
      SharedVolume: '',
    });
  });

  it('lets flags win over git information', () => {
    const vars = resolveRunVars({
      ...base,
      flags: { commit: 'flag-sha', triggeredBy: 'manual', taskName: 't', osVersion: '10', sharedVolume: 'vol', gitTag: 'v9' },
      git: { commit: 'git-sha', branch: 'main', repository: 'o/r', gitTag: 'v1' },
    });
    expect([vars.Commit, vars.Branch, vars.Repository, vars.GitTag, vars.TriggeredBy, vars.TaskName, vars.OSVersion, vars.SharedVolume]).toEqual([
      'flag-sha',
      'main',
      'o/r',
      'v9',
      'manual',
      't',
      '10',
      'vol',
    ]);
  });
});
