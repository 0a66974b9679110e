// Fuzzing (issue 11 point 4): generated templates and YAML — nested, huge and pathological — go
// through the real pipeline. Whatever the input, taskrun ends with its result or with errors
// that each name a place in the file: never an exception, a hang or a runaway memory use.
//
// Part 1 runs many generated files through the library entry point (prepareTask) in-process.
// Part 2 runs the most hostile shapes through the built CLI (`npm run build` first, as
// `npm test` does) and checks the exit code, the CPU time and the peak memory of the process.

import { execa } from 'execa';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, type Diagnostic } from '../../src/diagnostics.js';
import { prepareTask } from '../../src/task/prepare.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'bin/taskrun.cjs');
const bundle = path.join(root, 'dist/bundle/taskrun.cjs');
const reportUsage = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));

let dir = '';
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'taskrun-fuzz-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTask(text: string): Promise<string> {
  const file = path.join(dir, `task-${fileCount++}.yaml`);
  await writeFile(file, text);
  return file;
}

// --- generators ------------------------------------------------------------------------------

const FUNCTIONS = ['print', 'printf "%v"', 'len', 'list', 'dict "k"', 'upper', 'quote', 'add 1', 'repeat 3', 'toJson', 'default "x"', 'index', 'not', 'eq 1'];

const operand: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('.', '$', '.Values.a', '.Values.l', '.Run.ID', '$x', 'nil', 'true', '"s"', '`raw`', "'a'"),
  fc.constantFrom('0x1p-2', '1_000', '0o17', '0b1', '1e3', '-0x10', '09', '1e400', '1i', '0x', '+', '9223372036854775808'),
  fc.integer({ min: -5, max: 100_000_000 }).map(String),
);

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    operand,
    fc.tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie('expr'), { maxLength: 3 })).map(([fn, args]) => `${fn} ${args.map((a) => `(${a})`).join(' ')}`),
    fc.tuple(tie('expr'), fc.constantFrom(...FUNCTIONS)).map(([value, fn]) => `${value} | ${fn}`),
    fc.constantFrom('(', ')', '|', ':=', '$x :=', '$x =', '$i, $e :=', ',', '"unterminated', '.a.b.c', 'call .Values.a'),
  ),
})).expr;

const templateBody: fc.Arbitrary<string> = fc.letrec<{ body: string }>((tie) => ({
  body: fc
    .array(
      fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('text ', '\n', '  - cmd: echo x\n', '{{- ', ' -}}', '{{', '}}', '{{/* c */}}', '{{end}}', '{{else}}', '{{break}}', '{{continue}}'),
        expression.map((e) => `{{ ${e} }}`),
        fc.tuple(fc.constantFrom('if', 'with', 'range'), expression, tie('body'), fc.option(tie('body'))).map(
          ([keyword, e, body, otherwise]) => `{{ ${keyword} ${e} }}${body}${otherwise === null ? '' : `{{ else }}${otherwise}`}{{ end }}`,
        ),
        fc.tuple(fc.constantFrom('a', 'b'), tie('body')).map(([name, body]) => `{{ define "${name}" }}${body}{{ end }}`),
        fc.tuple(fc.constantFrom('a', 'b', 'c'), expression).map(([name, e]) => `{{ template "${name}" ${e} }}`),
        fc.tuple(fc.constantFrom('a', 'b'), expression, tie('body')).map(([name, e, body]) => `{{ block "${name}" ${e} }}${body}{{ end }}`),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
})).body;

/** A repeated shape: deep nesting or a long run, up to sizes far past every limit. */
const hugeTemplate: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      ['{{ if true }}', '{{ end }}'],
      ['{{ range 2 }}', '{{ end }}'],
      ['{{ with . }}', '{{ end }}'],
      ['{{ (', ') }}'],
      ['(', ')'],
      ['{{ print (', ') }}'],
      ['[', ']'],
      ['{', '}'],
      ['- ', ''],
      ['  - cmd: echo {{ . }}\n', ''],
      ['a: &a [*a, ', ']'],
    ),
    fc.integer({ min: 1, max: 30_000 }),
  )
  .map(([[open, close], count]) => `version: v1.1.0\nsteps:\n  - cmd: echo ${open.repeat(count)}1${close.repeat(count)}\n`);

const taskFile: fc.Arbitrary<string> = fc.oneof(
  templateBody.map((body) => `version: v1.1.0\nsteps:\n  - cmd: echo ${body}\n`),
  templateBody.map((body) => `version: v1.1.0\n${body}`),
  hugeTemplate,
);

// --- checks ----------------------------------------------------------------------------------

/** Every error must name a place in a file. */
function unlocatedErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error' && (!d.location || d.location.line < 1 || d.location.col < 1));
}

async function prepareOutcome(text: string): Promise<'ok' | readonly Diagnostic[]> {
  const file = await writeTask(text);
  try {
    await prepareTask({ file, runId: 'fuzz', env: {}, now: new Date('2026-01-02T03:04:05Z') });
    return 'ok';
  } catch (caught) {
    if (caught instanceof InputError) return caught.diagnostics;
    throw caught;
  }
}

describe('fuzzed task files through the library', () => {
  it('end in a task or in located errors, never in an exception', async () => {
    await fc.assert(
      fc.asyncProperty(taskFile, async (text) => {
        const outcome = await prepareOutcome(text);
        if (outcome !== 'ok') expect(unlocatedErrors(outcome)).toEqual([]);
      }),
      { numRuns: 250, seed: 11, endOnFailure: true },
    );
  });
});

// --- the CLI ---------------------------------------------------------------------------------

