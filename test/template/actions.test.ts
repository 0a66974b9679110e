// Every Go text/template action as Go 1.26 (today's acr-builder) runs it.
import { describe, expect, it } from 'vitest';
import { MAX_EXEC_DEPTH } from '../../src/template/limits.js';
import { render, renderText } from './render-helpers.js';

function problemsOf(text: string, values: Record<string, unknown> = {}) {
  const result = render(text, values);
  expect(result.source).toBeUndefined();
  return result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => [`${d.location?.line}:${d.location?.col}`, d.code, d.message]);
}

describe('{{define}}, {{template}} and {{block}}', () => {
  it('calls a defined template with the dot it is given', () => {
    expect(renderText('{{ define "greet" }}hi {{ . }}{{ end }}a: {{ template "greet" "bob" }}')).toBe('a: hi bob');
    expect(renderText('a: {{ template "t" .Values.n }}\n{{ define "t" }}[{{ . }}|{{ $ }}]{{ end }}', { n: 3 })).toBe('a: [3|3]\n');
  });

  it('gives a template called without a pipeline a nil dot', () => {
    expect(renderText('{{ define "t" }}[{{ . }}]{{ end }}a: {{ template "t" }}')).toBe('a: []');
  });

  it('keeps variables per call, so a template can call itself', () => {
    const text = '{{ define "down" }}{{ $n := . }}{{ if gt $n 0 }}{{ template "down" (sub $n 1) }}{{ end }}{{ $n }} {{ end }}a: {{ template "down" 3 }}';
    expect(renderText(text)).toBe('a: 0 1 2 3 ');
  });

  it('runs a block in place and defines it', () => {
    expect(renderText('a: {{ block "b" .Values.n }}n={{ . }}{{ end }} {{ template "b" 7 }}', { n: 3 })).toBe('a: n=3 n=7');
  });

  it('lets an empty definition stand aside for one with content', () => {
    expect(renderText('{{ define "t" }}x{{ end }}{{ define "t" }} {{ end }}a: {{ template "t" }}')).toBe('a: x');
  });

  it('rejects two definitions with content, a define inside a block and a template without a name', () => {
    expect(problemsOf('{{ define "t" }}x{{ end }}\n{{ block "t" . }}y{{ end }}')).toEqual([
      ['2:1', 'template-syntax', 'template: multiple definition of template "t"'],
    ]);
    expect(problemsOf('{{ if true }}\n{{ define "t" }}x{{ end }}\n{{ end }}')).toEqual([
      ['2:1', 'template-syntax', 'unexpected `{{define}}`: a template can be defined only at the top level of the file'],
    ]);
    expect(problemsOf('{{ template .x }}')).toEqual([['1:1', 'template-syntax', "`{{template}}` needs the template's name as a quoted string, not `.x`"]]);
    expect(problemsOf('{{ block "b" }}x{{ end }}')).toEqual([['1:1', 'template-syntax', 'missing value for `{{block}}`']]);
  });

  it('does not see the variables of the file inside a definition', () => {
    expect(problemsOf('{{ $x := 1 }}\n{{ define "t" }}{{ $x }}{{ end }}')).toEqual([['2:17', 'template-syntax', 'undefined variable `$x`']]);
  });

  it('fails on an undefined template only when the call runs', () => {
    expect(renderText('a: {{ if false }}{{ template "nope" }}{{ end }}')).toBe('a: ');
    expect(problemsOf('a: 1\nb: {{ template "nope" . }}')).toEqual([['2:4', 'template-exec', 'template "nope" not defined']]);
  });

  it('stops a template that calls itself without end at the depth limit', () => {
    expect(problemsOf('{{ define "loop" }}{{ template "loop" . }}{{ end }}\na: {{ template "loop" . }}')[0]?.slice(1)).toEqual([
      'template-limit',
      `blocks and template calls nest more than ${MAX_EXEC_DEPTH} deep while rendering (taskrun's limit)`,
    ]);
  });
});

describe('{{break}} and {{continue}}', () => {
  const l = { l: [1, 2, 3, 4] };

  it('leaves or skips the rest of the loop, keeping what the iteration wrote before', () => {
    expect(renderText('{{ range .Values.l }}{{ if eq . 3 }}{{ break }}{{ end }}{{ . }},{{ end }}', l)).toBe('1,2,');
    expect(renderText('{{ range .Values.l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ . }},{{ end }}', l)).toBe('1,3,4,');
    expect(renderText('{{ range .Values.l }}<{{ . }}{{ with eq . 2 }}{{ break }}{{ end }}>{{ end }}', l)).toBe('<1><2');
  });

  it('acts on the innermost range only', () => {
    expect(renderText('{{ range 2 }}[{{ range $.Values.l }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}]{{ end }}', l)).toBe('[1][1]');
  });

  it('is an error outside a range body, in its else and in a definition', () => {
    expect(problemsOf('{{ range .Values.l }}{{ else }}{{ break }}{{ end }}')).toEqual([['1:32', 'template-syntax', '`{{break}}` outside `{{range}}`']]);
    expect(problemsOf('{{ define "t" }}{{ continue }}{{ end }}')).toEqual([['1:17', 'template-syntax', '`{{continue}}` outside `{{range}}`']]);
    expect(problemsOf('{{ range 1 }}{{ break 2 }}{{ end }}')).toEqual([['1:14', 'template-syntax', 'unexpected `2` in `{{break}}`']]);
  });
});

