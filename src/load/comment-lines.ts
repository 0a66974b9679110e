// Load stage: deletes comment lines before anything else reads the text (acb-spec §2.5).

import { deriveText, MarkedTextBuilder } from '../source-text.js';
import type { SourceText } from '../source-text.js';
import { trimGoSpace } from './go-text.js';

// Like acb, every line whose first non-blank character is `#` goes, even inside a block
// scalar; a `# …` after content stays (YAML drops it later).
export function stripCommentLines(source: SourceText): SourceText {
  const kept = new MarkedTextBuilder();
  const fromLines: number[] = [];
  let start = 0;
  source.text.split('\n').forEach((line, index) => {
    const lineStart = start;
    start += line.length + 1;
    if (trimGoSpace(line).startsWith('#')) return;
    if (fromLines.length > 0) kept.append('\n', false);
    kept.appendSlice(source, lineStart, lineStart + line.length);
    fromLines.push(index + 1);
  });
  if (fromLines.length === 0) return deriveText(source, '', [source.origins.length], []);
  return deriveText(source, kept.text, fromLines, kept.spans);
}
