import { describe, expect, it } from 'vitest';
import { GoFloat } from '../../src/template/go-values.js';
import { quoteGo, sprint, sprintf, sprintln } from '../../src/template/printf.js';

describe('sprintf', () => {
  it.each<[string, unknown[], string]>([
    ['%s|%d|%v|%%', ['a', 42, ['x', 1]], 'a|42|[x 1]|%'],
    ['%q|%q', ['a"b\n', 97], `"a\\"b\\n"|'a'`],
    ['%x|%X|%x', ['hi', 255, 255], '6869|FF|ff'],
    ['%t|%t', [true, false], 'true|false'],
    // strconv rounds the exact binary value, halves to even: %.0f of 2.5 is 2.
    ['%f|%.2f|%.0f|%.0f|%e|%g', [1.5, 3.14159, 2.5, 3.5, 123456.789, new GoFloat(1e21)], '1.500000|3.14|2|4|1.234568e+05|1e+21'],
    ['%.1f|%f|%.3e|%e|%g', [0.25, new GoFloat(1e21), new GoFloat(1e23), new GoFloat(0), 1e-7], '0.2|1000000000000000000000.000000|1.000e+23|0.000000e+00|1e-07'],
    // Argument indexes, Go syntax, bad verbs for ints, byte-wise hex, %q width and precision.
    ['%[2]s %[1]s|%[3]d', ['a', 'b'], 'b a|%!d(BADINDEX)'],
    ['%[1]*[2]d|%[2]d %d', [4, 7], '   7|7 %!d(MISSING)'],
    ['%#v|%#v|%#v', [[1, 'a', null], { b: 'x', a: 1 }, 'q'], '[]interface {}{1, "a", interface {}(nil)}|map[string]interface {}{"a":1, "b":"x"}|"q"'],
    ['%.1f|%f|%d', [42, 1, 1.5], '%!f(int=42)|%!f(int=1)|%!d(float64=1.5)'],
    ['% x|%#x|% #X|%.1x|%x', ['ab', 'ab', 'ab', 'ab', 'é'], '61 62|0x6162|0X61 0X62|61|c3a9'],
    ['[%8.3q]|[%-6q]|%#q|%+q', ['abcdef', 'a', 'b', 'é'], '[   "abc"]|["a"   ]|`b`|"\\u00e9"'],
    // %v applies flags per element, %+v puts no sign, the # flag keeps a float's point and zeros.
    ['%6.2v|%.3v|%4v|%+v|%05v', [3.14159, 'abcdef', [1, 2], { a: 1 }, 42], '   3.1|abc|[   1    2]|map[a:1]|00042'],
    ['%#.0e|%#g|%#.3g|%#.0f', [1.5, new GoFloat(1), new GoFloat(1), new GoFloat(2)], '2.e+00|1.00000|1.00|2.'],
    ['%O|%#o|%#b|%c|%q|%U', [8, 8, 5, -1, 0xd800, -1], "0o10|010|0b101|\ufffd|'\ufffd'|U+FFFFFFFFFFFFFFFF"],
    ['%.2f|%5.1f|%e|%+.1f|%05.1f', [Infinity, NaN, -Infinity, NaN, Infinity].map((n) => new GoFloat(n)), '+Inf|  NaN|-Inf|+NaN| +Inf'],
    // A bad verb's value is printed as %v with the verb's width, precision and flags.
    ['%.2e|%5.1f|%5.1f|%+s|%5.1f', [1, 'x', '-3', 1, true], '%!e(int=01)|%!f(string=    x)|%!f(string=    -)|%!s(int=+1)|%!f(bool= true)'],
    // %#v formats scalars with width and precision; zero padding comes before 0x/0o; %T is a string.
    ['%#5.1v|%+#5.0v|% #3.2v|%#012O|%012.0d|%5.1T|%05.0T', ['abc', 0, -1, 255, 3, 9, 'x'], '  "a"|     |-01|0o000000000377|           3|    i|00000'],
    ['%8v|%5.10U|%+q|%b|%012X', [[null, 1], 0, -1, new GoFloat(-2.25), ''], "[<nil>        1]|U+0000000000|'\\ufffd'|-5066549580791808p-51|000000000000"],
    ['%.*s|%*s|%-3d|', [-1, 'abc', 1000001, '', 1], '%!(BADPREC)abc|%!(BADWIDTH)|1  |'],
    ['%#U|%U|%x|%X|%.2x|%x', [65, 0x1f600, 1.5, -0.1, new GoFloat(3), new GoFloat(0)], "U+0041 'A'|U+1F600|0x1.8p+00|-0X1.999999999999AP-04|0x1.80p+01|0x0p+00"],
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
  it('escapes runes unicode.IsPrint rejects, and raw bytes as \\x', () => {
    expect(quoteGo('a\u200bb\u00a0\u00ad\u2028\u{e0001}\ud83d\ude00')).toBe('"a\\u200bb\\u00a0\\u00ad\\u2028\\U000e0001😀"');
    expect(quoteGo('\udce6\udc97')).toBe('"\\xe6\\x97"');
  });
});
