// Stage 5, execute: `.dockerignore` with Docker's rules (moby's patternmatcher): one pattern a
// line, `#` comments, `!` re-includes, `*` and `?` within one path segment, `**` across segments,
// a pattern matching a folder excludes everything in it, the last matching pattern wins.

export interface IgnorePattern {
  /** The cleaned pattern, `/`-separated, without a leading `/` or `!`. */
  readonly text: string;
  /** A `!` line: a match re-includes. */
  readonly exclusion: boolean;
  readonly regex: RegExp;
}

/** The patterns of a `.dockerignore` file, in order. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    if (rawLine.startsWith('#')) continue;
    let line = rawLine.trim();
    if (line === '') continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    if (line === '') continue;
    let cleaned = cleanPath(line);
    if (cleaned.length > 1 && cleaned.startsWith('/')) cleaned = cleaned.slice(1);
    patterns.push({ text: cleaned, exclusion, regex: compilePattern(cleaned) });
  }
  return patterns;
}

/** Go's path.Clean: collapses `//`, `.` and `..` segments. */
function cleanPath(value: string): string {
  const isAbsolute = value.startsWith('/');
  const parts: string[] = [];
  for (const part of value.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop();
      else if (!isAbsolute) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  if (isAbsolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

const REGEX_SPECIAL = new Set(['.', '$', '+', '(', ')', '{', '}', '|', '^']);

function compilePattern(pattern: string): RegExp {
  let source = '^';
  for (let at = 0; at < pattern.length; at++) {
    const ch = pattern[at]!;
    if (ch === '*') {
      if (pattern[at + 1] === '*') {
        at++;
        if (pattern[at + 1] === '/') at++;
        source += at + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '\\') {
      const next = pattern[at + 1];
      if (next === undefined) source += '\\\\';
      else {
        source += escapeRegex(next);
        at++;
      }
    } else if (REGEX_SPECIAL.has(ch)) {
      source += `\\${ch}`;
    } else {
      source += ch;
    }
  }
  try {
    return new RegExp(`${source}$`, 'u');
  } catch {
    // An unbalanced `[` and the like: Docker refuses the pattern; matching it literally keeps the copy going.
    return new RegExp(`^${escapeRegex(pattern)}$`, 'u');
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** True when Docker leaves the file (a `/`-separated path relative to the context) out. */
export function isIgnored(patterns: readonly IgnorePattern[], file: string): boolean {
  const segments = file.split('/');
  const parents = segments.slice(0, -1).map((_, index) => segments.slice(0, index + 1).join('/'));
  let matched = false;
  for (const pattern of patterns) {
    // An include only matters for a file not yet excluded, an exclusion only for one that is.
    if (pattern.exclusion !== matched) continue;
    const match = pattern.regex.test(file) || parents.some((parent) => pattern.regex.test(parent));
    if (match) matched = !pattern.exclusion;
  }
  return matched;
}

/**
 * Whether a left-out folder must still be walked: some `!` pattern may re-include something in it
 * (Docker's archive walk descends only when a `!` pattern starts with the folder's path).
 */
export function mayReincludeWithin(patterns: readonly IgnorePattern[], dir: string): boolean {
  const prefix = `${dir}/`;
  return patterns.some((pattern) => pattern.exclusion && `${pattern.text}/`.startsWith(prefix));
}
