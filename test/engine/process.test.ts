import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../../src/engine/process.js';

const fakeEngine = fileURLToPath(new URL('./fixtures/fake-engine', import.meta.url));

describe('runProcess', () => {
  it('streams every line with its stream and keeps a tail', async () => {
    const lines: string[] = [];
    const result = await runProcess({ file: fakeEngine, args: ['run'], onLine: (line, stream) => lines.push(`${stream}:${line}`) });
    expect(lines.sort()).toEqual(['stderr:err line 1', 'stdout:out line 1', 'stdout:out line 2']);
    expect(result.exitCode).toBe(0);
    expect(result.failed).toBe(false);
    expect(result.outputTail.split('\n').sort()).toEqual(['err line 1', 'out line 1', 'out line 2']);
  });

  it('returns a failure as a value', async () => {
    const result = await runProcess({ file: fakeEngine, args: ['run'], env: { FAKE_RUN_EXIT: '3' } });
    expect(result).toMatchObject({ exitCode: 3, failed: true, timedOut: false, isCanceled: false });
  });

  it('passes arguments as they are, without a shell', async () => {
    const lines: string[] = [];
    await runProcess({ file: 'printf', args: ['%s\\n', '$HOME', 'a b', '`id`'], onLine: (line) => lines.push(line) });
    expect(lines).toEqual(['$HOME', 'a b', '`id`']);
  });

  it('stops the process when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const result = await runProcess({ file: fakeEngine, args: ['run'], env: { FAKE_RUN_SLEEP: '10' }, signal: controller.signal, forceKillAfterMs: 500 });
    expect(result.isCanceled).toBe(true);
    expect(result.failed).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a binary that does not exist', async () => {
    const result = await runProcess({ file: 'taskrun-no-such-engine', args: ['run'] });
    expect(result.exitCode).toBeUndefined();
    expect(result.spawnError).toContain('ENOENT');
  });
});
