import { describe, expect, it } from 'vitest';
import { GoFloat, deepEqual, encodeGoJson, formatFloat, formatValue, isTruthy } from '../../src/template/go-values.js';

describe('formatFloat (%v of a float64)', () => {
  it.each<[number, string]>([
    [1.5, '1.5'],
    [3, '3'],
    [123456, '123456'],
    [1e6, '1e+06'],
    [1234567.5, '1.2345675e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.25, '-2.25'],
  ])('%d → %s', (value, text) => {
    expect(formatFloat(value)).toBe(text);
  });
});

describe('formatValue (%v)', () => {
  it('prints lists, maps with sorted keys, nil and floats like Go', () => {
    expect(formatValue(['a', 1, null, true, new GoFloat(2), { b: 1, a: [] }])).toBe('[a 1 <nil> true 2 map[a:[] b:1]]');
  });
});

describe('isTruthy', () => {
  it('follows text/template truth', () => {
    expect([false, 0, '', null, [], {}, new GoFloat(0)].map(isTruthy)).toEqual([false, false, false, false, false, false, false]);
    expect([true, 1, 'a', [0], { a: 0 }, 0.5].map(isTruthy)).toEqual([true, true, true, true, true, true]);
  });
});

describe('encodeGoJson', () => {
  it('sorts keys and escapes <, >, &, U+2028 like encoding/json', () => {
    expect(encodeGoJson({ b: '<&>', a: [1, new GoFloat(2.5), null], c: '\u2028' })).toBe('{"a":[1,2.5,null],"b":"\\u003c\\u0026\\u003e","c":"\\u2028"}');
  });
});

describe('deepEqual', () => {
  it('compares nested values', () => {
    expect(deepEqual({ a: [1, 'x'] }, { a: [1, 'x'] })).toBe(true);
    expect(deepEqual([1], [2])).toBe(false);
  });
});

describe('encodeGoJson: Go details', () => {
  it('sorts keys as strings, as Go does, not as JS orders integer-like keys', () => {
    expect(encodeGoJson({ 2: 'b', 10: 'a', x: 1 })).toBe('{"10":"a","2":"b","x":1}');
  });

  it('writes big ints exactly, floats in the shortest form, and \\b \\f as \\u escapes', () => {
    expect(encodeGoJson([12345678901234567891n, new GoFloat(2), 0.1, 1e21, 1e-7, '\b\f\n\u0001'])).toBe(
      '[12345678901234567891,2,0.1,1e+21,1e-7,"\\u0008\\u000c\\n\\u0001"]',
    );
  });

  it('indents like MarshalIndent and keeps empty lists and maps on one line', () => {
    expect(encodeGoJson({ b: [1, {}], a: [] }, '  ')).toBe('{\n  "a": [],\n  "b": [\n    1,\n    {}\n  ]\n}');
  });

  it('fails (undefined) on NaN and infinities, as json.Marshal does', () => {
    expect(encodeGoJson({ a: new GoFloat(Number.NaN) })).toBe(undefined);
    expect(encodeGoJson([Number.POSITIVE_INFINITY])).toBe(undefined);
  });
});
