// Test support: the lab registry (127.0.0.1:5000), and extra docker-registry processes
// this suite starts itself on free loopback ports (htpasswd Basic auth, token auth).

import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const LAB_REGISTRY = '127.0.0.1:5000';

/** The lab registry must answer: a test that needs it fails (never skips) when it does not. */
export async function requireLabRegistry(): Promise<string> {
  try {
    const response = await fetch(`http://${LAB_REGISTRY}/v2/`);
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  } catch (caught) {
    throw new Error(`the lab registry does not answer on http://${LAB_REGISTRY}/v2/ (${(caught as Error).message}): run \`npm run lab\``);
  }
  return LAB_REGISTRY;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RegistryProcess {
  readonly host: string;
  readonly folder: string;
  stop(): Promise<void>;
}

/** Starts `docker-registry serve` with the given `auth:` section (YAML lines, indented by 2). */
export async function startRegistry(options: { authYaml?: string; folder?: string }): Promise<RegistryProcess> {
  const folder = options.folder ?? (await mkdtemp(join(tmpdir(), 'taskrun-registry-')));
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(folder, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(options.authYaml ? ['auth:', options.authYaml] : []),
  ].join('\n');
  const configPath = join(folder, 'config.yml');
  await writeFile(configPath, `${config}\n`);
  const child: ResultPromise = execa('docker-registry', ['serve', configPath], { reject: false, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://${host}/v2/`);
      break;
    } catch {
      if (i > 100 || child.exitCode !== null) {
        child.kill();
        throw new Error(`docker-registry did not start on ${host}: ${stderr}`);
      }
      await sleep(50);
    }
  }
  return {
    host,
    folder,
    async stop() {
      child.kill('SIGTERM');
      await child;
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** An htpasswd line with a bcrypt hash, made by perl's crypt() (libxcrypt; perl-base is always on Debian). */
export async function htpasswdLine(user: string, password: string): Promise<string> {
  const salt = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256)))
    .toString('base64')
    .replace(/[+=]/g, '.')
    .slice(0, 21);
  const { stdout } = await execa('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}.`]);
  if (!stdout.startsWith('$2b$05$')) throw new Error(`perl crypt() gave no bcrypt hash: ${stdout}`);
  return `${user}:${stdout}`;
}
