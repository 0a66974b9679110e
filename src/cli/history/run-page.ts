// CLI: `taskrun runs show ID` as a page to read: the run, its steps (status, duration, attempts,
// exit code, error), the command line of each step, the images with their digests, warnings.

import { formatDuration } from '../../record/duration.js';
import type { ImageRecord, ManifestRecord, RunRecord } from '../../record/record.js';
import { shellQuote } from '../../template/template-data.js';
import { formatColumns } from './cells.js';

export interface RunPageInput {
  readonly record: RunRecord;
  /** The run's duration (for an interrupted run, up to its last sign of life). */
  readonly durationMs: number;
}

/** `2026-03-04T05:06:07.890Z` → `2026-03-04 05:06:07Z`. */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatRunPage({ record, durationMs }: RunPageInput): string {
  const out: string[] = [];
  const fields: [string, string][] = [
    ['Run', `${record.id}  ${record.status}`],
    ['Task', record.task.file],
    ...(record.task.argument !== undefined && record.task.argument !== record.task.file ? ([['', `(given as ${record.task.argument})`]] as [string, string][]) : []),
    ['Task sha256', record.task.sha256],
    ['Engine', record.engine],
    ['Started', formatTime(record.startedAt)],
    ...(record.endedAt ? ([['Ended', formatTime(record.endedAt)]] as [string, string][]) : []),
    ['Duration', record.status === 'interrupted' ? `${formatDuration(durationMs)} (up to its last event; the process died)` : formatDuration(durationMs)],
    ['Process', `${record.process.pid} on ${record.process.hostname}`],
    ['Command', ['taskrun', ...record.arguments].map(shellQuote).join(' ')],
    ...(record.error ? ([['Error', record.error]] as [string, string][]) : []),
  ];
  const width = Math.max(...fields.map(([name]) => name.length)) + 3;
  for (const [name, value] of fields) out.push(`${(name ? `${name}:` : '').padEnd(width)}${value}\n`);

  if (record.steps.length > 0) {
    const rows = record.steps.map((step) => [
      step.id,
      step.kind ?? '',
      step.status + (step.ignoredError ? ' (ignored)' : ''),
      step.durationMs === undefined ? '-' : formatDuration(step.durationMs),
      String(step.attempts),
      step.exitCode === undefined ? '-' : String(step.exitCode),
    ]);
    section(out, 'Steps', formatColumns([['STEP', 'KIND', 'STATUS', 'DURATION', 'ATTEMPTS', 'EXIT'], ...rows]));
    const errors = record.steps.filter((step) => step.error !== undefined);
    if (errors.length > 0) section(out, 'Step errors', errors.map((step) => `${step.id}: ${step.error}\n`).join(''));
    const commands = record.steps.filter((step) => step.command !== undefined && step.command.length > 0);
    if (commands.length > 0) section(out, 'Commands', commands.map((step) => `${step.id}: ${step.command!.map(shellQuote).join(' ')}\n`).join(''));
  }
  const lists: [string, readonly string[]][] = [
    ['Images built', record.images.built.map(formatImage)],
    ['Images pushed', record.images.pushed.map(formatImage)],
    ['Manifest lists pushed', record.manifests.map(formatManifest)],
    ['Warnings', record.warnings],
    ['Incomplete', record.incomplete ?? []],
  ];
  for (const [title, lines] of lists) if (lines.length > 0) section(out, title, lines.map((line) => `${line}\n`).join(''));
  out.push(`\nLogs: taskrun logs ${record.id}\n`);
  return out.join('');
}

function section(out: string[], title: string, body: string): void {
  out.push(`\n${title}:\n`, ...body.split(/(?<=\n)/).map((line) => `  ${line}`));
}

function formatImage(image: ImageRecord): string {
  return [image.reference, image.digest, `(step ${image.stepId})`].filter(Boolean).join('  ');
}

function formatManifest(list: ManifestRecord): string {
  return [list.reference, list.digest, list.mediaType, `(step ${list.stepId})`].filter(Boolean).join('  ');
}
