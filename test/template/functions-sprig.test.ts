// Sprig v2.22 functions as acb runs them (acr-builder's vendored sprig, goutils, xstrings, semver).
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from '../../src/template/functions.js';
import type { GoObject } from '../../src/template/go-values.js';
import { render, renderText } from './render-helpers.js';

function errorOf(text: string, values: Record<string, unknown> = {}): string | undefined {
  const result = render(text, values);
  expect(result.source).toBeUndefined();
  return result.diagnostics.find((d) => d.severity === 'error')?.message;
}

const SPRIG_V2_22 =
  'hello date date_in_zone date_modify now htmlDate htmlDateInZone dateInZone dateModify ago toDate unixEpoch abbrev abbrevboth trunc trim upper lower title untitle substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat indent nindent replace plural sha1sum sha256sum adler32sum toString atoi int64 int float64 toDecimal split splitList splitn toStrings until untilStep add1 add sub div mod mul biggest max min ceil floor round join sortAlpha default empty coalesce compact deepCopy toJson toPrettyJson ternary typeOf typeIs typeIsLike kindOf kindIs deepEqual env expandenv getHostByName base dir clean ext isAbs b64enc b64dec b32enc b32dec tuple list dict set unset hasKey pluck keys pick omit merge mergeOverwrite values append push prepend first rest last initial reverse uniq without has slice concat genPrivateKey derivePassword buildCustomCert genCA genSelfSignedCert genSignedCert encryptAES decryptAES uuidv4 semver semverCompare fail regexMatch regexFindAll regexFind regexReplaceAll regexReplaceAllLiteral regexSplit urlParse urlJoin';
const GO_BUILTINS = 'and or not len index print printf println eq ne lt le gt ge html js urlquery';

describe('the function set', () => {
  it('has every name of Sprig v2.22 and of Go text/template but `call`', () => {
    const missing = [...SPRIG_V2_22.split(' '), ...GO_BUILTINS.split(' ')].filter((name) => !FUNCTIONS.has(name));
    expect(missing).toEqual([]);
    expect([...UNSUPPORTED_FUNCTIONS].filter((name) => name !== 'call')).toEqual([]);
  });
});

