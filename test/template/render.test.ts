import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromOriginal } from '../../src/source-text.js';
import { GoFloat } from '../../src/template/go-values.js';
import { buildTemplateData, renderTemplate } from '../../src/template/render.js';
import { RUN, render, renderText } from './render-helpers.js';

const at = (line: number, col: number) => ({ file: 'task.yaml', line, col });

describe('renderTemplate: acb compatibility vectors', () => {
  it('runs Sprig math with pipes passing the value last (engine_test.go)', () => {
    expect(renderText('{{.Values.foo | add .Values.bar}}, {{- .Values.bar | sub .Values.foo }}, {{- .Values.foo | mul .Values.bar}}', { foo: 5, bar: 10 })).toBe(
      '15,-5,50',
    );
  });

  it('prints lists like Go (curie awards)', () => {
    expect(renderText('{{.Values.awards}}', { awards: ['Nobel Prize in Physics', 'Davy Medal', 'Albert Medal'] })).toBe(
      '[Nobel Prize in Physics Davy Medal Albert Medal]',
    );
  });

  it('prints run variables and the legacy .Build.ID', () => {
    expect(renderText('{{.Run.ID}} {{.Build.ID}} {{.Run.Registry}} {{.Run.Date}}')).toBe('abc abc localhost:5000 20261123-075100z');
  });

  it('deletes literal `<no value>` text with a warning', () => {
    const result = render('a: x<no value>y\nb: {{ "<no value>" }}z');
    expect(result.source?.text).toBe('a: xy\nb: z');
    expect(result.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'template-no-value',
        message: 'the text `<no value>` is deleted from the rendered task, as on ACR',
        location: at(1, 5),
        hint: 'ACR removes every `<no value>` after rendering; spell it differently to keep it',
      },
      {
        severity: 'warning',
        code: 'template-no-value',
        message: 'the text `<no value>` is deleted from the rendered task, as on ACR',
        location: at(2, 8),
        hint: 'ACR removes every `<no value>` after rendering; spell it differently to keep it',
      },
    ]);
  });

  it('renders missing keys empty, with one warning per action', () => {
    const result = render('tag: {{ .Values.tag }}\nt: {{.Run.Tag}}{{ .foo }}\nn: {{ .Values.a.b }}\ns: {{ .Secrets.x }}', { a: null });
    expect(result.source?.text).toBe('tag: \nt: \nn: \ns: ');
    expect(result.diagnostics.map((d) => [d.severity, d.code, d.message, d.location])).toEqual([
      ['warning', 'missing-value', '`.Values.tag` is not set; it renders as an empty string', at(1, 6)],
      ['warning', 'missing-value', '`.Run.Tag` is not set; it renders as an empty string', at(2, 4)],
      ['warning', 'missing-value', '`.foo` is not set; it renders as an empty string', at(2, 16)],
      ['warning', 'missing-value', '`.Values.a.b` is not set; it renders as an empty string', at(3, 4)],
      ['warning', 'missing-value', '`.Secrets.x` is not set; it renders as an empty string', at(4, 4)],
    ]);
  });

  it('warns once for an action repeated by range', () => {
    const result = render('{{ range .Values.l }}{{ .name }};{{ end }}', { l: [{}, {}] });
    expect(result.source?.text).toBe(';;');
    expect(result.diagnostics.map((d) => d.message)).toEqual(['`.name` is not set; it renders as an empty string']);
  });

  it('does not warn when a missing value is only tested or defaulted', () => {
    const result = render('{{ if .Values.debug }}d{{ end }}{{ .Values.tag | default "latest" }}{{ with .Values.x }}{{ . }}{{ end }}');
    expect(result).toEqual({ source: expect.objectContaining({ text: 'latest' }), diagnostics: [] });
  });

  it('renders the multi-arch sample with Run.Registry=localhost:5000 and Run.ID=abc', () => {
    const text = readFileSync(new URL('../../samples/multi-arch/acr-task.yaml', import.meta.url), 'utf8');
    const result = render(text);
    expect(result.diagnostics).toEqual([]);
    // The template stage keeps comment lines (the load stage deletes them); they hold no action here.
    expect(result.source?.text.split('\n').filter((line) => !line.startsWith('#')).join('\n')).toBe(
      [
        'version: v1.1.0',
        'steps:',
        '- build: --platform linux/amd64 --build-arg REGISTRY=localhost:5000 -t localhost:5000/samples/myimage:abc-amd64 -f dockerfile.amd64 .',
        '- build: --platform linux/arm64 --build-arg REGISTRY=localhost:5000 -t localhost:5000/samples/myimage:abc-arm64 -f dockerfile.arm64 .',
        '- push:',
        '    - localhost:5000/samples/myimage:abc-amd64',
        '    - localhost:5000/samples/myimage:abc-arm64',
        '- cmd: >',
        '    docker manifest create localhost:5000/samples/myimage:latest',
        '    localhost:5000/samples/myimage:abc-amd64',
        '    localhost:5000/samples/myimage:abc-arm64',
        '- cmd: docker manifest push --purge localhost:5000/samples/myimage:latest',
        '- cmd: docker manifest inspect localhost:5000/samples/myimage:latest',
        '- cmd: docker run --rm --pull always --platform linux/amd64 localhost:5000/samples/myimage:latest',
        '- cmd: docker run --rm --pull always --platform linux/arm64 localhost:5000/samples/myimage:latest',
        '',
      ].join('\n'),
    );
    expect(result.source?.origins).toEqual(Array.from({ length: text.split('\n').length }, (_, i) => i + 1));
  });

  it('keeps CRLF line endings', () => {
    expect(renderText('a: {{ .Run.ID }}\r\nb: 1\r\n')).toBe('a: abc\r\nb: 1\r\n');
  });

  it('renders an empty file to an empty text without error', () => {
    expect(render('')).toEqual({ source: { file: 'task.yaml', original: '', text: '', origins: [1] }, diagnostics: [] });
  });
});

