import { describe, expect, it } from 'vitest';
import { render } from './render-helpers.js';

function problemsOf(text: string) {
  const result = render(text);
  expect(result.source).toBeUndefined();
  return result.diagnostics.map((d) => [`${d.location?.line}:${d.location?.col}`, d.code, d.message, d.hint]);
}

describe('parseTemplate: number literals', () => {
  it.each([
    ['09', '9'],
    ['-09', '-9'],
    ['0_9', '9'],
    ['0019', '19'],
  ])('rejects %s as Go does (a leading 0 is octal)', (literal, decimal) => {
    expect(problemsOf(`a: 1\nb: {{ add 1 ${literal} }}`)).toEqual([
      [
        '2:4',
        'template-syntax',
        `\`${literal}\` is not a valid number: a leading 0 makes it octal, and octal has no digits 8 or 9 (ACR reports \`integer overflow: "${literal}"\`)`,
        `write it without the leading 0 (\`${decimal}\`) or as a string (\`"${literal}"\`)`,
      ],
    ]);
  });

  it.each(['1__0', '10_', '1_.5'])('rejects %s: a `_` must stand between digits', (literal) => {
    expect(problemsOf(`{{ ${literal} }}`)).toEqual([
      ['1:1', 'template-syntax', `illegal number syntax: ${literal}`, 'a `_` in a number must stand between two digits'],
    ]);
  });

  it('keeps the literals Go accepts', () => {
    const result = render('{{ 0_7 }}|{{ 08.5 }}|{{ 09e1 }}|{{ 1_000 }}|{{ 0x_1F }}|{{ 00 }}|{{ 0777 }}');
    expect(result.source?.text).toBe('7|8.5|90|1000|31|0|511');
  });
});

describe('parseTemplate: every syntax error of the file at once', () => {
  it('reports the broken actions after the first one, keeping the block structure of a broken {{if}}', () => {
    const text = 'a: {{ if }}\nb: {{ .Values.a | }}\n{{ end }}\nc: {{ "x }}\nd: {{ uper 1 }}\n{{ end }}';
    expect(problemsOf(text)).toEqual([
      ['1:4', 'template-syntax', 'missing value for `{{if}}`', undefined],
      ['2:4', 'template-syntax', 'missing command after `|`', undefined],
      ['4:4', 'template-syntax', 'unterminated quoted string in action', undefined],
      ['5:4', 'template-unknown-function', "unknown template function `uper` (not in ACR's Sprig v2 set)", 'did you mean `upper`?'],
      ['6:1', 'template-syntax', 'unexpected `{{end}}`: there is no `{{if}}`, `{{range}}`, `{{with}}`, `{{define}}` or `{{block}}` to close', undefined],
    ]);
  });

  it('leaves out balance errors and undefined variables after a block action it cannot read', () => {
    const text = '{{ if "x }}\n{{ end }}\n{{ end }}\n{{ .a | }}\n{{ $y }}';
    expect(problemsOf(text)).toEqual([
      ['1:1', 'template-syntax', 'unterminated quoted string in action', undefined],
      ['4:1', 'template-syntax', 'missing command after `|`', undefined],
    ]);
  });

  it('leaves out balance errors after the first one', () => {
    expect(problemsOf('{{ end }}\n{{ end }}\n{{ if .a }}\n{{ .a | }}')).toEqual([
      ['1:1', 'template-syntax', 'unexpected `{{end}}`: there is no `{{if}}`, `{{range}}`, `{{with}}`, `{{define}}` or `{{block}}` to close', undefined],
      ['4:1', 'template-syntax', 'missing command after `|`', undefined],
    ]);
    expect(problemsOf('{{ if .a }}{{ else }}{{ else }}{{ end }}\n{{ end }}\n{{ .a | }}')).toEqual([
      ['1:22', 'template-syntax', 'unexpected `{{else}}`: `{{if}}` already has an `{{else}}`', undefined],
      ['3:1', 'template-syntax', 'missing command after `|`', undefined],
    ]);
  });

  it('declares the variables of a broken declaration, so their uses are not errors', () => {
    expect(problemsOf('{{ $x := "x }}\n{{ $x }}\n{{ $w := 1 | }}\n{{ $w }}\n{{ $z }}')).toEqual([
      ['1:1', 'template-syntax', 'unterminated quoted string in action', undefined],
      ['3:1', 'template-syntax', 'missing command after `|`', undefined],
      ['5:1', 'template-syntax', 'undefined variable `$z`', 'declare it first: `{{ $z := … }}`'],
    ]);
  });

  it('treats a broken {{else}} or {{end}} as what it is', () => {
    expect(problemsOf('{{ if .a }}{{ else foo }}x{{ end }}\n{{ with .b }}{{ end 1 }}\n{{ .b | }}')).toEqual([
      ['1:12', 'template-syntax', 'unexpected `foo` after `{{else}}` in `{{if}}`', undefined],
      ['2:14', 'template-syntax', 'unexpected `1` in `{{end}}`', undefined],
      ['3:1', 'template-syntax', 'missing command after `|`', undefined],
    ]);
  });

  it('checks the body of a {{define}} and its {{end}}', () => {
    expect(problemsOf('{{ define "x" }}{{ .a | }}{{ end }}\n{{ .b | }}')).toEqual([
      ['1:17', 'template-syntax', 'missing command after `|`', undefined],
      ['2:1', 'template-syntax', 'missing command after `|`', undefined],
    ]);
  });

  it('stops at an unclosed comment or action, which swallow the rest of the file', () => {
    expect(problemsOf('{{ .a }}\n{{ "abc\n{{ .b | }}\n{{/* x }}\n{{ end }}')).toEqual([
      ['2:1', 'template-syntax', 'unterminated quoted string in action', undefined],
      ['3:1', 'template-syntax', 'missing command after `|`', undefined],
      ['4:1', 'template-syntax', 'unclosed comment: `/*` has no matching `*/`', undefined],
    ]);
    expect(problemsOf('{{ if .a }}\n{{ .x \n')).toEqual([['2:1', 'template-syntax', 'unclosed action: `{{` has no matching `}}`', undefined]]);
  });

  it('reports a variable used outside the {{range}} that declared it, even after a broken range pipeline', () => {
    expect(problemsOf('{{ range $i, $e := .l | }}{{ $e }}{{ end }}{{ $e }}')).toEqual([
      ['1:1', 'template-syntax', 'missing command after `|`', undefined],
      ['1:44', 'template-syntax', 'undefined variable `$e`', 'declare it first: `{{ $e := … }}`'],
    ]);
  });
});
