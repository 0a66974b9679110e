// Load stage: deletes comment lines before anything else reads the text (acb-spec §2.5).

import { deriveText } from '../source-text.js';
import type { SourceText } from '../source-text.js';
import { trimGoSpace } from './go-text.js';

// Like acb, every line whose first non-blank character is `#` goes, even inside a block
// scalar; a `# …` after content stays (YAML drops it later).
export function stripCommentLines(source: SourceText): SourceText {
  const kept: string[] = [];
  const fromLines: number[] = [];
  source.text.split('\n').forEach((line, index) => {
    if (trimGoSpace(line).startsWith('#')) return;
    kept.push(line);
    fromLines.push(index + 1);
  });
  if (kept.length === 0) return deriveText(source, '', [source.origins.length]);
  return deriveText(source, kept.join('\n'), fromLines);
}
