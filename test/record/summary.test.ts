import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/record/duration.js';
import type { RunRecord } from '../../src/record/record.js';
import { formatSummaryJson, formatSummaryMarkdown } from '../../src/record/summary.js';

const RECORD: RunRecord = {
  formatVersion: 1,
  id: 'tr7',
  status: 'failed',
  task: { file: 'acr-task.yaml', sha256: 'ab'.repeat(32), rendered: 'steps: []\n' },
  arguments: ['run'],
  engine: 'podman',
  startedAt: '2026-03-04T05:06:07.000Z',
  endedAt: '2026-03-04T05:07:12.000Z',
  durationMs: 65_000,
  updatedAt: '2026-03-04T05:07:12.000Z',
  process: { pid: 10, hostname: 'ci' },
  steps: [
    { id: 'build', kind: 'build', status: 'succeeded', attempts: 1, durationMs: 60_000, exitCode: 0 },
    { id: 'lint', kind: 'cmd', status: 'failed', attempts: 2, durationMs: 800, exitCode: 2, error: 'exited with code 2 | see log', ignoredError: true },
    { id: 'test', kind: 'cmd', status: 'failed', attempts: 1, durationMs: 4200, exitCode: 1, error: 'exited with code 1' },
    { id: 'push', status: 'skipped', attempts: 0 },
  ],
  images: {
    built: [{ stepId: 'build', reference: 'localhost:5000/app:tr7' }],
    pushed: [{ stepId: 'push', reference: 'localhost:5000/app:tr7', digest: 'sha256:0123' }],
  },
  manifests: [{ stepId: 'm', reference: 'localhost:5000/app:multi', digest: 'sha256:4567', mediaType: 'application/vnd.oci.image.index.v1+json' }],
  warnings: ['lint: <b>odd</b>'],
  error: "step 'test' failed",
};

describe('formatSummaryJson', () => {
  it('prints one JSON document with every documented field, null when unknown', () => {
    expect(JSON.parse(formatSummaryJson(RECORD))).toEqual({
      formatVersion: 1,
      runId: 'tr7',
      status: 'failed',
      taskFile: 'acr-task.yaml',
      taskSha256: 'ab'.repeat(32),
      engine: 'podman',
      startedAt: '2026-03-04T05:06:07.000Z',
      endedAt: '2026-03-04T05:07:12.000Z',
      durationMs: 65_000,
      error: "step 'test' failed",
      steps: [
        { id: 'build', kind: 'build', status: 'succeeded', attempts: 1, exitCode: 0, durationMs: 60_000, error: null, ignoredError: false },
        { id: 'lint', kind: 'cmd', status: 'failed', attempts: 2, exitCode: 2, durationMs: 800, error: 'exited with code 2 | see log', ignoredError: true },
        { id: 'test', kind: 'cmd', status: 'failed', attempts: 1, exitCode: 1, durationMs: 4200, error: 'exited with code 1', ignoredError: false },
        { id: 'push', kind: null, status: 'skipped', attempts: 0, exitCode: null, durationMs: null, error: null, ignoredError: false },
      ],
      images: RECORD.images,
      manifests: RECORD.manifests,
      warnings: ['lint: <b>odd</b>'],
    });
  });

  it('ends with a newline and nothing else after the document', () => {
    expect(formatSummaryJson(RECORD).endsWith('}\n')).toBe(true);
  });
});

describe('formatSummaryMarkdown', () => {
  it('writes a heading, a step table, pushed images and warnings', () => {
    expect(formatSummaryMarkdown(RECORD)).toBe(
      [
        '### ❌ taskrun run `tr7` failed in 1 m 05 s',
        '',
        'Task `acr-task.yaml` on podman, started 2026-03-04T05:06:07.000Z.',
        '',
        "**Error:** step 'test' failed",
        '',
        '| Step | Kind | Status | Attempts | Exit code | Duration | Error |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| `build` | build | ✅ succeeded | 1 | 0 | 1 m 00 s |  |',
        '| `lint` | cmd | ❌ failed | 2 | 2 | 800 ms | exited with code 2 \\| see log (ignored) |',
        '| `test` | cmd | ❌ failed | 1 | 1 | 4.2 s | exited with code 1 |',
        '| `push` |  | ⏭️ skipped | 0 |  |  |  |',
        '',
        '**Pushed**',
        '',
        '- `localhost:5000/app:tr7` `sha256:0123`',
        '- `localhost:5000/app:multi` `sha256:4567` (manifest list)',
        '',
        '**Warnings**',
        '',
        '- lint: &lt;b>odd&lt;/b>',
        '',
      ].join('\n'),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [59_949, '59.9 s'],
    [59_950, '1 m 00 s'],
    [3_723_000, '1 h 02 m 03 s'],
  ])('%d ms → %s', (durationMs, text) => {
    expect(formatDuration(durationMs)).toBe(text);
  });
});