describe('Sprig strings, byte for byte', () => {
  it.each<[string, string]>([
    // Sprig counts bytes: `trunc 7` keeps "Grüße" (7 bytes), `substr 0 2` the first two bytes of 日.
    ['{{ trunc 7 "Grüße 🐳" }}', 'Grüße'],
    ['{{ substr 0 2 "日本語" | len }}|{{ substr 0 3 "日本語" }}|{{ substr 0 2 "日本語" | printf "%x" }}', '2|日|e697'],
    ['{{ substr 1 3 "hello" }}|{{ substr 2 -1 "hello" }}|{{ substr -1 2 "hello" }}|{{ substr 2 99 "hello" }}', 'el|llo|he|llo'],
    ['{{ trunc 5 "hello" }}|{{ trunc 0 "hello" }}|{{ trunc 99 "hi" }}', 'hello||hi'],
    ['{{ quote "a\\u200bb" }}|{{ quote "é\\u00a0" 1 }}|{{ squote "a" 2 }}', '"a\\u200bb"|"é\\u00a0" "1"|\'a\' \'2\''],
    ['{{ camelcase "_a__b_" }}|{{ camelcase "hello_big_world" }}|{{ camelcase "http_server" }}|{{ camelcase "_" }}', '_A_B_|HelloBigWorld|HttpServer|__'],
    ['{{ snakecase "HelloWorldHTTPServer" }}|{{ snakecase "abc123def" }}|{{ snakecase "ABC123Def" }}|{{ snakecase "a-b_c d" }}', 'hello_world_http_server|abc_123def|abc123_def|a_b_c_d'],
    ['{{ kebabcase "FirstName" }}|{{ kebabcase "XMLHttpRequest2" }}', 'first-name|xml-http-request2'],
    ['{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello" }}|{{ abbrev 20 "hello" }}', 'he...|hello|hello'],
    ['{{ abbrevboth 5 10 "1234 5678 9123" }}|{{ abbrevboth 0 4 "abcdefg" }}', '...5678...|a...'],
    ['{{ untitle "Hello World" }}|{{ initials "First Try" }}|{{ initials "über alles" }}', 'hello world|FT|Ãa'],
    ['{{ swapcase "Hello World" }}|{{ swapcase "This Is A.Test" }}', 'hELLO wORLD|tHIS iS a.tEST'],
    ['{{ wrap 5 "Hello World here" }}|{{ wrapWith 5 "\\t" "Hello World" }}|{{ wrapWith 3 "-" "abcdefg" }}', 'Hello\nWorld\nhere|Hello\tWorld|abc-def-g'],
    ['{{ plural "one" "many" 1 }}|{{ plural "one" "many" 2 }}|{{ hello }}', 'one|many|Hello!'],
    ['{{ splitn "$" 2 "foo$bar$baz" }}|{{ splitn "$" 0 "a$b" }}|{{ splitn "$" -1 "a$b" }}', 'map[_0:foo _1:bar$baz]|map[]|map[_0:a _1:b]'],
    ['{{ toStrings (list 1 "a" nil) }}|{{ typeOf (toStrings 1) }}', '[1 a]|[]string'],
    ['{{ shuffle "aab" | len }}|{{ shuffle "" }}', '3|'],
    // Go 1.19's Unicode 13: characters assigned later are unassigned (escaped, no case), and ƛ has no upper case yet.
    ['{{ quote "\u1c89" }}|{{ lower "\u1c89" | printf "%x" }}|{{ upper "ƛ" }}|{{ js "\\U0001FAF8" }}|{{ snakecase "aʕb" }}', '"\\u1c89"|e1b289|ƛ|\\u1FAF8|aʕb'],
    // A byte cut out of a character: kept by replace and printf, U+FFFD after Go's case mapping, \ufffd in JSON.
    ['{{ trunc 1 "日" | upper | len }}|{{ trunc 2 "日" | title | printf "%x" }}|{{ trunc 1 "日" | replace "" "-" | printf "%x" }}|{{ substr 0 1 "é" | toJson }}', '3|efbfbdefbfbd|2de62d|"\\ufffd"'],
  ])('%s', (template, expected) => {
    expect(renderText(template)).toBe(expected);
  });

  it('fails as Sprig v2.22 does on bad byte offsets', () => {
    expect(errorOf('{{ trunc -2 "abcdef" }}')).toBe('error calling trunc: runtime error: slice bounds out of range [:-2]');
    expect(errorOf('{{ substr 4 2 "abcdef" }}')).toBe('error calling substr: runtime error: slice bounds out of range [4:2]');
    expect(errorOf('{{ substr 9 -1 "abc" }}')).toBe('error calling substr: runtime error: slice bounds out of range [9:3]');
    expect(errorOf('{{ substr -1 9 "abc" }}')).toBe('error calling substr: runtime error: slice bounds out of range [:9] with length 3');
    expect(errorOf('{{ repeat -1 "a" }}')).toBe('error calling repeat: strings: negative Repeat count');
    // An int64 (Sprig's arithmetic) is not an int to Go.
    expect(errorOf('{{ trunc (add 1 1) "abc" }}')).toBe('wrong type for value; expected int; got int64');
  });
});

