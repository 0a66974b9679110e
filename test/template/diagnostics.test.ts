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
    ['a\n  {{ end }}', 'unexpected `{{end}}`: there is no `{{if}}`, `{{range}}` or `{{with}}` to close', at(2, 3)],
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

  it('rejects Sprig functions taskrun does not implement', () => {
    expect(errorsOf('{{ sortAlpha .Values.l }}')).toEqual([
      {
        code: 'template-unsupported',
        message: 'template function `sortAlpha` is not supported by taskrun',
        location: at(1, 1),
        hint: "it exists in ACR's Sprig v2 set, but taskrun does not implement it; compute the value outside the template and pass it with --set",
      },
    ]);
  });

  it.each(['define "x"', 'template "x"', 'block "x" .', 'break', 'continue'])('rejects {{%s}}', (action) => {
    const keyword = action.split(' ')[0];
    expect(errorsOf(`a\n{{ ${action} }}`)).toEqual([
      {
        code: 'template-unsupported',
        message: `\`{{${keyword}}}\` is not supported by taskrun`,
        location: at(2, 1),
        hint: 'ACR task files are a single template; inline the text instead of defining or calling sub-templates',
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
    ['{{ atoi "12a" }}', 'strconv.Atoi: parsing "12a": invalid syntax'],
    ['{{ add "ten" 1 }}', 'cannot convert "ten" to a number'],
    ['{{ div 1 0 }}', 'integer divide by zero'],
    ['{{ upper 5 }}', 'wrong type for value; expected string; got int'],
    ['{{ lt 1 "a" }}', 'error calling lt: incompatible types for comparison'],
    ['{{ .Values.l.name }}', "can't evaluate field name in type []interface {}"],
    ['{{ range .Run.ID }}{{ end }}', "range can't iterate over abc"],
    ['{{ b64dec "%%%" }}', 'illegal base64 data in "%%%"'],
    ['{{ regexMatch "(" "x" }}', 'error parsing regexp: Invalid regular expression: /(/u: Unterminated group'],
  ])('reports the runtime error of %s at its action', (action, message) => {
    expect(errorsOf(`ok: 1\nx: ${action}`, { l: [1] })).toEqual([{ code: 'template-exec', message, location: at(2, 4), hint: undefined }]);
  });

  it('locates problems in the original file through earlier stages', () => {
    const source = { file: 'task.yaml', original: '# {{ comment }}\nx: {{ end }}', text: '\nx: {{ end }}', origins: [1, 2] };
    const result = renderTemplate(source, buildTemplateData({ run: RUN, values: {}, secrets: {} }));
    expect(result.diagnostics[0]?.location).toEqual(at(2, 4));
  });
});
