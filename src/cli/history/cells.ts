// CLI: fitting text into table cells of a given width, marking what was cut with `…`.

const ELLIPSIS = '…';

/** Keeps the end (`…/ci/acr-task.yaml`): the end of a path says the most. */
export function truncateStart(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? ELLIPSIS.slice(0, width) : `${ELLIPSIS}${text.slice(text.length - (width - 1))}`;
}

/** Keeps both ends (`localhost:5000/sa…myimage:latest`): the registry and the tag. */
export function truncateMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return ELLIPSIS.slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${text.slice(0, head)}${ELLIPSIS}${tail > 0 ? text.slice(text.length - tail) : ''}`;
}

/** Rows as columns padded to their widest cell, two spaces apart, no trailing blanks. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => `${row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  ').trimEnd()}\n`).join('');
}
