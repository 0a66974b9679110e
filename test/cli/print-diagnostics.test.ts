import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { error, warning, type Diagnostic } from '../../src/diagnostics.js';
import { groupDiagnostics, printDiagnostics } from '../../src/cli/print-diagnostics.js';

const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-diagnostics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'acr-task.yaml');
writeFileSync(file, ['steps:', '  - cmd: busybox echo {{.Values.one}} {{.Values.two}}', '  - cmd: busybox echo {{.Values.three}}', '  - cmd: busybox echo {{.Values.one}}', ''].join('\n'));

const HINT = 'set it with --set or a values file';
const missing = (name: string, line: number, col: number): Diagnostic =>
  warning('missing-value', `\`.Values.${name}\` is not set; it renders as an empty string`, { file, line, col }, HINT);

function print(diagnostics: readonly Diagnostic[]): string {
  let text = '';
  printDiagnostics(diagnostics, (chunk) => (text += chunk));
  return text;
}

describe('printDiagnostics', () => {
  it('groups missing values: one headline naming them, a FILE:LINE:COL: severity: line per place, each source line once, the hint once', () => {
    const text = print([missing('three', 3, 23), missing('one', 2, 23), missing('two', 2, 39), missing('one', 4, 23)]);
    expect(text).toBe(
      [
        'warning: 3 values are not set; they render as empty strings: `.Values.one`, `.Values.two`, `.Values.three`',
        `${file}:2:23: warning: \`.Values.one\``,
        `${file}:2:39: warning: \`.Values.two\``,
        '       2 |   - cmd: busybox echo {{.Values.one}} {{.Values.two}}',
        `${file}:3:23: warning: \`.Values.three\``,
        '       3 |   - cmd: busybox echo {{.Values.three}}',
        `${file}:4:23: warning: \`.Values.one\``,
        '       4 |   - cmd: busybox echo {{.Values.one}}',
        `  hint: ${HINT}`,
        '0 errors, 4 warnings',
        '',
      ].join('\n'),
    );
  });

  it('prints fewer than three of a kind one by one, with caret', () => {
    const text = print([missing('one', 2, 23), missing('two', 2, 39)]);
    expect(text).toContain(`${file}:2:23: warning: \`.Values.one\` is not set; it renders as an empty string\n   2 |   - cmd:`);
    expect(text).toContain('^');
    expect(text).toContain('0 errors, 2 warnings');
  });

  it('keeps kinds apart by severity and hint, and groups other codes with their full messages', () => {
    const other = (line: number) => error('unknown-key', `unknown key \`k${line}\``, { file, line, col: 3 });
    const blocks = groupDiagnostics([other(2), missing('a', 2, 1), other(3), warning('missing-value', '`.Values.b` is not set', { file, line: 3, col: 1 }, 'another hint'), other(4)]);
    expect(blocks.map((block) => (block.kind === 'one' ? block.diagnostic.code : `group of ${block.members.length}`))).toEqual(['missing-value', 'group of 3', 'missing-value']);
    const text = print([other(2), other(3), other(4)]);
    expect(text.split('\n').slice(0, 3)).toEqual(['error: 3 errors of one kind (unknown-key)', `${file}:2:3: error: unknown key \`k2\``, '       2 |   - cmd: busybox echo {{.Values.one}} {{.Values.two}}']);
  });

  it('words one value missing in several places', () => {
    expect(print([missing('one', 2, 23), missing('one', 4, 23), missing('one', 4, 30)])).toMatch(/^warning: a value is not set in 3 places; it renders as an empty string: `\.Values\.one`\n/);
  });
});
