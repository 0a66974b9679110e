import { describe, it, expect } from 'vitest';
import { parseDocument, isMap, isScalar } from 'yaml';
import { findScalarCharOffset } from '../../src/task/scalar-source.js';

/** The offset `findScalarCharOffset` gives for the `occurrence`-th `char` of the value of key `a`, as the yaml library decodes it. */
function offsetOf(text: string, char: string, occurrence = 1): number | undefined {
  const document = parseDocument(text, { version: '1.1' });
  const root = document.contents;
  if (!isMap(root)) throw new Error('not a mapping');
  const node = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'a')?.value;
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) throw new Error('no string scalar at `a`');
  let index = -1;
  for (let seen = 0; seen < occurrence; seen++) index = node.value.indexOf(char, index + 1);
  if (index < 0) throw new Error(`no ${char} in ${JSON.stringify(node.value)}`);
  return findScalarCharOffset({ text, scalarOffset: node.range[0], value: node.value, index });
}

describe('findScalarCharOffset', () => {
  it.each([
    { style: 'plain', text: "a: sh -c 'x\n", char: "'", offset: 9 },
    { style: 'plain, on a continuation line', text: "a: sh -c\n  b  'x\n", char: "'", offset: 14 },
    { style: 'plain, after a blank line', text: "a: sh\n\n   -c 'x\n", char: "'", offset: 13 },
    { style: 'single-quoted, after a doubled quote', text: "a: 'it''s \"x'\n", char: '"', offset: 10 },
    { style: 'single-quoted, folded', text: "a: 'sh\n    -c \"x'\n", char: '"', offset: 14 },
    { style: 'double-quoted, after escapes', text: 'a: "\\t\\x41\\u00e9 \\"x"\n', char: '"', offset: 17 },
    { style: 'double-quoted, after an escaped line break', text: 'a: "sh \\\n   -c \'x"\n', char: "'", offset: 15 },
    { style: 'literal block', text: "a: |\n  sh -c\n    'x\n", char: "'", offset: 17 },
    { style: 'literal block with chomping and a comment', text: "a: |- # note\n  sh -c 'x\n", char: "'", offset: 21 },
    { style: 'folded block', text: "a: >\n  sh\n  -c 'x\n", char: "'", offset: 15 },
    { style: 'folded block with a more-indented line', text: "a: >\n  sh\n\n    -c\n  'x\n", char: "'", offset: 20 },
    { style: 'CRLF line ends', text: "a: 'sh\r\n  -c ''x'\r\n", char: "'", offset: 13 },
    { style: 'plain, after a tag', text: "a: !!str sh 'x\n", char: "'", offset: 12 },
    { style: 'plain, with `#` and `:` inside words', text: "a: x#y:z 'w\n", char: "'", offset: 9 },
  ])('$style', ({ text, char, offset }) => {
    expect(offsetOf(text, char)).toBe(offset);
  });

  it('points at the backslash of a quote written as an escape', () => {
    expect(offsetOf('a: "sh \\x27x"\n', "'")).toBe(7);
  });

  it('finds a later occurrence, not the first one', () => {
    expect(offsetOf("a: 'it''s it''s'\n", "'", 2)).toBe(12);
  });

  it('gives up on a block with an explicit indentation digit (it counts from the parent)', () => {
    expect(offsetOf("a: |2\n   sh 'x\n", "'")).toBe(undefined);
  });

  it('gives up when the text does not read as the value (an alias `*x`, another value)', () => {
    expect(findScalarCharOffset({ text: "a: &x sh 'y\nb: *x\n", scalarOffset: 15, value: "sh 'y", index: 3 })).toBe(undefined);
    expect(findScalarCharOffset({ text: "a: sh 'y\n", scalarOffset: 3, value: "bash 'y", index: 5 })).toBe(undefined);
  });

  it('gives up on an index outside the value', () => {
    expect(findScalarCharOffset({ text: 'a: x\n', scalarOffset: 3, value: 'x', index: 1 })).toBe(undefined);
    expect(findScalarCharOffset({ text: 'a: x\n', scalarOffset: 3, value: 'x', index: -1 })).toBe(undefined);
  });
});
