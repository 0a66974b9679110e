// Record stage: the end-of-run summary for CI, as one JSON document (`--output json`)
// or as Markdown (`--summary FILE`, e.g. $GITHUB_STEP_SUMMARY). Both read a RunRecord.

import type { RunStatus, StepStatus } from '../run/events.js';
import type { StepKind } from '../task/types.js';
import { formatDuration } from './duration.js';
import type { ImageRecord, ManifestRecord, RunRecord } from './record.js';

export const SUMMARY_FORMAT_VERSION = 1;

/** What `--output json` prints; README documents every field. */
export interface RunSummary {
  readonly formatVersion: number;
  readonly runId: string;
  readonly status: RunStatus;
  readonly taskFile: string;
  readonly taskSha256: string;
  readonly engine: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly steps: readonly StepSummary[];
  readonly images: { readonly built: readonly ImageRecord[]; readonly pushed: readonly ImageRecord[] };
  readonly manifests: readonly ManifestRecord[];
  readonly warnings: readonly string[];
}

export interface StepSummary {
  readonly id: string;
  readonly kind: StepKind | null;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly exitCode: number | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly ignoredError: boolean;
}

// Every field is always present (null when unknown), so CI scripts need no existence checks.
export function summarizeRun(record: RunRecord): RunSummary {
  return {
    formatVersion: SUMMARY_FORMAT_VERSION,
    runId: record.id,
    status: record.status,
    // As given on the command line, as CI scripts name it.
    taskFile: record.task.argument ?? record.task.file,
    taskSha256: record.task.sha256,
    engine: record.engine,
    startedAt: record.startedAt,
    endedAt: record.endedAt ?? null,
    durationMs: record.durationMs ?? null,
    error: record.error ?? null,
    steps: record.steps.map((step) => ({
      id: step.id,
      kind: step.kind ?? null,
      status: step.status,
      attempts: step.attempts,
      exitCode: step.exitCode ?? null,
      durationMs: step.durationMs ?? null,
      error: step.error ?? null,
      ignoredError: step.ignoredError ?? false,
    })),
    images: { built: record.images.built, pushed: record.images.pushed },
    manifests: record.manifests,
    warnings: record.warnings,
  };
}

export function formatSummaryJson(record: RunRecord): string {
  return `${JSON.stringify(summarizeRun(record), null, 2)}\n`;
}

const STATUS_MARKS: { readonly [S in RunStatus | StepStatus]: string } = {
  queued: '⏸️',
  running: '⏳',
  succeeded: '✅',
  failed: '❌',
  skipped: '⏭️',
  cancelled: '🚫',
  interrupted: '⚠️',
};

export function formatSummaryMarkdown(record: RunRecord): string {
  const summary = summarizeRun(record);
  const duration = summary.durationMs === null ? '' : ` in ${formatDuration(summary.durationMs)}`;
  const out = [
    `### ${STATUS_MARKS[summary.status]} taskrun run \`${summary.runId}\` ${summary.status}${duration}`,
    '',
    `Task \`${escapeCode(summary.taskFile)}\` on ${summary.engine}, started ${summary.startedAt}.`,
  ];
  if (summary.error !== null) out.push('', `**Error:** ${escapeCell(summary.error)}`);
  out.push('', '| Step | Kind | Status | Attempts | Exit code | Duration | Error |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const step of summary.steps) {
    const error = step.error === null ? '' : escapeCell(step.error) + (step.ignoredError ? ' (ignored)' : '');
    out.push(
      `| \`${escapeCode(step.id)}\` | ${step.kind ?? ''} | ${STATUS_MARKS[step.status]} ${step.status} | ${step.attempts} | ${step.exitCode ?? ''} | ${step.durationMs === null ? '' : formatDuration(step.durationMs)} | ${error} |`,
    );
  }
  const pushed = [...summary.images.pushed, ...summary.manifests];
  if (pushed.length > 0) {
    out.push('', '**Pushed**', '');
    for (const image of summary.images.pushed) out.push(`- \`${escapeCode(image.reference)}\`${image.digest ? ` \`${image.digest}\`` : ''}`);
    for (const list of summary.manifests) {
      out.push(`- \`${escapeCode(list.reference)}\`${list.digest ? ` \`${list.digest}\`` : ''} (manifest list)`);
    }
  }
  if (summary.warnings.length > 0) {
    out.push('', '**Warnings**', '');
    for (const warning of summary.warnings) out.push(`- ${escapeCell(warning)}`);
  }
  return `${out.join('\n')}\n`;
}

// Table cells and list items: one line, no column breaks, no accidental HTML.
function escapeCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|');
}
