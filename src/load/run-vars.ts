// Load stage: the `.Run` variables a task's templates see (acb-spec §2.2), from flags,
// CI variables or the local git checkout, and the host.

import { readFile, stat } from '../sync-fs.js';
import path from 'node:path';
import type { RunVars } from '../template/data.js';

/** `yyyyMMdd-HHmmss` in UTC followed by a literal `z`, as acb formats `.Run.Date`. */
export function formatRunDate(now: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const day = `${pad(now.getUTCFullYear(), 4)}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${day}-${time}z`;
}

/** Text before the first `.` of the login server (`foo.azurecr.io` → `foo`), else all of it. */
export function deriveRegistryName(registry: string): string {
  const dot = registry.indexOf('.');
  return dot < 0 ? registry : registry.slice(0, dot);
}

const goArchitectures: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm: 'arm',
  arm64: 'arm64',
  s390x: 's390x',
  s390: 's390',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
  mips64: 'mips64',
  mips64el: 'mips64le',
  ppc: 'ppc',
};

// os.endianness(), worked out here: loading node:os for it would cost every render's start-up.
const HOST_BYTE_ORDER: 'BE' | 'LE' = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'LE' : 'BE';

/** Go's GOARCH name for Node's `process.arch` (what `.Run.Architecture` shows on acb). */
export function goArchitecture(nodeArch: string, byteOrder: 'BE' | 'LE' = HOST_BYTE_ORDER): string {
  if (nodeArch === 'ppc64') return byteOrder === 'LE' ? 'ppc64le' : 'ppc64';
  return goArchitectures[nodeArch] ?? nodeArch;
}

/** Go's GOOS name for Node's `process.platform`. */
export function goOS(platform: string): string {
  return platform === 'win32' ? 'windows' : platform;
}

export interface GitInfo {
  readonly commit?: string;
  readonly branch?: string;
  readonly repository?: string;
  readonly gitTag?: string;
}

// CI systems check out a detached HEAD, so their variables come first; the local checkout
// fills in what they leave out. Not a git folder (or no git) gives nothing, never an error.
export async function detectGitInfo(input: { dir: string; env: NodeJS.ProcessEnv }): Promise<GitInfo> {
  const ci = readCiGitInfo(input.env);
  if (ci.commit !== undefined && (ci.branch !== undefined || ci.gitTag !== undefined)) return ci;
  const local = await readLocalGitInfo(input.dir);
  return dropUndefined({
    commit: ci.commit ?? local.commit,
    branch: ci.branch ?? (ci.gitTag === undefined ? local.branch : undefined),
    repository: ci.repository,
    gitTag: ci.gitTag,
  });
}

/** GitHub Actions, Azure Pipelines or GitLab CI, whichever has set its variables. */
export function readCiGitInfo(env: NodeJS.ProcessEnv): GitInfo {
  const get = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  if (get('GITHUB_SHA') !== undefined) {
    const refType = get('GITHUB_REF_TYPE');
    return dropUndefined({
      commit: get('GITHUB_SHA'),
      branch: get('GITHUB_HEAD_REF') ?? (refType === 'branch' ? get('GITHUB_REF_NAME') : undefined),
      gitTag: refType === 'tag' ? get('GITHUB_REF_NAME') : undefined,
      repository: get('GITHUB_REPOSITORY'),
    });
  }
  if (get('BUILD_SOURCEVERSION') !== undefined) {
    // Pull-request builds check out refs/pull/N/merge; the PR's own branch is elsewhere.
    const ref = get('SYSTEM_PULLREQUEST_SOURCEBRANCH') ?? get('BUILD_SOURCEBRANCH') ?? '';
    return dropUndefined({
      commit: get('BUILD_SOURCEVERSION'),
      branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
      gitTag: ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined,
      repository: get('BUILD_REPOSITORY_NAME'),
    });
  }
  if (get('CI_COMMIT_SHA') !== undefined) {
    return dropUndefined({
      commit: get('CI_COMMIT_SHA'),
      branch: get('CI_COMMIT_BRANCH') ?? get('CI_MERGE_REQUEST_SOURCE_BRANCH_NAME'),
      gitTag: get('CI_COMMIT_TAG'),
      repository: get('CI_PROJECT_PATH'),
    });
  }
  return {};
}

