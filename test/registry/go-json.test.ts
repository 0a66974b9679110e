import { describe, it, expect } from 'vitest';
import { indentJson, marshalIndentGo, quoteGoString, RawJson } from '../../src/registry/go-json.js';

describe('Go-compatible JSON', () => {
  it('escapes strings as encoding/json does', () => {
    expect(quoteGoString('a<b>&c"d\\e\n\t\u0001\u2028é')).toBe('"a\\u003cb\\u003e\\u0026c\\"d\\\\e\\n\\t\\u0001\\u2028é"');
  });

  it('indents like json.Indent: empty containers stay compact, tokens are copied', () => {
    expect(indentJson('{"a":[],"b":{},"c":[1,2.50,"x\\u003c"]}  \n', '\t')).toBe('{\n\t"a": [],\n\t"b": {},\n\t"c": [\n\t\t1,\n\t\t2.50,\n\t\t"x\\u003c"\n\t]\n}  \n');
  });

  it('marshals in insertion order, skips undefined members, compacts embedded raw JSON', () => {
    expect(marshalIndentGo({ b: 1, a: undefined, raw: new RawJson('{ "x" : "<y>" }') }, '   ')).toBe('{\n   "b": 1,\n   "raw": {\n      "x": "\\u003cy\\u003e"\n   }\n}');
  });
});