describe('Sprig lists and dicts', () => {
  it.each<[string, string]>([
    ['{{ append (list 1) 2 }}|{{ push (list) "a" }}|{{ prepend (list 1) 0 }}|{{ tuple 1 "b" }}', '[1 2]|[a]|[0 1]|[1 b]'],
    ['{{ rest (list 1 2 3) }}|{{ initial (list 1 2 3) }}|{{ rest (list) }}|{{ reverse (list 1 2 3) }}', '[2 3]|[1 2]|[]|[3 2 1]'],
    ['{{ compact (list 1 0 "" "a" nil false) }}|{{ without (list 1 2 3 1) 1 3 }}|{{ concat (list 1) (list 2 3) }}', '[1 a]|[2]|[1 2 3]'],
    ['{{ sortAlpha (list "b" "a" 3 "B") }}|{{ sortAlpha "x" }}|{{ typeOf (sortAlpha (list)) }}', '[3 B a b]|[x]|[]string'],
    ['{{ slice (list 1 2 3) 1 }}|{{ slice (list 1 2 3) 0 2 }}|{{ slice (list) }}|[{{ slice (list) | typeOf }}]', '[2 3]|[1 2]|<no value>|[<nil>]'],
    ['{{ $d := dict "a" 1 }}{{ set $d "b" 2 }}|{{ unset $d "a" }}|{{ $d }}', 'map[a:1 b:2]|map[b:2]|map[b:2]'],
    ['{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}|{{ pick (dict "a" 1 "b" 2) "a" "z" }}|{{ omit (dict "a" 1 "b" 2) "a" }}', '[1 3]|map[a:1]|map[b:2]'],
    ['{{ values (dict "b" 2 "a" 1) }}|{{ keys (dict "b" 2 "a" 1) (dict "c" 3) }}', '[1 2]|[a b c]'],
    ['{{ merge (dict "a" 1 "c" (dict "x" 1)) (dict "a" 2 "b" 3 "c" (dict "y" 2)) }}', 'map[a:1 b:3 c:map[x:1 y:2]]'],
    ['{{ mergeOverwrite (dict "a" 1 "k" 5) (dict "a" 2 "b" 3 "k" 0) }}|{{ merge (dict "a" "") (dict "a" "x") }}', 'map[a:2 b:3 k:0]|map[a:x]'],
    // mergo: mergeOverwrite takes empty and nil src values too; merge skips nil ones.
    ['{{ mergeOverwrite (dict "a" 1) (dict "a" "") }}|{{ mergeOverwrite (dict "a" (dict "x" 1 "y" 2)) (dict "a" (dict "x" 0 "z" 3)) }}|{{ merge (dict) (dict "a" nil) }}|{{ mergeOverwrite (dict "a" 1) (dict "a" nil) }}', 'map[a:]|map[a:map[x:0 y:2 z:3]]|map[]|map[a:<nil>]'],
    // A src map never replaces a non-empty dst value; a src list does with mergeOverwrite.
    ['{{ mergeOverwrite (dict "c" (until 2)) (dict "c" (dict "k" 1)) }}|{{ mergeOverwrite (dict "c" 1) (dict "c" (list 2)) }}|{{ merge (dict "c" 1) (dict "c" (list 2)) }}|{{ merge (dict "c" "") (dict "c" (dict "k" 1)) }}', 'map[c:[0 1]]|map[c:[2]]|map[c:1]|map[c:map[k:1]]'],
    ['{{ $a := dict "l" (list 1) }}{{ $b := deepCopy $a }}{{ set $b "z" 1 | len }}|{{ $a }}', '2|map[l:[1]]'],
  ])('%s', (template, expected) => {
    expect(renderText(template)).toBe(expected.replace('<no value>', ''));
  });

  it('changes the dict it is given, as Go does: .Values too', () => {
    expect(renderText('{{ $_ := set .Values "x" "y" }}{{ .Values.x }}')).toBe('y');
  });

  it('fails with Sprig\'s panics on a value that is not a list', () => {
    expect(errorOf('{{ first "abc" }}')).toBe('error calling first: Cannot find first on type string');
    expect(errorOf('{{ append 1 2 }}')).toBe('error calling append: Cannot push on type int');
    expect(errorOf('{{ concat (list 1) (dict) }}')).toBe('error calling concat: Cannot concat type map as list');
    expect(errorOf('{{ slice "abc" 1 }}')).toBe('error calling slice: list should be type of slice or array but string');
    expect(errorOf('{{ slice (list 1 2) 1 5 }}')).toBe('error calling slice: reflect.Value.Slice: slice index out of bounds');
    expect(errorOf('{{ last nil }}')).toBe('error calling last: runtime error: invalid memory address or nil pointer dereference');
  });
});

describe('Sprig numbers and types', () => {
  it.each<[string, string]>([
    ['{{ until 3 }}|{{ until -2 }}|{{ untilStep 0 10 3 }}|{{ untilStep 5 0 -2 }}|{{ untilStep 0 5 -1 }}', '[0 1 2]|[0 -1]|[0 3 6 9]|[5 3 1]|[]'],
    ['{{ biggest 1 5 2 }}|{{ ceil 1.2 }}|{{ floor 1.8 }}|{{ floor "2.5" }}|{{ ceil 3 | typeOf }}', '5|2|1|2|float64'],
    ['{{ round 3.14159 2 }}|{{ round 2.5 0 }}|{{ round 2.4 0 }}|{{ round 1.234 1 0.3 }}', '3.14|3|2|1.3'],
    // strconv.ParseFloat's syntax: underscores between digits, hex floats.
    ['{{ float64 "1_0" }}|{{ float64 "0x1p-2" }}|{{ float64 ".5" }}|{{ float64 "1__0" }}|{{ float64 "0x10" }}|{{ floor "-Inf" }}', '10|0.25|0.5|0|0|-Inf'],
    // int64 arithmetic: exact beyond 2^53, wrapping on overflow.
    ['{{ add 9007199254740993 0 }}|{{ add 9223372036854775807 1 }}|{{ mul 4294967296 4294967296 }}|{{ div -7 2 }}|{{ mod -7 2 }}|{{ max 9007199254740993 1 }}', '9007199254740993|-9223372036854775808|0|-3|-1|9007199254740993'],
    ['{{ toDecimal "0777" }}|{{ toDecimal 777 }}|{{ toDecimal "8" }}', '511|511|0'],
    // Sprig's arithmetic returns int64, a type of its own to Go.
    ['{{ add 1 2 | typeOf }}|{{ int "5" | typeOf }}|{{ int64 5 | kindOf }}|{{ eq (add 1 1) 2 }}|{{ printf "%T %d %v" (mul 2 3) (sub 9 2) (div 9 2) }}|{{ has 2 (list (add 1 1)) }}', 'int64|int|int64|true|int64 7 4|false'],
    ['{{ typeOf 1 }}|{{ typeOf "a" }}|{{ typeOf 1.5 }}|{{ typeOf (list) }}|{{ typeOf (dict) }}|{{ typeOf nil }}', 'int|string|float64|[]interface {}|map[string]interface {}|<nil>'],
    ['{{ typeOf (splitList "," "a") }}|{{ typeOf (split "," "a") }}|{{ typeOf (until 2) }}|{{ typeOf (semver "1.2.3") }}|{{ typeOf now }}', '[]string|map[string]string|[]int|*semver.Version|time.Time'],
    ['{{ kindOf (dict) }}|{{ kindOf (list) }}|{{ kindOf nil }}|{{ kindOf "a" }}|{{ kindOf now }}|{{ kindOf (semver "1.0.0") }}', 'map|slice|invalid|string|struct|ptr'],
    ['{{ typeIs "int" 3 }}|{{ typeIsLike "semver.Version" (semver "1.0.0") }}|{{ kindIs "slice" (list) }}', 'true|true|true'],
    ['{{ deepEqual (list 1 (dict "a" 2)) (list 1 (dict "a" 2)) }}|{{ deepEqual (list "a") (splitList "," "a") }}|{{ deepEqual 1 1.0 }}', 'true|false|false'],
    ['{{ ternary "y" "n" true }}|{{ ternary "y" "n" false }}', 'y|n'],
  ])('%s', (template, expected) => {
    expect(renderText(template)).toBe(expected);
  });
});