// Reads HEAD the way git stores it (loose refs, packed-refs, worktrees): validate and render run
// this every time, and starting git twice costs more than the rest of a small file's pipeline.
async function readLocalGitInfo(dir: string): Promise<GitInfo> {
  const gitDir = await findGitDir(path.resolve(dir));
  if (!gitDir) return {};
  const head = (await readText(path.join(gitDir, 'HEAD')))?.trim();
  if (head === undefined) return {};
  if (!head.startsWith('ref: ')) return /^[0-9a-f]{40,64}$/.test(head) ? { commit: head } : runGitInfo(dir);
  const ref = head.slice('ref: '.length).trim();
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const commonDir = await readCommonDir(gitDir);
  const commit = await resolveRef({ gitDir, commonDir, ref });
  // A ref store taskrun cannot read (e.g. reftable): ask git itself.
  if (commit === undefined && (await readText(path.join(commonDir, 'reftable', 'tables.list'))) !== undefined) return runGitInfo(dir);
  return dropUndefined({ commit, branch });
}

async function findGitDir(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory()) return candidate;
    if (info?.isFile()) {
      // A worktree or submodule: `.git` is a file saying `gitdir: <path>`.
      const pointer = /^gitdir:\s*(.+)$/m.exec((await readText(candidate)) ?? '')?.[1]?.trim();
      return pointer ? path.resolve(dir, pointer) : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function readCommonDir(gitDir: string): Promise<string> {
  const common = (await readText(path.join(gitDir, 'commondir')))?.trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}

async function resolveRef(input: { gitDir: string; commonDir: string; ref: string }): Promise<string | undefined> {
  for (const base of [input.gitDir, input.commonDir]) {
    const loose = (await readText(path.join(base, input.ref)))?.trim();
    if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  }
  const packed = (await readText(path.join(input.commonDir, 'packed-refs'))) ?? '';
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === input.ref && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return undefined;
}

function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

// git itself, for layouts the file reader does not know; node's execFile, not execa (~100 ms to load).
async function runGitInfo(dir: string): Promise<GitInfo> {
  const { execFile } = await import('node:child_process');
  const runGit = (args: readonly string[]) =>
    new Promise<string | undefined>((resolve) => {
      execFile('git', ['-C', dir, ...args], { timeout: 10_000, windowsHide: true }, (failure, stdout) => {
        const output = String(stdout).trim();
        resolve(!failure && output !== '' ? output : undefined);
      }).stdin?.end();
    });
  const [commit, branch] = await Promise.all([runGit(['rev-parse', 'HEAD']), runGit(['rev-parse', '--abbrev-ref', 'HEAD'])]);
  // A detached HEAD names itself `HEAD`: there is no branch then.
  return dropUndefined({ commit, branch: branch === 'HEAD' ? undefined : branch });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export interface RunVarFlags {
  readonly commit?: string;
  readonly branch?: string;
  readonly repository?: string;
  readonly gitTag?: string;
  readonly triggeredBy?: string;
  readonly taskName?: string;
  readonly osVersion?: string;
  readonly sharedVolume?: string;
}

// Flags win over git/CI; values acb only takes from flags (TriggeredBy, OSVersion, TaskName,
// SharedVolume) stay empty without them. OS and Architecture describe this host.
export function resolveRunVars(input: { registry: string; runId: string; now: Date; flags: RunVarFlags; git: GitInfo }): RunVars {
  const { flags, git } = input;
  return {
    ID: input.runId,
    Registry: input.registry,
    RegistryName: deriveRegistryName(input.registry),
    Date: formatRunDate(input.now),
    OS: goOS(process.platform),
    Architecture: goArchitecture(process.arch),
    OSVersion: flags.osVersion ?? '',
    Commit: flags.commit ?? git.commit ?? '',
    Branch: flags.branch ?? git.branch ?? '',
    Repository: flags.repository ?? git.repository ?? '',
    GitTag: flags.gitTag ?? git.gitTag ?? '',
    TriggeredBy: flags.triggeredBy ?? '',
    TaskName: flags.taskName ?? '',
    SharedVolume: flags.sharedVolume ?? '',
  };
}
