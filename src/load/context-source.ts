// Load stage: the source location of `taskrun run -f FILE CONTEXT`, as `az acr run` takes it —
// a local folder, `/dev/null` (no context), a local .tar/.tar.gz, or a git URL written as az
// writes it (`https://host/org/repo.git#branch:subfolder`) — made into a local folder.

import { mkdir, mkdtemp, rm, stat } from '../sync-fs.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { error, InputError } from '../diagnostics.js';

export type ContextSource =
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'tar'; readonly path: string }
  | { readonly kind: 'git'; readonly url: string; readonly ref?: string; readonly subfolder?: string };

const TAR_SUFFIXES = ['.tar', '.tar.gz', '.tgz'];

function isGitUrl(text: string): boolean {
  return /^(?:https?:\/\/|git@|ssh:\/\/|file:\/\/)/i.test(text) && /\.git(?:$|#|\/)/i.test(text);
}

/** What kind of source a CONTEXT argument names; pure. */
export function parseContextArgument(argument: string): ContextSource {
  if (argument === '/dev/null') return { kind: 'none' };
  if (isGitUrl(argument)) {
    const hash = argument.indexOf('#');
    if (hash < 0) return { kind: 'git', url: argument };
    const fragment = argument.slice(hash + 1);
    const colon = fragment.indexOf(':');
    const ref = colon < 0 ? fragment : fragment.slice(0, colon);
    const subfolder = colon < 0 ? '' : fragment.slice(colon + 1);
    return { kind: 'git', url: argument.slice(0, hash), ...(ref !== '' && { ref }), ...(subfolder !== '' && { subfolder }) };
  }
  if (/^https?:\/\//i.test(argument)) {
    throw new InputError([
      error('context-url-unsupported', `context ${argument} is a URL that is not a git repository (az downloads it as a tarball)`, undefined, 'download it and give the local .tar.gz, or a git URL ending in .git'),
    ]);
  }
  if (TAR_SUFFIXES.some((suffix) => argument.toLowerCase().endsWith(suffix))) return { kind: 'tar', path: argument };
  return { kind: 'folder', path: argument };
}

/** A URL as messages may show it: `https://user:token@host/…` loses its user and password. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export interface LocalContext {
  /** The folder the run uses as its context. */
  readonly dir: string;
  /** What was unpacked or cloned for the run, to remove after it; none for a folder of the user's. */
  readonly scratch?: string;
  readonly cleanup: () => Promise<void>;
}

/** Runs a program (tar, git) with argv, never a shell; rejects with its output on failure. */
export type RunProgram = (file: string, args: readonly string[]) => Promise<void>;

export async function materializeContext(source: ContextSource, runProgram: RunProgram): Promise<LocalContext> {
  if (source.kind === 'folder') {
    const info = await stat(source.path).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new InputError([error('context-not-found', `context ${source.path} ${info ? 'is not a folder' : 'does not exist'}`, undefined, 'give a folder, /dev/null, a .tar/.tar.gz file or a git URL')]);
    }
    return { dir: source.path, cleanup: async () => undefined };
  }
  const scratch = await mkdtemp(path.join(tmpdir(), 'taskrun-context-'));
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  try {
    if (source.kind === 'none') return { dir: scratch, scratch, cleanup };
    if (source.kind === 'tar') {
      if (!(await stat(source.path).catch(() => undefined))?.isFile()) {
        throw new InputError([error('context-not-found', `context ${source.path} does not exist`, undefined, 'give the path of the .tar or .tar.gz file')]);
      }
      await runProgram('tar', ['-xf', path.resolve(source.path), '-C', scratch]).catch((caught: unknown) => {
        throw new InputError([error('context-unreadable', `cannot unpack context ${source.path}: ${(caught as Error).message}`, undefined, 'check that it is a tar archive (gzip-compressed or not)')]);
      });
      return { dir: scratch, scratch, cleanup };
    }
    const checkout = path.join(scratch, 'repo');
    const shownUrl = withoutCredentials(source.url);
    const dir = source.subfolder ? path.join(checkout, source.subfolder) : checkout;
    if (path.relative(checkout, dir).startsWith('..')) {
      throw new InputError([error('context-not-found', `the folder ${source.subfolder} of ${shownUrl} leads outside the repository`, undefined, 'name a folder inside the repository after `:` in `#branch:subfolder`')]);
    }
    await cloneRepository({ ...source, into: checkout, runProgram });
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      throw new InputError([error('context-not-found', `the repository ${shownUrl} has no folder ${source.subfolder}`, undefined, 'check the part after `:` in `#branch:subfolder`')]);
    }
    return { dir, scratch, cleanup };
  } catch (caught) {
    await cleanup();
    throw caught;
  }
}

// A branch or tag clones shallow; a commit needs the history to check it out.
async function cloneRepository(input: { url: string; ref?: string; into: string; runProgram: RunProgram }): Promise<void> {
  const { url, ref, into, runProgram } = input;
  const fail = (caught: unknown) => {
    throw new InputError([
      error('context-unreadable', `cannot clone ${withoutCredentials(url)}${ref ? ` at ${ref}` : ''}: ${(caught as Error).message}`, undefined, "check the URL and the branch, and that this machine's git can reach it"),
    ]);
  };
  if (ref === undefined) return runProgram('git', ['clone', '--quiet', '--depth', '1', '--', url, into]).catch(fail);
  const shallow = await runProgram('git', ['clone', '--quiet', '--depth', '1', '--branch', ref, '--', url, into]).then(
    () => true,
    () => false,
  );
  if (shallow) return;
  await rm(into, { recursive: true, force: true });
  await mkdir(into, { recursive: true });
  await runProgram('git', ['clone', '--quiet', '--', url, into]).catch(fail);
  await runProgram('git', ['-C', into, 'checkout', '--quiet', ref]).catch(fail);
}