describe('renderTemplate: Go template semantics', () => {
  const conditional = '{{if eq .Run.OS "linux"}}L{{else if eq .Run.OS "windows"}}W{{else}}other{{end}}';

  it('takes the first true branch of if / else if / else', () => {
    expect(renderText(conditional)).toBe('L');
    expect(renderText(conditional.replace('"linux"', '"x"').replace('"windows"', '"linux"'))).toBe('W');
    expect(renderText(conditional.replace('"linux"', '"x"'))).toBe('other');
  });

  it('uses Go truthiness', () => {
    const template = '{{ range .Values.l }}{{ if . }}T{{ else }}F{{ end }}{{ end }}';
    expect(renderText(template, { l: [false, 0, '', null, [], {}, true, 1, 'a', [0], { a: 0 }] })).toBe('FFFFFFTTTTT');
  });

  it('ranges over lists and maps (sorted keys) with $i, $e', () => {
    expect(renderText('{{ range $i, $e := .Values.l }}{{ $i }}={{ $e }};{{ end }}', { l: ['a', 'b'] })).toBe('0=a;1=b;');
    expect(renderText('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1, c: 3 } })).toBe('a=1;b=2;c=3;');
    expect(renderText('{{ range $e := .Values.l }}{{ $e }}{{ . }}{{ end }}', { l: ['x'] })).toBe('xx');
    expect(renderText('{{ range .Values.l }}x{{ else }}empty{{ end }}', { l: [] })).toBe('empty');
  });

  it('sets dot with `with`, falls back with else, and keeps `$` as the root', () => {
    expect(renderText('{{ with .Values.img }}{{ .name }}:{{ $.Run.ID }}{{ end }}', { img: { name: 'web' } })).toBe('web:abc');
    expect(renderText('{{ with $x := .Values.n }}{{ $x }}{{ else }}none{{ end }}', { n: 0 })).toBe('none');
  });

  it('declares and assigns variables with Go scoping', () => {
    expect(renderText('{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ $y := 1 }}{{ $y }}{{ end }}{{ $x }}')).toBe('1b');
    const result = render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}');
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'template-syntax',
        message: 'undefined variable `$y`',
        location: at(1, 36),
        hint: 'declare it first: `{{ $y := … }}`',
      },
    ]);
  });

  it('trims white space around {{- and -}} (a dash needs a space next to it)', () => {
    expect(renderText('a  \n\t {{- "b" -}} \r\n  c')).toBe('abc');
    expect(renderText('{{ 3 }} {{-3}}')).toBe('3 -3');
    expect(renderText('x {{- /* comment */ -}} y {{/* kept */}}z')).toBe('xy z');
  });

  it('pipes through default and lower', () => {
    expect(renderText('{{ .Values.tag | default "latest" | lower }}')).toBe('latest');
    expect(renderText('{{ .Values.tag | default "latest" | lower }}', { tag: 'V1' })).toBe('v1');
  });

  it('prints values like Go fmt %v', () => {
    expect(renderText('{{ .Values.a }} {{ .Values.b }} {{ .Values.c }} {{ .Values.d }} {{ 1e6 }} {{ 2.50 }} {{ 0x1F }} {{ \'a\' }}', {
      a: true,
      b: 1.5,
      c: 3,
      d: { y: [1, 'z'], x: null },
    })).toBe('true 1.5 3 map[x:<nil> y:[1 z]] 1e+06 2.5 31 97');
  });

  it('reads string, raw string and escaped literals', () => {
    expect(renderText('{{ "a\\tb\\u00e9\\x41" }}|{{ `raw\\n` }}')).toBe('a\tbéA|raw\\n');
  });

  it('evaluates parenthesised pipelines and chains fields on them', () => {
    expect(renderText('{{ (dict "a" (dict "b" "deep")).a.b }}|{{ printf "%s-%s" (upper "x") ("y" | upper) }}')).toBe('deep|X-Y');
  });

  it('does not HTML-escape', () => {
    expect(renderText('{{ "<a href=\'x\'>&amp;</a>" }}')).toBe("<a href='x'>&amp;</a>");
  });

  it('never lets a value forge an origin marker', () => {
    const result = render('a: {{ .Values.v }}\nb', { v: 'x\u00007\u0001y\nz' });
    expect(result.source?.text).toBe('a: x\u00007\u0001y\nz\nb');
    expect(result.source?.origins).toEqual([1, 1, 2]);
  });
});

