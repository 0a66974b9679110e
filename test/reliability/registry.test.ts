// The in-process `docker manifest` client behind a faulty registry: passing faults are
// survived with the same answer as without them; permanent ones end in a clear error (exit 1),
// never a hang, a wrong answer taken as right, or "internal error".

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { runCli } from '../helpers/cli.js';
import { requireLab } from '../helpers/lab.js';
import { createTally, removeTempDirs, tempDir } from './helpers.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../registry/helpers/fault-proxy.js';

const tally = createTally('registry');
let lab: LabEnv;
let proxy: FaultProxy;
let baseline: string;

const inspect = (host: string) => runCli(['manifest', 'inspect', '--insecure', `${host}/busybox:latest`], { env: { ...process.env, TASKRUN_HOME: tempDir('home') }, timeoutMs: 90_000 });

beforeAll(async () => {
  lab = await requireLab();
  proxy = await startFaultProxy(lab.registry.replace(/^localhost/, '127.0.0.1'));
  proxy.setPolicy(() => 'pass');
  const clean = await inspect(proxy.host);
  expect(clean.exitCode, clean.stderr).toBe(0);
  baseline = clean.stdout;
});
afterAll(async () => {
  await proxy?.stop();
  removeTempDirs();
  tally.report();
});

const PASSING: readonly Fault[] = ['http-500', 'reset', 'truncated-body', 'slow'];
const PERMANENT: readonly Fault[] = ['http-500', 'reset', 'truncated-body', 'wrong-digest'];

describe('the docker manifest client', () => {
  it.each(PASSING)('survives a passing %s with the same answer', { timeout: 120_000 }, async (fault) => {
    proxy.setPolicy((n) => (n === 1 ? fault : 'pass'));
    const result = await inspect(proxy.host);
    expect(tally.record(`passing ${fault}`, result.exitCode === 0 && result.stdout === baseline), result.stderr).toBe(true);
  });

  it.each(PERMANENT)('fails clearly on a permanent %s', { timeout: 120_000 }, async (fault) => {
    proxy.setPolicy(() => fault);
    const started = Date.now();
    const result = await inspect(proxy.host);
    const held = result.exitCode === 1 && result.stdout === '' && result.stderr.includes(proxy.host) && !result.stderr.includes('internal error') && Date.now() - started < 90_000;
    expect(tally.record(`permanent ${fault}`, held), `${result.exitCode}\n${result.stdout}\n${result.stderr}`).toBe(true);
  });

  it('answers a 401 Bearer challenge with a token and gets the same answer', { timeout: 60_000 }, async () => {
    proxy.setPolicy(() => 'bearer');
    const result = await inspect(proxy.host);
    expect(tally.record('401 + Bearer', result.exitCode === 0 && result.stdout === baseline), result.stderr).toBe(true);
  });
});
