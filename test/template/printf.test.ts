import { describe, expect, it } from 'vitest';
import { GoFloat } from '../../src/template/go-values.js';
import { quoteGo, sprint, sprintf, sprintln } from '../../src/template/printf.js';

describe('sprintf', () => {
  it.each<[string, unknown[], string]>([
    ['%s|%d|%v|%%', ['a', 42, ['x', 1]], 'a|42|[x 1]|%'],
    ['%q|%q', ['a"b\n', 97], `"a\\"b\\n"|'a'`],
    ['%x|%X|%x', ['hi', 255, 255], '6869|FF|ff'],
    ['%t|%t', [true, false], 'true|false'],
    ['%f|%.2f|%.0f|%e|%g', [1.5, 3.14159, 2.5, 123456.789, new GoFloat(1e21)], '1.500000|3.14|3|1.234568e+05|1e+21'],
    ['[%5s][%-5s][%05d][%+d][%5.1f]', ['ab', 'ab', -42, 7, 3.14159], '[   ab][ab   ][-0042][+7][  3.1]'],
    ['%d', ['x'], '%!d(string=x)'],
    ['%s', [5], '%!s(int=5)'],
    ['%s %s', ['a'], 'a %!s(MISSING)'],
    ['%s', ['a', 1], 'a%!(EXTRA int=1)'],
    ['%v %T', [null, new GoFloat(2)], '<nil> float64'],
    ['%*d', [4, 7], '   7'],
  ])('%s with %j', (format, args, expected) => {
    expect(sprintf(format, args)).toBe(expected);
  });
});

describe('sprint and sprintln', () => {
  it('adds spaces only between non-string operands in sprint', () => {
    expect(sprint([1, 2, 'a', 'b', true])).toBe('1 2abtrue');
  });
  it('always separates operands in sprintln and ends with a newline', () => {
    expect(sprintln(['a', 1])).toBe('a 1\n');
  });
});

describe('quoteGo', () => {
  it('escapes like strconv.Quote', () => {
    expect(quoteGo('tab\t bell\x07 nul\x00 é \\')).toBe('"tab\\t bell\\a nul\\x00 é \\\\"');
  });
});
