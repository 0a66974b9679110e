// CLI: the table `taskrun runs` prints, at most 120 columns wide: run IDs whole (they are what
// `runs show` and `logs` take), the task by a short distinct path, the images as the first one
// and how many more (`runs show` lists them all).

import { formatColumns, truncateMiddle, truncateStart } from './cells.js';

export const RUNS_TABLE_WIDTH = 120;
const GAP = 2;
const TASK_MAX = 36;
const TASK_MIN = 16;
const IMAGES_MIN = 16;
const HEADERS = ['ID', 'STATUS', 'TASK', 'STARTED', 'DURATION', 'IMAGES'] as const;

export interface RunsTableRow {
  readonly id: string;
  readonly status: string;
  readonly task: string;
  readonly started: string;
  readonly duration: string;
  /** The run's output images, the most telling first. */
  readonly images: readonly string[];
}

export function formatRunsTable(rows: readonly RunsTableRow[], width = RUNS_TABLE_WIDTH): string {
  const widest = (cells: readonly string[], header: string) => Math.max(header.length, ...cells.map((cell) => cell.length));
  const fixed = widest(rows.map((row) => row.id), 'ID') + widest(rows.map((row) => row.status), 'STATUS') + widest(rows.map((row) => row.started), 'STARTED') + widest(rows.map((row) => row.duration), 'DURATION');
  // What the task and images columns share, the gaps between all columns taken off.
  const room = width - fixed - GAP * (HEADERS.length - 1);
  const imagesWanted = widest(rows.map((row) => imagesCell(row.images, Number.MAX_SAFE_INTEGER)), 'IMAGES');
  // The task gets up to TASK_MAX, less when the images would otherwise drop below IMAGES_MIN.
  const taskCap = Math.max(TASK_MIN, Math.min(TASK_MAX, room - Math.min(imagesWanted, IMAGES_MIN)));
  const taskWidth = Math.min(widest(rows.map((row) => row.task), 'TASK'), taskCap);
  const imagesWidth = Math.max(IMAGES_MIN, room - taskWidth);
  return formatColumns([
    [...HEADERS],
    ...rows.map((row) => [row.id, row.status, truncateStart(row.task, taskWidth), row.started, row.duration, imagesCell(row.images, imagesWidth)]),
  ]);
}

/** `first +N` within `width`, the first image cut in the middle if it must be. */
export function imagesCell(images: readonly string[], width: number): string {
  const [first] = images;
  if (first === undefined) return '';
  const more = images.length > 1 ? ` +${images.length - 1}` : '';
  return `${truncateMiddle(first, Math.max(1, width - more.length))}${more}`;
}
