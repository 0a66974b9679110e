// CLI view: the table of steps and the images a run built and pushed, printed when it ends.

import type { StepStatus } from '../../run/events.js';
import type { RunOutcome } from '../../run/execute-run.js';

function formatSeconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}

function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

export function formatSummary(outcome: RunOutcome): string {
  const statusOf = (status: StepStatus, ignored?: boolean) => (ignored ? `${status} (ignored)` : status);
  const lines = formatTable([
    ['STEP', 'STATUS', 'DURATION', 'ATTEMPTS', 'EXIT'],
    ...outcome.steps.map((step) => [
      step.id,
      statusOf(step.status, step.ignoredError),
      step.status === 'skipped' ? '-' : formatSeconds(step.durationMs),
      String(step.attempts),
      step.exitCode === undefined ? '-' : String(step.exitCode),
    ]),
  ]);
  const listImages = (title: string, images: RunOutcome['imagesBuilt']) => {
    if (images.length === 0) return;
    lines.push('', title);
    for (const image of images) lines.push(`  ${image.reference}${image.digest ? `@${image.digest}` : ''}`);
  };
  listImages('Images built:', outcome.imagesBuilt);
  listImages('Images pushed:', outcome.imagesPushed);
  listImages('Manifest lists pushed:', outcome.manifestsPushed);
  lines.push('', `Run ${outcome.status} in ${formatSeconds(outcome.durationMs)}${outcome.error ? `: ${outcome.error}` : ''}`);
  return lines.join('\n');
}
