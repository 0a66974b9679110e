// Load stage: finds the task's `version:` textually, before templating, to decide whether
// alias preprocessing runs (acb-spec §3.1).

import { scanGoLines, trimGoSpace } from './go-text.js';

const aliasMinimumVersion = 'v1.1.0';

// acb reads the version from the raw text, so `version: {{.Values.v}}` still counts:
// the first column-0 `version:` line wins, quotes around key and value are ignored.
export function sniffVersion(text: string): string {
  for (const line of scanGoLines(text)) {
    const trimmed = trimGoSpace(line);
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (!trimQuotes(line, 'start').startsWith('version')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (trimQuotes(trimGoSpace(line.slice(0, colon)), 'both') !== 'version') continue;
    return trimQuotes(trimGoSpace(line.slice(colon + 1)), 'both');
  }
  return '';
}

// A plain string comparison, exactly as acb: `V1.1.0` does not enable aliases, `{{…}}` does.
export function isAliasVersion(version: string): boolean {
  return compareBytes(version, aliasMinimumVersion) >= 0;
}

function trimQuotes(text: string, side: 'start' | 'both'): string {
  const start = text.search(/[^'"]|$/);
  const rest = text.slice(start);
  return side === 'start' ? rest : rest.replace(/['"]+$/, '');
}

/** Go's string comparison: byte-wise over UTF-8. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
