// Load stage (v1.1.0 files): separates the top-level `alias:` block from the rest of the
// task text, line by line as acb does (acb-spec §3.2).

import { deriveText, MarkedTextBuilder } from '../source-text.js';
import type { SourceText } from '../source-text.js';

// Go regexp `\s` is ASCII [\t\n\f\r ] only.
const aliasStart = /^alias[\t\n\f\r ]*:/;
const commentLine = /^[\t\n\f\r ]*#/;

/** A top-level `key:` line: first character neither blank nor `:`, and a `:` after it. */
function isTopLevelKeyLine(line: string): boolean {
  const first = line[0];
  return first !== undefined && !'\t\n\f\r :'.includes(first) && line.indexOf(':', 1) > 0;
}

// Both outputs end every line with `\n` (as acb's buffers do); comment lines go to neither.
// A second `alias:` line while inside the block ends it, like any top-level key.
export function splitAliasBlock(source: SourceText): { aliasBlock: SourceText; task: SourceText } {
  const alias = { text: new MarkedTextBuilder(), from: [] as number[] };
  const task = { text: new MarkedTextBuilder(), from: [] as number[] };
  const lines = source.text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let isInside = false;
  let start = 0;
  lines.forEach((raw, index) => {
    const lineStart = start;
    start += raw.length + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (commentLine.test(line)) return;
    if (aliasStart.test(line) && !isInside) isInside = true;
    else if (isInside && isTopLevelKeyLine(line)) isInside = false;
    const target = isInside ? alias : task;
    target.text.appendSlice(source, lineStart, lineStart + line.length);
    target.text.append('\n', false);
    target.from.push(index + 1);
  });
  const lastLine = source.origins.length;
  const build = (part: { text: MarkedTextBuilder; from: number[] }) =>
    deriveText(
      source,
      part.text.text,
      [...part.from, Math.min(lastLine, (part.from[part.from.length - 1] ?? lastLine) + 1)],
      part.text.spans,
    );
  return { aliasBlock: build(alias), task: build(task) };
}