describe('Sprig encodings, paths and URLs', () => {
  it.each<[string, string]>([
    ['{{ adler32sum "Hello" }}|{{ adler32sum "" }}', '93061621|1'],
    ['{{ b32enc "Hello" }}|{{ b32enc "a" }}|{{ b32dec "JBSWY3DP" }}|{{ b32dec "ME======" }}', 'JBSWY3DP|ME======|Hello|a'],
    ['{{ b32dec "JBSWY3D" }}|{{ b32dec "JBSWY3D1" }}', 'illegal base32 data at input byte 0|illegal base32 data at input byte 7'],
    ['{{ b32dec "ME=====" }}|{{ b32dec "M=======" }}|{{ b32dec "ME======ME======" }}|{{ b32dec "MEAAAAAAAA======" | len }}', 'illegal base32 data at input byte 7|illegal base32 data at input byte 1|illegal base32 data at input byte 2|6'],
    ['{{ b64dec "5pel" | len }}|{{ b64dec "5pc=" | b64enc }}', '3|5pc='],
    ['{{ base "/a/b.txt" }}|{{ base "a/b/" }}|{{ base "" }}|{{ base "///" }}', 'b.txt|b|.|/'],
    ['{{ dir "/a/b.txt" }}|{{ dir "a" }}|{{ dir "/" }}|{{ clean "a//b/../c/" }}|{{ clean "/../x" }}|{{ clean "" }}', '/a|.|/|a/c|/x|.'],
    ['{{ ext "x.tar.gz" }}|{{ ext "a.b/c" }}|{{ isAbs "/x" }}|{{ isAbs "x" }}', '.gz||true|false'],
    ['{{ $u := urlParse "https://user:pw@example.com:8080/p/a%20b?q=1#frag" }}{{ $u.scheme }} {{ $u.host }} {{ $u.hostname }} {{ $u.path }} {{ $u.query }} {{ $u.fragment }} {{ $u.userinfo }}', 'https example.com:8080 example.com /p/a b q=1 frag user:pw'],
    ['{{ (urlParse "mailto:a@b.c").opaque }}', 'a@b.c'],
    ['{{ urlParse "http://ü.de/ä" | urlJoin }}|{{ urlJoin (dict "host" "p q") }}|{{ urlJoin (dict "host" "/p" "path" "x") }}', 'http://%C3%BC.de/%C3%A4|//p%20q|//%2Fp/x'],
    ['{{ (urlParse "http://[fe80::1%25en0]:8080/").hostname }}|{{ urlParse "http://u%40:p%3A@h/" | urlJoin }}', 'fe80::1%en0|http://u%40:p%3A@h/'],
    ['{{ urlJoin (dict "scheme" "https" "host" "h.com" "path" "/a b" "query" "x=1" "fragment" "f") }}|{{ urlJoin (dict "path" "a:b") }}', 'https://h.com/a%20b?x=1#f|./a:b'],
    // A nil or missing value is `<no value>` to html, js and urlquery (escaped, ACR keeps it).
    ['{{ html .Values.nope }}|{{ js .Values.nope 1 }}|{{ urlquery .Values.nope }}|{{ print .Values.nope }}', '&lt;no value&gt;|\\u003Cno value\\u003E1|%3Cno+value%3E|<nil>'],
    ['{{ html "<a href=\'x\'>&" }}|{{ js "a\'b<c=\\"" }}|{{ urlquery "a b&c/é" }}|{{ html 1 2 }}', '&lt;a href=&#39;x&#39;&gt;&amp;|a\\\'b\\u003Cc\\u003D\\"|a+b%26c%2F%C3%A9|1 2'],
  ])('%s', (template, expected) => {
    expect(renderText(template)).toBe(expected);
  });

  it('expands the environment as os.ExpandEnv does', () => {
    process.env['TASKRUN_T1'] = 'v';
    expect(renderText('{{ expandenv "$TASKRUN_T1|${TASKRUN_T1}|$|${}|$ x|${TASKRUN_T1" }}')).toBe('v|v|$||$ x|TASKRUN_T1');
    delete process.env['TASKRUN_T1'];
  });

  it('looks a host name up, as getHostByName does', () => {
    expect(renderText('{{ getHostByName "localhost" }}')).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(errorOf('{{ getHostByName "no-such-host.invalid" }}')).toBe('error calling getHostByName: invalid argument to Intn');
  }, 30_000);

  it('fails where Sprig fails', () => {
    expect(errorOf('{{ fail "no way" }}')).toBe('error calling fail: no way');
    expect(errorOf('{{ urlParse "http://a b/" }}')).toBe('error calling urlParse: unable to parse url: parse "http://a b/": invalid character " " in host name');
    expect(errorOf('{{ urlParse "http://%41/" }}')).toBe('error calling urlParse: unable to parse url: parse "http://%41/": invalid URL escape "%41"');
    expect(errorOf('{{ urlParse "%zz" }}')).toBe('error calling urlParse: unable to parse url: parse "%zz": invalid URL escape "%zz"');
    expect(errorOf('{{ indent -1 "x" }}')).toBe('error calling indent: strings: negative Repeat count');
    expect(errorOf('{{ len nil }}')).toBe('error calling len: reflect: call of reflect.Value.Type on zero Value');
    expect(errorOf('{{ urlJoin (dict "userinfo" "a@b:c d" "host" "h") }}')).toBe(
      'error calling urlJoin: unable to parse userinfo in dict: parse "proto://a@b:c d@host": net/url: invalid userinfo',
    );
    expect(errorOf('{{ ternary 1 2 .Values.nope }}')).toBe('wrong type for value; expected bool; got interface {}');
    expect(errorOf('{{ urlJoin (dict "host" 1) }}')).toBe('error calling urlJoin: unable to parse host key, must be of type string, but int found');
  });
});

