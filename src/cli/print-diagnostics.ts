// CLI: prints diagnostics the way compilers do — `file:line:col: severity: message`, the
// source line, a caret, a hint — to stderr. Three or more findings of one kind (same code,
// severity and hint) are printed as one group: a headline naming them all, then one line
// per place, then the hint once.

import { readFileSync } from 'node:fs';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { splitLines } from '../source-text.js';
import { plural } from './plural.js';

/** Fewer findings of one kind than this are printed one by one, each with its source line. */
export const GROUP_MIN = 3;
/** Subjects named in a group's headline before `and N more`. */
const HEADLINE_SUBJECTS = 6;

interface GroupWording {
  /** What one finding is about (`.Values.one`), taken from its message. */
  readonly subjectOf: (d: Diagnostic) => string;
  readonly headline: (input: { subjects: number; places: number }) => string;
}

const firstCodeSpan = (d: Diagnostic) => /`[^`]+`/.exec(d.message)?.[0] ?? d.message;

const WORDING: Readonly<Record<string, GroupWording>> = {
  'missing-value': {
    subjectOf: firstCodeSpan,
    headline: ({ subjects, places }) =>
      subjects === 1 ? `a value is not set in ${places} places; it renders as an empty string` : `${subjects} values are not set; they render as empty strings`,
  },
};

function genericWording(d: Diagnostic): GroupWording {
  return { subjectOf: (member) => member.message, headline: ({ places }) => `${places} ${d.severity}s of one kind (${d.code})` };
}

type Block = { readonly kind: 'one'; readonly diagnostic: Diagnostic } | { readonly kind: 'group'; readonly members: readonly Diagnostic[] };

/** Sorted diagnostics, with each kind that occurs GROUP_MIN times or more gathered where it first occurs. */
export function groupDiagnostics(diagnostics: readonly Diagnostic[]): Block[] {
  const sorted = sortDiagnostics(diagnostics);
  const keyOf = (d: Diagnostic) => JSON.stringify([d.severity, d.code, d.hint ?? '']);
  const byKind = new Map<string, Diagnostic[]>();
  for (const d of sorted) byKind.set(keyOf(d), [...(byKind.get(keyOf(d)) ?? []), d]);
  const blocks: Block[] = [];
  const placed = new Set<string>();
  for (const d of sorted) {
    const members = byKind.get(keyOf(d)) ?? [d];
    if (members.length < GROUP_MIN) blocks.push({ kind: 'one', diagnostic: d });
    else if (!placed.has(keyOf(d))) {
      placed.add(keyOf(d));
      blocks.push({ kind: 'group', members });
    }
  }
  return blocks;
}

export function formatGroup(members: readonly Diagnostic[], readLines: (file: string) => readonly string[] | undefined = () => undefined): string {
  const first = members[0];
  if (!first) return '';
  const wording = WORDING[first.code] ?? genericWording(first);
  const subjects = [...new Set(members.map(wording.subjectOf))];
  const named = subjects.slice(0, HEADLINE_SUBJECTS).join(', ');
  const more = subjects.length > HEADLINE_SUBJECTS ? ` and ${subjects.length - HEADLINE_SUBJECTS} more` : '';
  const lines = [`${first.severity}: ${wording.headline({ subjects: subjects.length, places: members.length })}${WORDING[first.code] ? `: ${named}${more}` : ''}`];
  members.forEach((d, index) => {
    const at = d.location;
    // Each place keeps the `FILE:LINE:COL: severity:` form at the start of its line, which
    // editors and CI problem matchers read.
    lines.push(`${at ? `${at.file}:${at.line}:${at.col}: ` : '  '}${d.severity}: ${wording.subjectOf(d)}`);
    // The source line once, after the findings on it.
    const next = members[index + 1]?.location;
    if (at && (next?.file !== at.file || next.line !== at.line)) {
      const source = readLines(at.file)?.[at.line - 1];
      if (source !== undefined) lines.push(`    ${String(at.line).padStart(4)} | ${source.replace(/\t/g, ' ')}`);
    }
  });
  if (first.hint) lines.push(`  hint: ${first.hint}`);
  return lines.join('\n');
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], write: (text: string) => void): void {
  if (diagnostics.length === 0) return;
  const cache = new Map<string, readonly string[] | undefined>();
  const readLines = (file: string) => {
    // A task given on stdin (`-`) or by --cmd has no file to show lines from.
    if (!cache.has(file)) cache.set(file, file === '-' || file === '--cmd' ? undefined : readLinesOrUndefined(file));
    return cache.get(file);
  };
  const blocks = groupDiagnostics(diagnostics);
  write(blocks.map((block) => (block.kind === 'one' ? formatDiagnostic(block.diagnostic, readLines) : formatGroup(block.members, readLines))).join('\n') + '\n');
  const all = blocks.flatMap((block) => (block.kind === 'one' ? [block.diagnostic] : block.members));
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  write(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
}

function readLinesOrUndefined(file: string): readonly string[] | undefined {
  try {
    return splitLines(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

