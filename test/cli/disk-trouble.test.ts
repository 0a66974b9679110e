import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { watchDiskTrouble } from '../../src/cli/disk-trouble.js';
import type { RunEvent } from '../../src/run/events.js';

const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
const runEnd: RunEvent = { type: 'run-end', runId: 'tr1', status: 'cancelled', time: 0, durationMs: 5, error: 'cancelled' };

function watch() {
  const said: string[] = [];
  let stops = 0;
  const trouble = watchDiskTrouble({ home: '/h', runId: 'tr1', say: (text) => said.push(text), stopRun: () => stops++ });
  return { trouble, said, stops: () => stops };
}

describe('watchDiskTrouble', () => {
  it('before the run: a failed record write is an input error naming the run folder, and stops nothing', () => {
    const { trouble, said, stops } = watch();
    trouble.recordFailed(enospc);
    const thrown = trouble.beforeRun(enospc);
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).diagnostics[0]).toMatchObject({ message: 'cannot write to /h/runs/tr1: the disk is full (ENOSPC)', hint: expect.stringContaining('free space in /h ') });
    expect([said, stops()]).toEqual([[], 0]);
  });

  it('during the run: the first failed record write stops the run once; the run ends failed with the reason', () => {
    const { trouble, said, stops } = watch();
    trouble.runStarted();
    trouble.recordFailed(enospc);
    trouble.recordFailed(enospc);
    expect(stops()).toBe(1);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('cannot write the run record in /h/runs/tr1: the disk is full (ENOSPC): stopping run tr1');
    expect(trouble.adjust(runEnd)).toMatchObject({ status: 'failed', error: 'cannot write the run record in /h/runs/tr1: the disk is full (ENOSPC)' });
    expect(trouble.adjustOutcome({ status: 'cancelled', error: 'cancelled' }).status).toBe('failed');
    expect(trouble.hasStoppedRun()).toBe(true);
  });

  it('a failed log write only warns once and returns the note for the record', () => {
    const { trouble, said, stops } = watch();
    trouble.runStarted();
    const note = trouble.logFailed(enospc);
    trouble.logFailed(enospc);
    expect(note).toMatch(/^log\.ndjson ends early: the disk is full \(ENOSPC\) at \d{4}-/);
    expect(said).toHaveLength(1);
    expect(stops()).toBe(0);
    expect(trouble.adjust(runEnd)).toBe(runEnd);
    expect(trouble.hasStoppedRun()).toBe(false);
  });
});