describe('Sprig regular expressions on RE2', () => {
  it.each<[string, string]>([
    ['{{ regexMatch "(" "x" }}|{{ regexMatch "^v[0-9]+$" "v12" }}', 'false|true'],
    // Catastrophic for a backtracking engine; RE2 answers at once.
    ['{{ regexMatch "(a+)+$" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" }}|{{ regexMatch "(a+)+$" "baaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }}', 'false|true'],
    ['{{ regexFindAll "a." "abacad" -1 }}|{{ regexFindAll "a." "abacad" 2 }}|{{ regexFindAll "z" "abc" -1 }}|{{ regexFindAll "a*" "baaab" -1 }}', '[ab ac ad]|[ab ac]|[]|[ aaa ]'],
    ['{{ regexSplit "a" "banana" -1 }}|{{ regexSplit "a" "banana" 2 }}|{{ regexSplit "x*" "abc" -1 }}|{{ regexSplit "a" "" -1 | len }}', '[b n n ]|[b nana]|[a b c]|1'],
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}|{{ regexReplaceAll "a*" "baaac" "X" }}', '-W-xxW-|---|XbXcX'],
    ['{{ regexReplaceAll "(?P<k>\\\\w+)=(\\\\w+)" "a=1 b=2" "$2:${k}$$" }}|{{ regexReplaceAllLiteral "a(x*)b" "-axb-" "${1}" }}', '1:a$ 2:b$|-${1}-'],
    ['{{ regexReplaceAll "(a)" "a" "${1" }}|{{ regexReplaceAll "(a)" "a" "$01|$+|$" }}', '${1||$+|$'],
    ['{{ regexFind "[0-9]+" "ab12cd34" }}|{{ regexFind "(?i)AB" "xaby" }}|{{ regexFind "\\\\pL+" "12日本" }}', '12|ab|日本'],
  ])('%s', (template, expected) => {
    expect(renderText(template)).toBe(expected);
  });

  it('fails on a bad pattern with Go\'s message, as regexp.MustCompile panics', () => {
    expect(errorOf('{{ regexFind "(" "x" }}')).toBe('error calling regexFind: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`');
    expect(errorOf('{{ regexReplaceAll "a**" "x" "y" }}')).toBe('error calling regexReplaceAll: regexp: Compile(`a**`): error parsing regexp: invalid nested repetition operator: `**`');
    // Go 1.19 (acb's) has no (?<name>…) groups.
    expect(errorOf('{{ regexFind "(?<n>a)" "a" }}')).toBe('error calling regexFind: regexp: Compile(`(?<n>a)`): error parsing regexp: invalid or unsupported Perl syntax: `(?<`');
  });
});

