// The invalid-file corpus (issue 2 point 9): every file under test/fixtures/invalid/ holds one
// mistake, states the diagnostics it must produce in `# expect:` lines and optional flags in an
// `# args:` line, and goes through the real pipeline (prepareTask).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { prepareTask } from '../../src/task/prepare.js';

const corpusDir = fileURLToPath(new URL('../fixtures/invalid/', import.meta.url));

interface CorpusFile {
  readonly name: string;
  readonly file: string;
  readonly expected: readonly string[];
  readonly set: readonly string[];
  readonly valuesFiles: readonly string[];
}

function readCorpus(): CorpusFile[] {
  return readdirSync(corpusDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const file = asTyped(path.join(corpusDir, name));
      const lines = readFileSync(file, 'utf8').split('\n');
      const expected = lines.filter((line) => line.startsWith('# expect: ')).map((line) => line.slice('# expect: '.length));
      const args = lines
        .filter((line) => line.startsWith('# args: '))
        .flatMap((line) => line.slice('# args: '.length).trim().split(/\s+/u));
      return { name, file, expected, ...readArgs(args) };
    });
}

function readArgs(args: readonly string[]): { set: string[]; valuesFiles: string[] } {
  const set: string[] = [];
  const valuesFiles: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const value = args[i + 1] ?? '';
    if (flag === '--set') set.push(value);
    else if (flag === '--values') valuesFiles.push(asTyped(path.join(corpusDir, value)));
    else throw new Error(`unknown flag in # args: ${String(flag)}`);
  }
  return { set, valuesFiles };
}

/** A path as a user in the repository's root folder types it (vitest runs there). */
function asTyped(file: string): string {
  return path.relative(process.cwd(), file);
}

/** `LINE:COL severity: message` for the task file itself, `other/file:LINE:COL …` for another file, `- …` without a place. */
function describeDiagnostic(d: Diagnostic, taskFile: string): string {
  const where = d.location
    ? d.location.file === taskFile
      ? `${d.location.line}:${d.location.col}`
      : `${path.relative(corpusDir, path.resolve(d.location.file))}:${d.location.line}:${d.location.col}`
    : '-';
  return `${where} ${d.severity}: ${d.message}`;
}

/** The errors reported, plus the warnings when the file lists any. */
async function reportedFor(entry: CorpusFile): Promise<string[]> {
  let diagnostics: readonly Diagnostic[];
  try {
    await prepareTask({
      file: entry.file,
      runId: 'r1',
      set: entry.set,
      valuesFiles: entry.valuesFiles,
      runVarFlags: { commit: 'c0ffee', branch: 'main' },
      now: new Date('2026-01-02T03:04:05Z'),
      env: {},
    });
    return ['(no InputError was thrown)'];
  } catch (caught) {
    if (!(caught instanceof InputError)) throw caught;
    diagnostics = caught.diagnostics;
  }
  const wantsWarnings = entry.expected.some((line) => / warning: /u.test(line));
  return diagnostics
    .filter((d) => d.severity === 'error' || wantsWarnings)
    .map((d) => describeDiagnostic(d, entry.file))
    .sort();
}

const corpus = readCorpus();

describe('invalid task file corpus', () => {
  it('holds at least 45 files, each with an expectation', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(45);
    expect(corpus.filter((entry) => entry.expected.length === 0).map((entry) => entry.name)).toEqual([]);
  });

  it.each(corpus.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    expect(await reportedFor(entry)).toEqual([...entry.expected].sort());
  });
});
