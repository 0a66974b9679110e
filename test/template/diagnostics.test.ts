import { describe, expect, it } from 'vitest';
import { buildTemplateData, renderTemplate } from '../../src/template/render.js';
import { RUN, render } from './render-helpers.js';

const at = (line: number, col: number) => ({ file: 'task.yaml', line, col });

function errorsOf(text: string, values: Record<string, unknown> = {}) {
  const result = render(text, values);
  expect(result.source).toBeUndefined();
  return result.diagnostics.map((d) => ({ code: d.code, message: d.message, location: d.location, hint: d.hint }));
}

describe('renderTemplate: errors', () => {
  it.each([
    ['a: {{ .Run.ID', 'unclosed action: `{{` has no matching `}}`', at(1, 4)],
    ['a\n  {{ end }}', 'unexpected `{{end}}`: there is no `{{if}}`, `{{range}}`, `{{with}}`, `{{define}}` or `{{block}}` to close', at(2, 3)],
    ['x\n{{ if .Values.a }}\nb', '`{{if}}` has no matching `{{end}}`', at(2, 1)],
    ['{{ range .Values.l }}{{ else }}{{ else }}{{ end }}', 'unexpected `{{else}}`: `{{range}}` already has an `{{else}}`', at(1, 32)],
    ['{{ .Values.a | }}', 'missing command after `|`', at(1, 1)],
    ['{{ (upper "a" }}', 'unclosed left paren: `(` has no matching `)`', at(1, 1)],
    ['{{ "abc }}', 'unterminated quoted string in action', at(1, 1)],
    ['{{ nil }}', '`nil` is not a command', at(1, 1)],
    ['{{ }}', 'missing value for command', at(1, 1)],
    ['{{/* note }}', 'unclosed comment: `/*` has no matching `*/`', at(1, 1)],
  ])('reports %j', (text, message, location) => {
    expect(errorsOf(text)).toEqual([{ code: 'template-syntax', message, location, hint: undefined }]);
  });

  it.each([
    ['{{ .Values.a | .Values.b }}', '`.Values.b` cannot receive a piped value'],
    ['{{ .Values.a "x" }}', "can't give argument to non-function `.Values.a`"],
  ])('reports %j with a hint', (text, message) => {
    expect(errorsOf(text)).toEqual([
      { code: 'template-syntax', message, location: at(1, 1), hint: 'only a function can take arguments or follow `|`' },
    ]);
  });

  it('names an unknown function and suggests a close one', () => {
    expect(errorsOf('a: 1\nb: {{ .Values.x | toYaml }}\nc: {{ uper "x" }}')).toEqual([
      {
        code: 'template-unknown-function',
        message: "unknown template function `toYaml` (not in ACR's Sprig v2 set)",
        location: at(2, 4),
        hint: '`toYaml` is a Helm / Sprig v3 function; use `toJson` instead (JSON is valid YAML)',
      },
      {
        code: 'template-unknown-function',
        message: "unknown template function `uper` (not in ACR's Sprig v2 set)",
        location: at(3, 4),
        hint: 'did you mean `upper`?',
      },
    ]);
  });

  it.each([
    ['break', at(2, 1)],
    ['continue', at(2, 1)],
  ])('rejects {{%s}} outside a {{range}}, as Go does', (keyword, location) => {
    expect(errorsOf(`a\n{{ ${keyword} }}`)).toEqual([
      { code: 'template-syntax', message: `\`{{${keyword}}}\` outside \`{{range}}\``, location, hint: 'write it inside a `{{range}}` body (not its `{{else}}`)' },
    ]);
  });

  it.each([
    ['12345678901234567890', at(2, 4)],
    ['9223372036854775808', at(2, 4)],
    ['-9223372036854775809', at(2, 4)],
    ['0xFFFFFFFFFFFFFFFF', at(2, 4)],
  ])('rejects the integer literal %s, which does not fit in a Go int', (literal, location) => {
    expect(errorsOf(`ok: 1\nx: {{ print "n" ${literal} }}`)).toEqual([
      {
        code: 'template-syntax',
        message: `the number ${literal} does not fit in a Go int (int64), so ACR fails on it too`,
        location,
        hint: `write it as a string (\`"${literal}"\`) or use a number from -9223372036854775808 to 9223372036854775807`,
      },
    ]);
  });

  it('checks the number of arguments, counting a piped value', () => {
    expect(errorsOf('{{ "a" | upper "b" }}')).toEqual([
      {
        code: 'template-syntax',
        message: 'wrong number of arguments for `upper`: want 1, got 2',
        location: at(1, 1),
        hint: 'a value piped with `|` counts as the last argument',
      },
    ]);
  });

  it.each([
    ['{{ index .Values.l 5 }}', 'error calling index: index out of range: 5'],
    ['{{ div 1 0 }}', 'error calling div: runtime error: integer divide by zero'],
    ['{{ upper 5 }}', 'wrong type for value; expected string; got int'],
    ['{{ lt 1 "a" }}', 'error calling lt: incompatible types for comparison'],
    ['{{ .Values.l.name }}', "can't evaluate field name in type []interface {}"],
    ['{{ range .Run.ID }}{{ end }}', "range can't iterate over abc"],
    ['{{ regexFind "(" "x" }}', 'error calling regexFind: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`'],
  ])('reports the runtime error of %s at its action', (action, message) => {
    expect(errorsOf(`ok: 1\nx: ${action}`, { l: [1] })).toEqual([{ code: 'template-exec', message, location: at(2, 4), hint: undefined }]);
  });

  const fallback = (example: string) => `ACR fails here too; give it a fallback with \`default\`: \`${example}\``;
  it.each([
    ['{{ .Values.m | upper }}', '`upper` needs a string, but `.Values.m` is not set', fallback('{{ .Values.m | default "x" | upper }}')],
    ['{{ lower .Values.m }}', '`lower` needs a string, but `.Values.m` is not set', fallback('{{ .Values.m | default "x" | lower }}')],
    ['{{ trim .Values.m }}', '`trim` needs a string, but `.Values.m` is not set', fallback('{{ .Values.m | default "x" | trim }}')],
    ['{{ title .Values.m }}', '`title` needs a string, but `.Values.m` is not set', fallback('{{ .Values.m | default "x" | title }}')],
    ['{{ b64dec .Values.m }}', '`b64dec` needs a string, but `.Values.m` is not set', fallback('{{ .Values.m | default "x" | b64dec }}')],
    [
      '{{ replace "-" "_" .Values.m }}',
      '`replace` needs a string as its 3rd argument, but `.Values.m` is not set',
      fallback('{{ .Values.m | default "x" | replace … }}'),
    ],
    [
      '{{ replace .Values.m "_" "a-b" }}',
      '`replace` needs a string as its 1st argument, but `.Values.m` is not set',
      `${fallback('(.Values.m | default "x")')} in its place`,
    ],
    [
      '{{ .Values.m | trimPrefix "v" }}',
      '`trimPrefix` needs a string as its 2nd argument, but `.Values.m` is not set',
      fallback('{{ .Values.m | default "x" | trimPrefix … }}'),
    ],
    [
      '{{ trimSuffix .Values.m "a.yaml" }}',
      '`trimSuffix` needs a string as its 1st argument, but `.Values.m` is not set',
      `${fallback('(.Values.m | default "x")')} in its place`,
    ],
    [
      '{{ contains "x" .Values.m }}',
      '`contains` needs a string as its 2nd argument, but `.Values.m` is not set',
      fallback('{{ .Values.m | default "x" | contains … }}'),
    ],
    [
      '{{ hasPrefix "x" .Values.m }}',
      '`hasPrefix` needs a string as its 2nd argument, but `.Values.m` is not set',
      fallback('{{ .Values.m | default "x" | hasPrefix … }}'),
    ],
    [
      '{{ hasSuffix "x" .Values.m }}',
      '`hasSuffix` needs a string as its 2nd argument, but `.Values.m` is not set',
      fallback('{{ .Values.m | default "x" | hasSuffix … }}'),
    ],
    ['{{ split "," .Values.m }}', '`split` needs a string as its 2nd argument, but `.Values.m` is not set', fallback('{{ .Values.m | default "x" | split … }}')],
    [
      '{{ join .Values.m .Values.l }}',
      '`join` needs a string as its 1st argument, but `.Values.m` is not set',
      `${fallback('(.Values.m | default "x")')} in its place`,
    ],
    [
      '{{ printf .Values.m 1 }}',
      '`printf` needs a string as its 1st argument, but `.Values.m` is not set',
      `${fallback('(.Values.m | default "x")')} in its place`,
    ],
    ['{{ upper .Values.n }}', '`upper` needs a string, but `.Values.n` is not set', fallback('{{ .Values.n | default "x" | upper }}')],
    ['{{ upper $.Values.m }}', '`upper` needs a string, but `$.Values.m` is not set', fallback('{{ $.Values.m | default "x" | upper }}')],
    ['{{ upper (first .Values.e) }}', '`upper` needs a string, but `(first …)` is nil', fallback('{{ (first …) | default "x" | upper }}')],
    ['{{ upper nil }}', '`upper` needs a string, but it is given `nil`', 'ACR fails here too; pass a string such as `""`'],
    [
      '{{ hasKey .Values.m "a" }}',
      '`hasKey` needs a map as its 1st argument, but `.Values.m` is not set',
      `${fallback('(.Values.m | default dict)')} in its place`,
    ],
    [
      '{{ hasKey $.Values.n "a" }}',
      '`hasKey` needs a map as its 1st argument, but `$.Values.n` is not set',
      `${fallback('($.Values.n | default dict)')} in its place`,
    ],
    ['{{ keys .Values.m }}', '`keys` needs a map, but `.Values.m` is not set', fallback('{{ .Values.m | default dict | keys }}')],
  ])('fails like ACR on a missing value for a string or map parameter: %s', (action, message, hint) => {
    const result = render(`ok: 1\nx: ${action}`, { l: ['a'], n: null, e: [] });
    expect(result.source).toBeUndefined();
    expect(result.diagnostics).toEqual([{ severity: 'error', code: 'template-exec', message, location: at(2, 4), hint }]);
  });

  it('fails like ACR on a nil dot given to a map parameter', () => {
    expect(errorsOf('{{ range .Values.z }}\n  {{ hasKey . "a" }}\n{{ end }}', { z: [null] })).toEqual([
      {
        code: 'template-exec',
        message: '`hasKey` needs a map as its 1st argument, but `.` is nil',
        location: at(2, 3),
        hint: 'ACR fails here too; give it a fallback with `default`: `(. | default dict)` in its place',
      },
    ]);
  });

  it('names the missing value a variable holds, at the action that uses it', () => {
    expect(errorsOf('{{ $v := .Values.m }}\nx: {{ $v | upper }}')).toEqual([
      {
        code: 'template-exec',
        message: '`upper` needs a string, but `.Values.m` is not set',
        location: at(2, 4),
        hint: 'ACR fails here too; give it a fallback with `default`: `{{ .Values.m | default "x" | upper }}`',
      },
    ]);
  });

  it('keeps accepting a missing value where Go takes interface{}, with the missing-value warning', () => {
    const result = render('{{ default "d" .Values.m }}|{{ .Values.m | quote }}|{{ squote .Values.m }}|{{ toJson .Values.m }}|{{ eq .Values.m nil }}|{{ printf "%s" .Values.m }}|{{ join "," .Values.m }}|{{ b64enc .Values.m }}');
    expect(result.source?.text).toBe('d|||null|true|%!s(<nil>)||');
    expect(result.diagnostics.map((d) => `${d.code} ${d.location?.col}`)).toEqual([
      'missing-value 29',
      'missing-value 53',
      'missing-value 76',
      'missing-value 122',
      'missing-value 150',
      'missing-value 175',
    ]);
  });

  it('locates problems in the original file through earlier stages', () => {
    const source = { file: 'task.yaml', original: '# {{ comment }}\nx: {{ end }}', text: '\nx: {{ end }}', origins: [1, 2] };
    const result = renderTemplate(source, buildTemplateData({ run: RUN, values: {}, secrets: {} }));
    expect(result.diagnostics[0]?.location).toEqual(at(2, 4));
  });
});