describe('Sprig semver', () => {
  it.each<[string, string]>([
    ['{{ semver "v1.2" }}|{{ semver "1.2.3-beta.1+b5" }}|{{ semver "1.2.3" | toJson }}', '1.2.0|1.2.3-beta.1+b5|"1.2.3"'],
    ['{{ semverCompare "^1.2.0" "1.3.4" }}|{{ semverCompare "^1.2.0" "2.0.0" }}|{{ semverCompare "~1.2" "1.2.9" }}|{{ semverCompare "~1.2" "1.3.0" }}', 'true|false|true|false'],
    ['{{ semverCompare ">1.0, <2" "2.0.0" }}|{{ semverCompare "1.2 - 1.4" "1.3.0" }}|{{ semverCompare "<1.0 || >=3" "3.1.0" }}', 'true|true|true'],
    ['{{ semverCompare ">=1.0.0" "1.1.0-alpha" }}|{{ semverCompare ">=1.0.0-0" "1.1.0-alpha" }}|{{ semverCompare "1.x" "1.9.9" }}|{{ semverCompare "!=1.2.3" "1.2.3" }}', 'false|true|true|false'],
    ['{{ semverCompare "!=1.2.3" "1.2.3-alpha" }}|{{ semverCompare "!=1.x" "1.2.3-alpha" }}', 'true|false'],
  ])('%s', (template, expected) => {
    expect(renderText(template)).toBe(expected);
  });

  it('fails on a bad constraint or version', () => {
    expect(errorOf('{{ semverCompare "x y" "1.0.0" }}')).toBe('error calling semverCompare: improper constraint: x y');
    expect(errorOf('{{ semverCompare "1.0" "nope" }}')).toBe('error calling semverCompare: Invalid Semantic Version');
    expect(errorOf('{{ semver "1.2.3.4" }}')).toBe('error calling semver: Invalid Semantic Version');
  });
});

describe('Sprig dates', () => {
  it.each<[string, string]>([
    ['{{ htmlDate 0 }}|{{ date "2006-01-02T15:04:05Z07:00 Mon Jan _2 3PM .000 .999" 86400 }}', '1970-01-01|1970-01-02T00:00:00Z Fri Jan  2 12AM .000 '],
    ['{{ dateInZone "2006-01-02 15:04 MST -0700" 0 "America/New_York" }}|{{ dateInZone "15:04 MST" 0 "Nope/Zone" }}|{{ htmlDateInZone 0 "Asia/Tokyo" }}', '1969-12-31 19:00 EST -0500|00:00 UTC|1970-01-01'],
    ['{{ date_in_zone "Monday, 02-Jan-06 15:04:05" 1700000000 "UTC" }}', 'Tuesday, 14-Nov-23 22:13:20'],
    ['{{ toDate "2006-01-02" "2020-03-04" }}|{{ toDate "2006-01-02" "bad" }}', '2020-03-04 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC'],
    ['{{ toDate "2006-01-02 15:04:05.000 -07:00" "2020-03-04 05:06:07.250 +02:00" | unixEpoch }}|{{ toDate "Jan 2 2006 3:04PM" "Mar 4 2020 1:30PM" | date "15:04" }}', '1583291167|13:30'],
    ['{{ dateModify "1h30m" (toDate "2006-01-02" "2020-03-04") }}|{{ date_modify "-1.5h" (toDate "2006-01-02" "2020-03-04") | unixEpoch }}|{{ dateModify "bad" (toDate "2006" "2020") | htmlDate }}', '2020-03-04 01:30:00 +0000 UTC|1583274600|2020-01-01'],
    ['{{ toDate "2006-01-02" "2020-03-04" | toJson }}', '"2020-03-04T00:00:00Z"'],
    // Go 1.19's year-day elements; a layout without a year parses to year 0.
    ['{{ date "002|__2|_2006" 1700000000 }}|{{ toDate "Jan _2" "Mar  4" }}|{{ toDate "2006 002" "2020 060" | htmlDate }}', '318|318|_2023|0000-03-04 00:00:00 +0000 UTC|2020-02-29'],
    // Go's parser: `Jan` before a lower-case letter is text, spaces match runs, GMT+N zones, year days checked.
    ['{{ date "Janet Month" 0 }}|{{ toDate "2006  01" "2020 3" }}|{{ toDate "2006-01-02 MST" "2020-03-04 GMT+3" }}|{{ toDate "2006 002 01" "2020 060 03" }}', 'Janet Month|0001-01-01 00:00:00 +0000 UTC|2020-03-04 03:00:00 +0300 GMT+3|0001-01-01 00:00:00 +0000 UTC'],
    ['{{ toDate "2006-01-02 15:04:05 MST" "2020-03-04 05:06:07 PST" }}|{{ toDate "2006-01-02 MST" "2020-03-04 UTC" }}', '2020-03-04 05:06:07 +0000 PST|2020-03-04 00:00:00 +0000 UTC'],
  ])('%s', (template, expected) => {
    const previous = process.env['TZ'];
    process.env['TZ'] = 'UTC';
    try {
      expect(renderText(template)).toBe(expected);
    } finally {
      if (previous === undefined) delete process.env['TZ'];
      else process.env['TZ'] = previous;
    }
  });

  it('prints now as Go prints time.Now(), monotonic reading included', () => {
    expect(renderText('{{ now }}')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? [+-]\d{4} \S+ m=\+\d+\.\d{9}$/);
    expect(renderText('{{ now | date "2006" }}')).toBe(String(new Date().getFullYear()));
  });

  it('tells how long ago as time.Duration prints it, rounded to seconds', () => {
    const seconds = Math.floor(Date.now() / 1000);
    expect(renderText(`{{ ago ${seconds - 3725} }}`)).toMatch(/^1h2m(5|6)s$/);
    expect(renderText(`{{ ago ${seconds} }}`)).toMatch(/^-?[01]s$/);
  });

  it('needs a time for dateModify and unixEpoch, as Go does', () => {
    expect(errorOf('{{ dateModify "1h" "2020" }}')).toBe('wrong type for value; expected time.Time; got string');
  });
});