describe('renderTemplate: line origins', () => {
  it('drops lines removed by if and keeps the others\' origins', () => {
    const result = render('a\n{{ if false }}\nb\n{{ end }}\nc');
    expect(result.source?.text).toBe('a\n\nc');
    expect(result.source?.origins).toEqual([1, 2, 5]);
  });

  it('repeats origins for lines produced by range', () => {
    const result = render('steps:\n{{- range .Values.l }}\n- cmd: {{ . }}\n{{- end }}\nend', { l: ['x', 'y'] });
    expect(result.source?.text).toBe('steps:\n- cmd: x\n- cmd: y\nend');
    expect(result.source?.origins).toEqual([1, 3, 3, 5]);
  });

  it('gives a line joined by trimming the origin of its first part', () => {
    const result = render('a: {{- "x" -}}\n  b\nc');
    expect(result.source?.text).toBe('a:xb\nc');
    expect(result.source?.origins).toEqual([1, 3]);
  });

  it('gives lines from a multi-line value the line of the action', () => {
    const result = render('x: 1\ncmd: {{ .Values.v }}\ny: 2', { v: 'l1\nl2\nl3' });
    expect(result.source?.text).toBe('x: 1\ncmd: l1\nl2\nl3\ny: 2');
    expect(result.source?.origins).toEqual([1, 2, 2, 2, 3]);
  });

  it('composes with earlier stages\' origins', () => {
    const previous = { ...fromOriginal('task.yaml', '# c\na: {{ 1 }}\nb'), text: 'a: {{ 1 }}\nb', origins: [2, 3] };
    const result = renderTemplate(previous, buildTemplateData({ run: RUN, values: {}, secrets: {} }));
    expect(result.source).toEqual({ file: 'task.yaml', original: '# c\na: {{ 1 }}\nb', text: 'a: 1\nb', origins: [2, 3], valueSpans: [{ start: 3, end: 4 }] });
  });
});

