// The template stage's limits: a hostile template ends in a located error naming the limit.
import { describe, expect, it } from 'vitest';
import { LimitError, MAX_NESTING, ValueMeter, checkValueSize } from '../../src/template/limits.js';
import { render, renderText } from './render-helpers.js';

function limitOf(text: string, values: Record<string, unknown> = {}) {
  const result = render(text, values);
  expect(result.source).toBeUndefined();
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(1);
  const [error] = errors;
  return [`${error?.location?.line}:${error?.location?.col}`, error?.code, error?.message];
}

describe('template limits', () => {
  it('stops nesting at the limit, for blocks and for parentheses alike', () => {
    const deep = MAX_NESTING + 1;
    expect(limitOf(`a: 1\nb: ${'{{ if true }}'.repeat(9_000)}x${'{{ end }}'.repeat(9_000)}`)).toEqual([
      `2:${4 + '{{ if true }}'.length * MAX_NESTING}`,
      'template-limit',
      "the template nests blocks and parentheses more than 200 deep (taskrun's limit)",
    ]);
    expect(limitOf(`a: {{ ${'('.repeat(10_000)}1${')'.repeat(10_000)} }}`)[2]).toContain('more than 200 deep');
    expect(renderText(`a: {{ ${'(print '.repeat(deep - 2)}1${')'.repeat(deep - 2)} }}`)).toBe('a: 1');
  });

  it('stops a runaway loop and a huge output', () => {
    expect(limitOf('a: 1\nb: {{ range 100000000 }}{{ end }}')).toEqual([
      '2:4',
      'template-limit',
      "the template runs more than 1,000,000 loop iterations and template calls (taskrun's limit)",
    ]);
    expect(limitOf('a: {{ range 300000 }}xxxxxxxxxx{{ end }}')).toEqual([
      '1:4',
      'template-limit',
      "the rendered task file would be longer than 2,097,152 characters (taskrun's limit)",
    ]);
  });

  it('stops a list or map doubled in a loop before it is printed', () => {
    const [at, code, message] = limitOf('a: {{ $l := list 1 }}{{ range 40 }}{{ $l = list $l $l }}{{ end }}{{ $l }}');
    expect([at, code]).toEqual(['1:36', 'template-limit']);
    expect(message).toMatch(/^`list` would build a value of [\d,]+ elements, over taskrun's limit of 1,000,000$/);
    expect(limitOf('a: {{ $d := dict "k" "vvvvvvvv" }}{{ range 60 }}{{ $d = dict "x" $d "y" $d }}{{ end }}')[2]).toMatch(/^`dict` would build a value of [\d,]+ characters/);
  });

  it('bounds the work of a loop that rebuilds a growing text', () => {
    expect(limitOf('a: {{ $s := "" }}{{ range 1000000 }}{{ $s = printf "%s%s" $s "xxxxxxxxxxxxxxxx" }}{{ end }}')[2]).toBe(
      "the template builds more than 20,000,000 list elements, map entries and characters in all (taskrun's limit)",
    );
  });

  it('offers the size check to functions that build large values', () => {
    expect(() => checkValueSize(2_000_000, 'elements', 'until')).toThrow(LimitError);
    expect(() => checkValueSize(10, 'elements', 'until')).not.toThrow();
    const meter = new ValueMeter();
    const shared = Array.from({ length: 1000 }, (_, i) => i);
    expect(() => meter.check([shared, shared], 'list')).not.toThrow();
    expect(() => meter.check(Array.from({ length: 1001 }, () => shared), 'list')).toThrow(/elements, over taskrun's limit of 1,000,000/);
  });
});

describe('value depth', () => {
  it('stops a value wrapped in a list on every iteration before printing recurses through it', () => {
    const [at, code, message] = limitOf('a: {{ $l := list }}{{ range 100000 }}{{ $l = list $l }}{{ end }}{{ $l }}');
    expect([at, code, message]).toEqual(['1:38', 'template-limit', "`list` would build lists and maps nested more than 1,000 deep (taskrun's limit)"]);
    expect(renderText('a: {{ $l := list }}{{ range 900 }}{{ $l = list $l }}{{ end }}{{ len $l }}')).toBe('a: 1');
  });
});

describe('template size', () => {
  it('reads at most 20,000 actions, and lists at most 100 errors', () => {
    const result = render(`a: ${'{{ 1 }}'.repeat(20_001)}`);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['template-limit', "the template has more than 20,000 actions (`{{ … }}`; taskrun's limit), so the rest of the file is not read"],
    ]);
    const errors = render(`a: ${'{{ nope }}'.repeat(500)}`).diagnostics;
    expect(errors).toHaveLength(101);
    expect(errors[100]?.message).toBe('400 more template errors from here on are not shown');
    expect(render(`a: ${'{{'.repeat(5_000)}`).diagnostics.at(-1)?.message).toBe('900 more template errors from here on are not shown');
  });
});