describe('Sprig random and crypto functions', () => {
  it('makes random text of the right form', () => {
    expect(renderText('{{ uuidv4 }}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(renderText('{{ randAlphaNum 12 }}')).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(renderText('{{ randAlpha 8 }}')).toMatch(/^[A-Za-z]{8}$/);
    expect(renderText('{{ randNumeric 6 }}')).toMatch(/^[0-9]{6}$/);
    expect(renderText('{{ randAscii 10 | len }}')).toBe('10');
    expect(renderText('{{ randAscii 200 }}')).toMatch(/^[\x20-\x7e]{200}$/);
    expect(renderText('{{ randAlpha 0 }}{{ randAlpha -1 }}')).toBe('');
  });

  it('derives Master Password passwords', () => {
    // The Master Password algorithm's published test vector (user, password, site, counter 1, long).
    expect(renderText('{{ derivePassword 1 "long" "password" "user" "example.com" }}')).toBe('ZedaFaxcZaso9*');
    expect(renderText('{{ derivePassword 1 "nope" "p" "u" "s" }}')).toBe('cannot find password template nope');
  });

  it('encrypts and decrypts AES as Sprig does', () => {
    expect(renderText('{{ encryptAES "secret" "hello" | decryptAES "secret" }}|{{ encryptAES "k" "" }}|{{ encryptAES "k" "abc" | b64dec | len }}')).toBe('hello||32');
    expect(errorOf('{{ decryptAES "k" "YWJj" }}')).toBe('error calling decryptAES: runtime error: slice bounds out of range [:16] with capacity 3');
  });

  it('makes private keys and certificates in PEM', () => {
    expect(renderText('{{ genPrivateKey "ecdsa" }}')).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END EC PRIVATE KEY-----\n$/);
    expect(renderText('{{ genPrivateKey "bogus" }}')).toBe('Unknown type bogus');
    const out = renderText(
      '{{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "x.com" (list "10.0.0.1") (list "x.com") 30 $ca }}' +
        '{{ $ca.Cert }}|{{ $c.Cert }}|{{ $c.Key }}|{{ (genSelfSignedCert "s" nil nil 1).Cert | len | lt 100 }}|{{ typeOf $ca }}',
    );
    const [caCert, cert, key, selfSigned, type] = out.split('|');
    expect(caCert).toMatch(/^-----BEGIN CERTIFICATE-----\n[^-]+-----END CERTIFICATE-----\n$/);
    expect(key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect([selfSigned, type]).toEqual(['true', 'sprig.certificate']);
    const ca = new X509Certificate(caCert ?? '');
    const leaf = new X509Certificate(cert ?? '');
    expect(ca.subject).toBe('CN=my-ca');
    expect(ca.ca).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:x.com, IP Address:10.0.0.1');
  }, 30_000);

  it('rebuilds a certificate from base64 PEM', () => {
    const out = renderText('{{ $ca := genCA "c" 1 }}{{ $b := buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}{{ eq $b.Cert $ca.Cert }}');
    expect(out).toBe('true');
    expect(errorOf('{{ buildCustomCert "!!" "x" }}')).toBe('error calling buildCustomCert: unable to decode base64 certificate');
    expect(errorOf('{{ len (genCA "x" 1) }}')).toBe('error calling len: len of type sprig.certificate');
    expect(errorOf('{{ index (genCA "x" 1) "Cert" }}')).toBe("error calling index: can't index item of type sprig.certificate");
  }, 30_000);
});

describe('fields and methods of Go values', () => {
  const context = { name: 'test', warn: () => undefined };
  const call = (name: string, ...args: unknown[]) => FUNCTIONS.get(name)?.call(args, context);
  it('answers a version\'s methods', () => {
    const version = call('semver', 'v1.2.3-rc.1+b7') as GoObject;
    expect(['Major', 'Minor', 'Patch', 'Prerelease', 'Metadata', 'Original'].map((name) => version.field(name))).toEqual([1, 2, 3, 'rc.1', 'b7', 'v1.2.3-rc.1+b7']);
    expect(String(version.field('IncMinor'))).toBe('1.3.0');
    expect(version.field('Nope')).toBeUndefined();
  });
  it('answers a time\'s methods', () => {
    // A layout with a zone: the result does not depend on the machine's.
    const time = call('toDate', '2006-01-02 15:04:05 -0700', '2020-03-04 05:06:07 +0000') as GoObject;
    expect(['Unix', 'Year', 'Month', 'Day', 'Hour', 'Weekday', 'YearDay'].map((name) => time.field(name))).toEqual([1583298367, 2020, 'March', 4, 5, 'Wednesday', 64]);
  });
});

describe('toDate zones, as time.ParseInLocation sets them', () => {
  it.each<[string, string]>([
    ['{{ toDate "2006-01-02 -0700" "2020-03-04 +0530" }}', '2020-03-04 00:00:00 +0530 +0530'],
    ['{{ toDate "2006-01-02 -0700" "2020-03-04 +0000" }}', '2020-03-04 00:00:00 +0000 UTC'],
    ['{{ toDate "2006-01-02 Z07:00" "2020-03-04 Z" }}', '2020-03-04 00:00:00 +0000 UTC'],
    ['{{ toDate "2006-01-02 -0700 MST" "2020-03-04 -0500 EST" }}', '2020-03-04 00:00:00 -0500 EST'],
  ])('%s', (template, expected) => {
    const previous = process.env['TZ'];
    process.env['TZ'] = 'UTC';
    try {
      expect(renderText(template)).toBe(expected);
    } finally {
      if (previous === undefined) delete process.env['TZ'];
      else process.env['TZ'] = previous;
    }
  });
});

// The tz database comes with Debian's tzdata, which the lab makes sure of (scripts/lab.sh).
describe('zone names from the tz database, as Go reads them', () => {
  it('prints the tz abbreviation', () => {
    expect(renderText('{{ dateInZone "15:04 MST" 0 "Asia/Kolkata" }}|{{ dateInZone "15:04 MST" 0 "Europe/Berlin" }}|{{ dateInZone "15:04 MST" 1700000000 "Asia/Tokyo" }}|{{ dateInZone "MST" 1690000000 "Europe/Berlin" }}')).toBe(
      '05:30 IST|01:00 CET|07:13 JST|CEST',
    );
  });
});

describe('dates in a zone with daylight saving time, as Go resolves them', () => {
  it('parses wall times in gaps and abbreviations of the local zone', () => {
    const previous = process.env['TZ'];
    process.env['TZ'] = 'Europe/Berlin';
    try {
      expect(renderText('{{ toDate "2006-01-02 15:04" "2023-03-26 02:30" }}|{{ toDate "2006-01-02 15:04" "2023-10-29 02:30" }}')).toBe(
        '2023-03-26 03:30:00 +0200 CEST|2023-10-29 02:30:00 +0100 CET',
      );
      expect(renderText('{{ toDate "2006-01-02 15:04 MST" "2023-01-01 12:00 CEST" }}|{{ toDate "Jan" "Jan" }}')).toBe(
        '2023-01-01 11:00:00 +0100 CET|0000-01-01 00:00:00 +0053 LMT',
      );
    } finally {
      if (previous === undefined) delete process.env['TZ'];
      else process.env['TZ'] = previous;
    }
  });
});

describe('integers beyond 2^53', () => {
  it('keeps int64 conversions of decimal strings exact', () => {
    expect(renderText('{{ int64 "9223372036854775807" }}|{{ int "-9007199254740993" }}|{{ int64 "9223372036854775808" }}')).toBe('9223372036854775807|-9007199254740993|0');
  });
});