const HOSTILE: readonly (readonly [string, string])[] = [
  ['10,000 nested parentheses', `version: v1.1.0\nsteps:\n  - cmd: echo {{ ${'('.repeat(10_000)}1${')'.repeat(10_000)} }}\n`],
  ['20,000 nested ifs', `version: v1.1.0\nsteps:\n  - cmd: echo ${'{{if true}}'.repeat(20_000)}x${'{{end}}'.repeat(20_000)}\n`],
  ['a list doubled in a loop', 'version: v1.1.0\nsteps:\n  - cmd: echo {{ $l := list 1 }}{{ range 60 }}{{ $l = list $l $l }}{{ end }}{{ $l }}\n'],
  ['a dict doubled in a loop', 'version: v1.1.0\nsteps:\n  - cmd: echo {{ $d := dict "a" "b" }}{{ range 60 }}{{ $d = dict "x" $d "y" $d }}{{ end }}{{ toJson $d }}\n'],
  ['a runaway range', 'version: v1.1.0\nsteps:\n  - cmd: echo {{ range 100000000000 }}x{{ end }}\n'],
  ['a template calling itself', 'version: v1.1.0\n{{ define "t" }}{{ template "t" . }}{{ end }}steps:\n  - cmd: echo {{ template "t" . }}\n'],
  ['a growing text', 'version: v1.1.0\nsteps:\n  - cmd: echo {{ $s := "x" }}{{ range 100000 }}{{ $s = printf "%s%s" $s $s }}{{ end }}\n'],
  ['a 10 MB cmd value', `version: v1.1.0\nsteps:\n  - cmd: echo ${'a'.repeat(10 * 1024 * 1024)}\n`],
  ['220,000 steps', `version: v1.1.0\nsteps:\n${'  - cmd: echo\n'.repeat(220_000)}`],
  ['60,000 steps from a range', 'version: v1.1.0\nsteps:\n{{ range 60000 }}  - cmd: echo {{ . }}\n{{ end }}'],
  ['6,000 steps', `version: v1.1.0\nsteps:\n${'  - cmd: echo\n'.repeat(6_000)}`],
  ['a flow list of 500,000 items', `version: v1.1.0\nsteps:\n  - cmd: echo\n    env: [${'a,'.repeat(500_000)}a]\n`],
  ['YAML nested 20,000 deep', `version: v1.1.0\nsteps:\n  - cmd: echo\n    env: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`],
  ['an alias bomb', `version: v1.1.0\na: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\nsteps:\n  - cmd: echo\n`],
  ['a long line of actions', `version: v1.1.0\nsteps:\n  - cmd: echo ${'{{ "x" }}'.repeat(100_000)}\n`],
  ['100,000 unknown functions', `version: v1.1.0\nsteps:\n  - cmd: echo ${'{{ nope }}'.repeat(100_000)}\n`],
  ['500,000 unclosed actions', `version: v1.1.0\nsteps:\n  - cmd: echo ${'{{'.repeat(500_000)}\n`],
  ['a value wrapped 100,000 times', 'version: v1.1.0\nsteps:\n  - cmd: echo {{ $l := list }}{{ range 100000 }}{{ $l = list $l }}{{ end }}{{ toJson $l }}\n'],
  ['an alias block that nests', `version: v1.1.0\nalias:\n  values:\n    a: ${'{{ if true }}'.repeat(5_000)}x${'{{ end }}'.repeat(5_000)}\nsteps:\n  - cmd: echo $a\n`],
];

const MAX_CPU_MS = 4_000;
const MAX_RSS_KB = 200 * 1024;

async function runCli(command: 'render' | 'validate', file: string) {
  const result = await execa(process.execPath, ['--import', reportUsage, cli, command, file], { reject: false, timeout: 30_000, env: { NO_COLOR: '1' } });
  const rss = Number(/PEAK_RSS_KB=(\d+)/.exec(result.stderr)?.[1] ?? Number.NaN);
  const cpu = Number(/CPU_MS=(\d+)/.exec(result.stderr)?.[1] ?? Number.NaN);
  return { exitCode: result.exitCode, timedOut: result.timedOut, stderr: result.stderr, rss, cpu };
}

describe('hostile task files through the CLI', () => {
  beforeAll(() => {
    if (!existsSync(bundle)) throw new Error('build taskrun first: `npm run build` (dist/bundle/taskrun.cjs is missing)');
  });

  it.each(HOSTILE)('%s: exit 0 or 2, a place on every error, bounded CPU time and memory', async (_name, text) => {
    const file = await writeTask(text);
    for (const command of ['validate', 'render'] as const) {
      const run = await runCli(command, file);
      expect(run.timedOut, `${command} hung`).toBe(false);
      expect([0, 2], `${command} exit code; stderr:\n${run.stderr.slice(0, 2000)}`).toContain(run.exitCode);
      expect(run.stderr).not.toMatch(/internal error|This is a bug/);
      if (run.exitCode === 2) expect(run.stderr, 'every error names FILE:LINE:COL').toMatch(new RegExp(`${path.basename(file)}:\\d+:\\d+: error: `));
      expect(run.rss, `${command} peak memory (KB)`).toBeLessThan(MAX_RSS_KB);
      expect(run.cpu, `${command} CPU time (ms)`).toBeLessThan(MAX_CPU_MS);
    }
  });

  it('runs generated huge files the same way', async () => {
    await fc.assert(
      fc.asyncProperty(hugeTemplate, async (text) => {
        const run = await runCli('validate', await writeTask(text));
        expect(run.timedOut).toBe(false);
        expect([0, 2]).toContain(run.exitCode);
        expect(run.stderr).not.toMatch(/internal error|This is a bug/);
        expect(run.rss).toBeLessThan(MAX_RSS_KB);
      }),
      { numRuns: 8, seed: 11, endOnFailure: true },
    );
  }, 120_000);
});