describe('{{range}} forms', () => {
  it('runs over an integer from 0 (Go 1.22+)', () => {
    expect(renderText('{{ range 3 }}{{ . }}{{ end }}|{{ range $i := .Values.n }}{{ $i }}{{ end }}', { n: 2 })).toBe('012|01');
    expect(renderText('{{ range 0 }}x{{ else }}none{{ end }} {{ range -2 }}x{{ else }}neg{{ end }}')).toBe('none neg');
  });

  it('rejects two variables over an integer, and a float', () => {
    expect(problemsOf('{{ range $i, $e := 3 }}{{ end }}')).toEqual([['1:1', 'template-exec', "can't use 3 to iterate over more than one variable"]]);
    expect(problemsOf('{{ range 2.5 }}{{ end }}')).toEqual([['1:1', 'template-exec', "range can't iterate over 2.5"]]);
  });

  it('declares or assigns the key and element variables', () => {
    expect(renderText('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1 } })).toBe('a=1;b=2;');
    expect(renderText('{{ $i := 0 }}{{ $e := 0 }}{{ range $i, $e = .Values.l }}{{ end }}{{ $i }}/{{ $e }}', { l: ['a', 'b'] })).toBe('1/b');
    expect(renderText('{{ $x := 0 }}{{ range $x = .Values.l }}{{ end }}{{ $x }}', { l: [5, 6] })).toBe('6');
  });
});

describe('{{else with}} and {{else if}}', () => {
  it('chains with and if', () => {
    const text = '{{ with .Values.a }}a={{ . }}{{ else with .Values.b }}b={{ . }}{{ else }}none{{ end }}';
    expect(renderText(text, { b: 'x' })).toBe('b=x');
    expect(renderText(text, { a: 'y', b: 'x' })).toBe('a=y');
    expect(renderText(text, {})).toBe('none');
    expect(renderText('{{ if .Values.a }}a{{ else if .Values.b }}b{{ else }}c{{ end }}', { b: true })).toBe('b');
  });
});

describe('call', () => {
  it('fails as Go does: data values are never functions', () => {
    expect(problemsOf('a: {{ call .Values.s 1 }}', { s: 'x' })).toEqual([['1:4', 'template-exec', 'error calling call: non-function .Values.s of type string']]);
    expect(problemsOf('a: {{ call .Values.nope }}')).toEqual([['1:4', 'template-exec', 'error calling call: call of nil']]);
    expect(problemsOf('a: {{ call }}')).toEqual([['1:4', 'template-syntax', 'wrong number of arguments for `call`: want at least 1, got 0']]);
  });
});

describe('number literals', () => {
  it('reads every Go form: hex floats, bases, underscores and characters', () => {
    const text = '{{ 0x1p-2 }} {{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 0x_1F }} {{ \'a\' }} {{ 1e3 }} {{ .5 }} {{ -0x10 }} {{ 0X1P4 }} {{ 0x1.8p1 }} {{ 1_000.5 }} {{ 1e21 }} {{ 0x1e3 }}';
    expect(renderText(text)).toBe('0.25 31 15 15 5 1000 31 97 1000 0.5 -16 16 3 1000.5 1e+21 483');
  });

  it('rejects what Go rejects', () => {
    expect(problemsOf('{{ 0x1.8 }}')).toEqual([['1:1', 'template-syntax', 'bad number syntax: 0x1.8']]);
    expect(problemsOf('{{ 1e400 }}')).toEqual([['1:1', 'template-syntax', 'bad number syntax: 1e400']]);
    expect(problemsOf('{{ 1_e3 }}')[0]?.[2]).toBe('illegal number syntax: 1_e3');
    expect(problemsOf('{{ -x }}')).toEqual([['1:1', 'template-syntax', 'bad number syntax: -x']]);
  });
});

describe('assigning a variable never declared', () => {
  it('parses, and fails only when it runs, as in Go', () => {
    expect(renderText('a: {{ if false }}{{ $x = 1 }}{{ range $i, $e = .Values.l }}{{ end }}{{ end }}ok', { l: [1] })).toBe('a: ok');
    expect(problemsOf('a: 1\nb: {{ $x = 1 }}')).toEqual([['2:4', 'template-exec', 'undefined variable: $x']]);
    expect(problemsOf('a: {{ range $i, $e = .Values.l }}{{ end }}', { l: [1] })).toEqual([['1:4', 'template-exec', 'undefined variable: $i']]);
  });
});
