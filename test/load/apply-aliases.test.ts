import { describe, it, expect } from 'vitest';
import { tmpdir } from 'node:os';
import { hasErrors } from '../../src/diagnostics.js';
import { applyAliases, describeInactiveAliasBlock } from '../../src/load/apply-aliases.js';
import { expandCommandWord } from '../../src/load/alias-substitution.js';
import { stripCommentLines } from '../../src/load/comment-lines.js';
import { resolveRunVars } from '../../src/load/run-vars.js';
import { isAliasVersion, sniffVersion } from '../../src/load/version-sniff.js';
import { fromOriginal } from '../../src/source-text.js';
import type { TemplateData } from '../../src/template/data.js';

const run = resolveRunVars({ registry: 'myreg.azurecr.io', runId: 'cb1', now: new Date('2026-11-23T07:51:00Z'), flags: {}, git: {} });
const data: TemplateData = {
  Run: run,
  Build: { ID: run.ID },
  Values: { image: 'alpine' },
  ValuesJSON: `'{"image":"alpine"}'`,
  RunJSON: "'{}'",
  Secrets: {},
};

async function apply(text: string) {
  const source = stripCommentLines(fromOriginal('acr-task.yaml', text));
  expect(isAliasVersion(sniffVersion(source.text))).toBe(true);
  return applyAliases({ source, data, taskDir: tmpdir(), os: 'linux' });
}

describe('applyAliases', () => {
  it('renders a line of 64 KiB or more fully and warns that ACR drops it and the rest of the file', async () => {
    const long = `- cmd: echo ${'x'.repeat(70000)}`;
    const result = await apply(['version: v1.1.0', '# c', 'steps:', '- cmd: echo $ID', long, '- cmd: after', ''].join('\n'));
    expect(result.source?.text).toBe(['version: v1.1.0', 'steps:', '- cmd: echo {{.Run.ID}}', long, '- cmd: after', ''].join('\n'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'acr-line-too-long', location: { file: 'acr-task.yaml', line: 5, col: 1 } }),
    ]);
    expect(result.diagnostics[0]?.message).toContain('70012 bytes');
  });

  it('counts bytes, as Go does: 65,535 bytes are fine, 65,536 are not', async () => {
    const line = (bytes: number) => `- cmd: ${'é'.repeat((bytes - 8) / 2)}x`;
    const fits = await apply(`version: v1.1.0\nsteps:\n${line(65534)}\r\n`);
    expect(fits.diagnostics).toEqual([]);
    const tooLong = await apply(`version: v1.1.0\nsteps:\n${line(65536)}`);
    expect(tooLong.diagnostics.map((d) => d.code)).toEqual(['acr-line-too-long']);
  });

  it('renders the alias block, then substitutes into the unrendered task', async () => {
    const result = await apply(
      [
        'version: v1.1.0',
        '# comment',
        'alias:',
        '  values:',
        '    img: {{.Values.image}}',
        'steps:',
        '  - id: $img',
        '    cmd: bash echo $ID {{.Run.ID}}',
      ].join('\n'),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.directive).toBe('$');
    expect(result.aliases.get('img')).toBe('alpine');
    expect(result.source?.text).toBe('version: v1.1.0\nsteps:\n  - id: alpine\n    cmd: bash echo {{.Run.ID}} {{.Run.ID}}\n');
    expect(result.source?.origins).toEqual([1, 6, 7, 8, 8]);
    expect(expandCommandWord('bash echo x', result.aliases)).toBe('mcr.microsoft.com/acr/bash:2ff604c echo x');
  });

  it('works without an alias block', async () => {
    const result = await apply('version: v1.1.0\nsteps:\n  - cmd: $Registry/img:$ID\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.source?.text).toBe('version: v1.1.0\nsteps:\n  - cmd: {{.Run.Registry}}/img:{{.Run.ID}}\n');
  });

  it('stops on a template error in the alias block, located in the file', async () => {
    const result = await apply('version: v1.1.0\nalias:\n  values:\n    img: {{.Values.image\nsteps: []\n');
    expect(result.source).toBe(undefined);
    expect(hasErrors(result.diagnostics)).toBe(true);
    expect(result.diagnostics[0]?.location?.line).toBe(4);
  });

  it('stops on an invalid alias definition', async () => {
    const result = await apply('version: v1.1.0\nalias:\n  directive: "{{.Values.image}}"\nsteps: []\n');
    expect(result.source).toBe(undefined);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.location?.line])).toEqual([
      ['alias-invalid-directive', "alias directive 'alpine' must be a single character", 3],
    ]);
  });
});

describe('describeInactiveAliasBlock', () => {
  it('warns at the block of a file whose version text leaves aliases off', () => {
    const source = stripCommentLines(fromOriginal('acr-task.yaml', 'version: V1.1.0\n# c\nalias:\n  values:\n    img: busybox\nsteps: []\n'));
    expect(isAliasVersion(sniffVersion(source.text))).toBe(false);
    expect(describeInactiveAliasBlock(source)).toEqual({
      severity: 'warning',
      code: 'alias-inactive',
      message: '`alias` has no effect: ACR turns aliases on only when a line starts with `version: v1.1.0` (lower-case v)',
      location: { file: 'acr-task.yaml', line: 3, col: 1 },
      hint: 'write `version: v1.1.0` on a line of its own, at the start of the line',
    });
  });

  it('says nothing without an alias block', () => {
    expect(describeInactiveAliasBlock(fromOriginal('acr-task.yaml', 'version: V1.1.0\nsteps: []\n'))).toBeUndefined();
  });
});
