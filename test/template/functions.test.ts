import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { render, renderText } from './render-helpers.js';

const cases: [string, string, Record<string, unknown>?][] = [
  // Go built-ins
  ['{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 "" "x" }}|{{ or 0 "" }}', '0|2|x|'],
  ['{{ not 0 }}|{{ not "a" }}', 'true|false'],
  ['{{ len "héllo" }}|{{ len .Values.l }}|{{ len .Values.m }}', '6|3|2', { l: [1, 2, 3], m: { a: 1, b: 2 } }],
  ['{{ index .Values.l 1 }}|{{ index .Values.m "b" }}|{{ index .Values.n "x" 0 }}', '2|2|q', { l: [1, 2, 3], m: { a: 1, b: 2 }, n: { x: ['q'] } }],
  ['{{ print 1 2 "a" "b" 3 }}|{{ println "a" 1 }}', '1 2ab3|a 1\n'],
  ['{{ printf "%s-%d" "a" 7 }}', 'a-7'],
  ['{{ eq .Run.OS "windows" "linux" }}|{{ eq 1 2 }}|{{ ne "a" "b" }}', 'true|false|true'],
  ['{{ lt 1 2 }}{{ le 2 2 }}{{ gt "b" "a" }}{{ ge 1 2 }}', 'truetruetruefalse'],
  ['{{ slice .Values.l 1 3 }}|{{ slice .Values.l 1 }}', '[2 3]|[2 3]', { l: [1, 2, 3] }],
  // defaults and tests
  ['{{ default "x" .Values.a }}|{{ default "x" "" }}|{{ default "x" "y" }}|{{ 0 | default 5 }}', 'x|x|y|5'],
  ['{{ empty "" }}|{{ empty .Values.l }}|{{ empty 1 }}|{{ empty .Values.missing }}', 'true|true|false|true', { l: [] }],
  ['{{ coalesce .Values.a "" 0 "z" }}', 'z'],
  ['{{ ternary "yes" "no" true }}|{{ false | ternary "yes" "no" }}', 'yes|no'],
  // strings
  ['{{ quote "a\\"b" 1 }}|{{ squote "a" }}|{{ quote nil }}', '"a\\"b" "1"|\'a\'|'],
  ['{{ lower "AbC" }}|{{ upper "aBc" }}|{{ title "hello wide-world" }}', 'abc|ABC|Hello Wide-World'],
  ['[{{ trim "  a b  " }}]|{{ trimAll "$" "$5.00$" }}|{{ trimall "x" "xax" }}', '[a b]|5.00|a'],
  ['{{ trimPrefix "v" "v1.2" }}|{{ trimSuffix ".yaml" "a.yaml" }}', '1.2|a'],
  ['{{ replace "-" "_" "a-b-c" }}', 'a_b_c'],
  // Go's strings.Replace with an empty old string inserts at every code point boundary.
  ['{{ replace "" "-" "abc" }}|{{ replace "" "-" "" }}|{{ replace "" "." "a😀" }}', '-a-b-c-|-|.a.😀.'],
  // Go maps case per code point with one-to-one mappings, unlike JS's toUpperCase.
  ['{{ upper "ß" }}|{{ upper "straße" }}|{{ upper "ﬁ" }}|{{ upper "ᾳ" }}|{{ upper "ǆ" }}', 'ß|STRAßE|ﬁ|ᾼ|Ǆ'],
  ['{{ lower "İ" }}|{{ lower "ΟΔΟΣ" }}|{{ lower "ÀÉ" }}', 'i|οδοσ|àé'],
  ['{{ title "ǆungla ß ﬁx" }}|{{ title "ამბავი" }}|{{ title "é-x a\u00a0b a\u200bb" }}', 'ǅungla ß ﬁx|ამბავი|É-X A\u00a0B A\u200bb'],
  // strings.TrimSpace and unicode.IsSpace: U+0085 is space, U+FEFF is not. goutils' nospace reads
  // bytes as runes: with a space byte to delete, U+0085's lead byte C2 becomes `Â`, U+FEFF `ï»¿`.
  ['[{{ trim "\u0085 a \ufeff" }}]|[{{ nospace "a\u0085b\ufeffc" }}]|[{{ nospace "a\u00a0b" }}]', '[a \ufeff]|[aÂbï»¿c]|[aÂb]'],
  ['{{ splitList "" "a😀b" }}|{{ $p := split "" "😀x" }}{{ $p._0 }}', '[a 😀 b]|😀'],
  ['{{ contains "ell" "hello" }}|{{ hasPrefix "he" "hello" }}|{{ hasSuffix "lo" "hello" }}', 'true|true|true'],
  ['{{ repeat 3 "ab" }}|{{ substr 1 3 "hello" }}|{{ substr 2 -1 "hello" }}', 'ababab|el|llo'],
  ['{{ trunc 3 "hello" }}|{{ trunc 9 "hello" }}|{{ nospace " a b\tc " }}', 'hel|hello|abc'],
  ['{{ indent 2 "a\\nb" }}|{{ nindent 2 "c" }}', '  a\n  b|\n  c'],
  ['{{ cat "a" 1 nil true }}', 'a 1 true'],
  ['{{ snakecase "HelloWorldHTTPServer" }}|{{ kebabcase "FirstName" }}|{{ camelcase "hello_big_world" }}', 'hello_world_http_server|first-name|HelloBigWorld'],
  ['{{ join "," .Values.l }}|{{ join "-" "one" }}', 'a,1,true|one', { l: ['a', 1, true] }],
  ['{{ $p := split "." "a.b.c" }}{{ $p._0 }}{{ $p._2 }}|{{ splitList "." "a.b.c" }}', 'ac|[a b c]'],
  ['{{ toString 12 }}|{{ toString .Values.l }}', '12|[1 2]', { l: [1, 2] }],
  // encodings and hashes
  ['{{ b64enc "hello" }}|{{ b64dec "aGVsbG8=" }}|[{{ b64enc .Values.none }}]', 'aGVsbG8=|hello|[]'],
  ['{{ toJson .Values.m }}|{{ toPrettyJson .Values.m }}', '{"a":"\\u003cb\\u003e","l":[1,2]}|{\n  "a": "\\u003cb\\u003e",\n  "l": [\n    1,\n    2\n  ]\n}', { m: { l: [1, 2], a: '<b>' } }],
  ['{{ sha256sum "abc" }}', createHash('sha256').update('abc').digest('hex')],
  ['{{ sha1sum "abc" }}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  // integer math
  ['{{ add 1 2 3 }}|{{ add1 4 }}|{{ sub 1 5 }}|{{ mul 2 3 4 }}|{{ div 7 2 }}|{{ div -7 2 }}|{{ mod 7 3 }}', '6|5|-4|24|3|-3|1'],
  ['{{ max 1 9 3 }}|{{ min 4 2 8 }}|{{ add "16" 1 }}|{{ add "+016" 1 }}|{{ add 1.9 1 }}|{{ add true nil 1 }}', '9|2|17|17|2|2'],
  // Integer literals are Go int64s, exact beyond JS's 2^53.
  ['{{ 9007199254740993 }}|{{ -9223372036854775808 }}|{{ printf "%d %x" 9223372036854775807 -9223372036854775808 }}', '9007199254740993|-9223372036854775808|9223372036854775807 -8000000000000000'],
  ['{{ eq 9007199254740993 9007199254740992 }}|{{ 0x7FFFFFFFFFFFFFFF }}|{{ 0777 }}|{{ 12345678901234567890.0 }}', 'false|9223372036854775807|511|1.2345678901234567e+19'],
  ['{{ atoi "42" }}|{{ int "7" }}|{{ int64 3.7 }}|{{ float64 "1.5" }}|{{ float64 3 }}|{{ float64 1000000 }}', '42|7|3|1.5|3|1e+06'],
  // lists and dicts
  ['{{ list 1 "a" }}|{{ dict "b" 2 "a" 1 }}|{{ (dict "k" "v").k }}', '[1 a]|map[a:1 b:2]|v'],
  ['{{ first .Values.l }}|{{ last .Values.l }}|[{{ first .Values.e }}]', 'x|z|[]', { l: ['x', 'y', 'z'], e: [] }],
  ['{{ has "y" .Values.l }}|{{ has "q" .Values.l }}|{{ hasKey .Values.m "a" }}|{{ hasKey .Values.m "z" }}', 'true|false|true|false', { l: ['x', 'y'], m: { a: 1 } }],
  ['{{ keys .Values.m }}|{{ uniq .Values.l }}', '[a b c]|[1 2 3]', { m: { c: 1, a: 2, b: 3 }, l: [1, 2, 1, 3, 2] }],
  // regular expressions
  ['{{ regexMatch "^v[0-9]+$" "v12" }}|{{ regexFind "[0-9]+" "ab12cd34" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', 'true|12|-W-xxW-'],
  ['{{ regexReplaceAll "(?P<first>\\\\w+) (\\\\w+)" "hello world" "$2 $first $1W" }}', 'world hello '],
];

describe('template functions', () => {
  it.each(cases)('%s', (template, expected, values) => {
    expect(renderText(template, values ?? {})).toBe(expected);
  });

  it('reads env and expandenv from taskrun\'s own environment', () => {
    process.env['TASKRUN_TEMPLATE_TEST'] = 'from-env';
    expect(renderText('{{ env "TASKRUN_TEMPLATE_TEST" }}|{{ expandenv "x-$TASKRUN_TEMPLATE_TEST-${TASKRUN_TEMPLATE_TEST}" }}')).toBe(
      'from-env|x-from-env-from-env',
    );
    delete process.env['TASKRUN_TEMPLATE_TEST'];
  });

  it('encodes a non-string b64enc argument the way acb does, with a warning', () => {
    const result = render('{{ .Values.port | b64enc }}', { port: 8080 });
    expect(result.source?.text).toBe(Buffer.from('<int Value>').toString('base64'));
    expect(result.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'template-b64enc-non-string',
        message: '`b64enc` of a int value encodes the text `<int Value>`, as on ACR',
        location: { file: 'task.yaml', line: 1, col: 1 },
        hint: 'convert the value first: `{{ .Values.x | toString | b64enc }}`',
      },
    ]);
  });

  it('gives 0 for atoi of text that is not a decimal int, and the nearest int64 on overflow, as Sprig does, with a warning', () => {
    const result = render('{{ atoi "12a" }}|{{ atoi "+12" }}|{{ atoi "012" }}\n{{ atoi "99999999999999999999" }}|{{ atoi "-99999999999999999999" }}');
    expect(result.source?.text).toBe('0|12|12\n9223372036854775807|-9223372036854775808');
    const range = 'use a number from -9223372036854775808 to 9223372036854775807';
    expect(result.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'template-atoi-invalid',
        message: '`atoi` of "12a" gives 0, as on ACR: the text is not a decimal integer',
        location: { file: 'task.yaml', line: 1, col: 1 },
        hint: "pass digits only, with an optional sign (Go's strconv.Atoi takes no spaces, `_` or 0x prefix)",
      },
      {
        severity: 'warning',
        code: 'template-atoi-invalid',
        message: '`atoi` of "99999999999999999999" gives 9223372036854775807, as on ACR: the number does not fit in a Go int (int64)',
        location: { file: 'task.yaml', line: 2, col: 1 },
        hint: range,
      },
      {
        severity: 'warning',
        code: 'template-atoi-invalid',
        message: '`atoi` of "-99999999999999999999" gives -9223372036854775808, as on ACR: the number does not fit in a Go int (int64)',
        location: { file: 'task.yaml', line: 2, col: 35 },
        hint: range,
      },
    ]);
  });

  // Outputs and offsets checked against Go 1.19's encoding/base64 through Sprig's b64dec.
  it.each([
    ['abc', 'illegal base64 data at input byte 0'],
    ['abcd!', 'illegal base64 data at input byte 4'],
    ['ab=c', 'illegal base64 data at input byte 2'],
    ['YQ', 'illegal base64 data at input byte 0'],
    ['YQ=', 'illegal base64 data at input byte 3'],
    ['YQ==x', 'illegal base64 data at input byte 4'],
    ['YWJj=', 'illegal base64 data at input byte 4'],
    ['=', 'illegal base64 data at input byte 0'],
    ['é', 'illegal base64 data at input byte 0'],
    ['Y\\nQ', 'illegal base64 data at input byte 1'],
    ['YQ=\\n', 'illegal base64 data at input byte 4'],
    ['YWJjZA=\\r\\n', 'illegal base64 data at input byte 9'],
    ['YWJjZA==\\n\\nx', 'illegal base64 data at input byte 10'],
  ])('outputs Go\'s error text for b64dec of %j, as Sprig does, with a warning', (input, output) => {
    const result = render(`x: {{ b64dec "${input}" }}`);
    expect(result.source?.text).toBe(`x: ${output}`);
    expect(result.diagnostics.map((d) => [d.severity, d.code, d.location?.col, d.message, d.hint])).toEqual([
      [
        'warning',
        'template-b64dec-invalid',
        4,
        `\`b64dec\` cannot decode "${input}", so it outputs the error text \`${output}\`, as on ACR`,
        'pass standard base64 (A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4 characters)',
      ],
    ]);
  });

  it('decodes base64 across line breaks and padding like Go, without a warning', () => {
    const result = render('{{ b64dec "YWJj\\nZGVm" }}|{{ b64dec "YQ=\\n=" }}|{{ b64dec "YQ==" }}|[{{ b64dec "" }}]|[{{ b64dec "\\n" }}]');
    expect(result.source?.text).toBe('abcdef|a|a|[]|[]');
    expect(result.diagnostics).toEqual([]);
  });

  it('gives hasKey and keys a nil map from a variable, a `( … )` or nil, as Go does', () => {
    const result = render(
      '{{ $x := .Values.m }}{{ hasKey $x "a" }}|{{ hasKey (.Values.m) "a" }}|{{ hasKey nil "a" }}|{{ hasKey (index .Values "m") "a" }}|{{ keys nil }}',
    );
    expect(result.source?.text).toBe('false|false|false|false|[]');
    expect(result.diagnostics).toEqual([]);
  });

  // Sprig v2.22's own toInt64/toFloat64 (strconv.ParseInt(s, 10, 64), ParseFloat), not Sprig v3's spf13/cast.
  it('reads what Sprig v2 cannot convert to a number as 0, with a warning', () => {
    const result = render('{{ add "0x10" 1 }}|{{ add "ten" 1 }}|{{ int "9223372036854775808" }}|{{ add1 .Values.l }}\n{{ float64 "1e400" }}|{{ float64 "inf" }}|{{ float64 "-Infinity" }}', {
      l: [1],
    });
    expect(result.source?.text).toBe('1|1|0|1\n0|+Inf|-Inf');
    const decimal = 'pass a decimal integer such as "12" (Sprig v2 reads no 0x prefix, `_`, space or fraction)';
    expect(result.diagnostics.map((d) => [d.severity, d.code, `${d.location?.line}:${d.location?.col}`, d.message, d.hint])).toEqual([
      ['warning', 'template-number-invalid', '1:1', '`add` reads "0x10" as 0, as on ACR', decimal],
      ['warning', 'template-number-invalid', '1:20', '`add` reads "ten" as 0, as on ACR', decimal],
      ['warning', 'template-number-invalid', '1:38', '`int` reads "9223372036854775808" as 0, as on ACR', decimal],
      ['warning', 'template-number-invalid', '1:70', '`add1` reads a []interface {} value as 0, as on ACR', 'pass a number or a decimal integer string'],
      ['warning', 'template-number-invalid', '2:1', '`float64` reads "1e400" as 0, as on ACR', 'pass a decimal number such as "1.5"'],
    ]);
  });

  it('short-circuits and/or like Go: the argument after the deciding one is not evaluated', () => {
    expect(renderText('{{ if and .Values.l (index .Values.l 0) }}yes{{ else }}no{{ end }}', { l: [] })).toBe('no');
    expect(renderText('{{ or "x" (index .Values.l 5) }}', { l: [] })).toBe('x');
  });
});
