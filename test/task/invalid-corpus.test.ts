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

/**
 * Files whose expectation states what taskrun SHOULD report but taskrun reports something else.
 * They stay out of the passing corpus; the last test fails once taskrun is fixed, so the file
 * can move into the corpus.
 */
const knownDiscrepancies: ReadonlyMap<string, string> = new Map([
  ['cmd-unclosed-quote.yaml', 'the position is the start of `cmd` (4:10), not the unclosed quote (4:23)'],
  ['secret-null.yaml', 'the position is just after the `-` (5:4), not the `-` of the empty item'],
  ['step-null.yaml', 'the position is just after the `-` (5:4), not the `-` of the empty item'],
  ['type-volume-secret-list.yaml', 'a knock-on error `volume \`certs\` has no \`secret\` files` follows the type error, although the volume does list content'],
  ['yaml-bad-indentation.yaml', 'reported as `5:1 sequence item without - indicator`: the yaml library\'s words, at the indentation instead of the key'],
  ['yaml-text-without-colon.yaml', 'reported as `implicit keys need to be on a single line` (with a hint about quoting): the missing `:` is not named'],
  ['yaml-unclosed-double-quote.yaml', 'reported at 7:1, a line past the end of the file, instead of at the opening quote'],
  ['yaml-unclosed-flow-sequence.yaml', 'reported at 9:1, a line past the end of the file, instead of at the `[`'],
]);

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
const passing = corpus.filter((entry) => !knownDiscrepancies.has(entry.name));
const discrepant = corpus.filter((entry) => knownDiscrepancies.has(entry.name));

describe('invalid task file corpus', () => {
  it('holds at least 45 files, each with an expectation', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(45);
    expect(corpus.filter((entry) => entry.expected.length === 0).map((entry) => entry.name)).toEqual([]);
  });

  it.each(passing.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    expect(await reportedFor(entry)).toEqual([...entry.expected].sort());
  });

  it('known discrepancies still differ from their expectation (move a file into the corpus once fixed)', async () => {
    for (const entry of discrepant) {
      expect(await reportedFor(entry), entry.name).not.toEqual([...entry.expected].sort());
    }
  });
});