describe('renderTemplate: missing-value hints', () => {
  const hintsOf = (text: string, values = {}) => render(text, values).diagnostics.map((d) => [d.message, d.location, d.hint]);

  it('suggests the closest key of the fixed key sets (.Run, .Build, the root)', () => {
    expect(hintsOf('a: {{ .Run.Id }}\nb: {{ .Run.Tag }}\nc: {{ .Value.x }}\nd: {{ $.Build.Id }}')).toEqual([
      ['`.Run.Id` is not set; it renders as an empty string', at(1, 4), 'did you mean `.Run.ID`?'],
      ['`.Run.Tag` is not set; it renders as an empty string', at(2, 4), 'did you mean `.Run.GitTag`?'],
      ['`.Value.x` is not set; it renders as an empty string', at(3, 4), 'did you mean `.Values.x`?'],
      ['`$.Build.Id` is not set; it renders as an empty string', at(4, 4), 'did you mean `$.Build.ID`?'],
    ]);
  });

  it('lists the keys when none is close', () => {
    expect(hintsOf('{{ .zzz }}')).toEqual([
      [
        '`.zzz` is not set; it renders as an empty string',
        at(1, 1),
        'the template data has `.Build`, `.Run`, `.RunJSON`, `.Secrets`, `.Values`, `.ValuesJSON`',
      ],
    ]);
  });

  it('gives the --set hint only for .Values and the --secret hint for .Secrets', () => {
    expect(hintsOf('a: {{ .Values.tag }}\nb: {{ .Values.a.b }}\nc: {{ .Secrets.pw }}\nd: {{ range .Values.l }}{{ .name }}{{ end }}', { a: null, l: [{}] })).toEqual([
      ['`.Values.tag` is not set; it renders as an empty string', at(1, 4), 'set it with --set or a values file, or give a fallback: `{{ … | default "…" }}`'],
      ['`.Values.a.b` is not set; it renders as an empty string', at(2, 4), 'set it with --set or a values file, or give a fallback: `{{ … | default "…" }}`'],
      ['`.Secrets.pw` is not set; it renders as an empty string', at(3, 4), 'supply it with --secret pw=VALUE or --secret-env pw=ENV_VAR'],
      ['`.name` is not set; it renders as an empty string', at(4, 25), 'give a fallback: `{{ … | default "…" }}`'],
    ]);
  });
});

describe('renderTemplate: limits and size', () => {
  it('reports a huge repeat as a template-exec error at the action', () => {
    expect(render('ok: 1\nx: {{ repeat 999999999 "ab" }}').diagnostics).toEqual([
      {
        severity: 'error',
        code: 'template-exec',
        message: 'repeat: the result would be 1999999998 characters long; taskrun allows at most 67108864',
        location: at(2, 4),
      },
    ]);
  });

  it('renders a 1,000-step file with several actions per step', () => {
    const step = (i: number) => `  - id: s${i}\n    cmd: busybox echo {{ .Values.greeting | default "hi" }} {{ .Run.ID }} {{ .Run.Registry }}/x:{{ .Run.ID }}`;
    const text = ['steps:', ...Array.from({ length: 1000 }, (_, i) => step(i))].join('\n');
    const result = render(text, { greeting: 'hello' });
    const lines = result.source?.text.split('\n') ?? [];
    expect(lines.length).toBe(2001);
    expect(lines[2000]).toBe('    cmd: busybox echo hello abc localhost:5000/x:abc');
    expect(result.source?.origins.slice(-2)).toEqual([2000, 2001]);
    expect(result.diagnostics).toEqual([]);
  });

  it('compares a whole float from a values file with a float literal', () => {
    expect(renderText('{{ if eq .Values.f 2.0 }}yes{{ end }} {{ .Values.f }} {{ .Values.big }}', { f: new GoFloat(2), big: 12345678901234567891n })).toBe(
      'yes 2 12345678901234567891',
    );
  });
});
