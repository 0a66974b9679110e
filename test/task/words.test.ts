import { describe, it, expect } from 'vitest';
import { findHostShellFeatures, findHostShellFeaturesInValue, splitWords } from '../../src/task/words.js';

describe('splitWords', () => {
  it.each([
    { text: '-t x --build-arg "A=b c" --pull https://x.git', words: ['-t', 'x', '--build-arg', 'A=b c', '--pull', 'https://x.git'] },
    { text: 'echo $HOME ${HOME} "$HOME x"', words: ['echo', '$HOME', '${HOME}', '$HOME x'] },
    { text: "echo '$HOME' ${A:-x} $$ $1", words: ['echo', '$HOME', '${A:-x}', '$$', '$1'] },
    { text: 'https://github.com/a/b.git#main:sub', words: ['https://github.com/a/b.git#main:sub'] },
    { text: 'echo # not a comment', words: ['echo', '#', 'not', 'a', 'comment'] },
    { text: 'a > b; c && d | e 2>&1', words: ['a', '>', 'b;', 'c', '&&', 'd', '|', 'e', '2>&1'] },
    { text: '-t x:$(date) .', words: ['-t', 'x:$(date)', '.'] },
    { text: 'busybox echo a&&b x>y 2>&1 a||b (c) <in', words: ['busybox', 'echo', 'a&&b', 'x>y', '2>&1', 'a||b', '(c)', '<in'] },
    { text: 'curl http://h/?a=1&b=2;x', words: ['curl', 'http://h/?a=1&b=2;x'] },
    { text: `a "" '' b""c "x y"z`, words: ['a', '', '', 'bc', 'x yz'] },
    { text: 'a\\&&b "c\\d" \\', words: ['a&&b', 'c\\d', '\\'] },
    { text: 'ls *.txt a\\ b "c\\"d"', words: ['ls', '*.txt', 'a b', 'c"d'] },
    { text: 'one\n  two\tthree', words: ['one', 'two', 'three'] },
    { text: '', words: [] },
  ])('$text', ({ text, words }) => {
    expect(splitWords(text)).toEqual({ words });
  });

  it('reports an unclosed quote with the index of the quote that opened it', () => {
    expect(splitWords('echo "abc def')).toEqual({ words: ['echo', 'abc', 'def'], unclosedQuote: { quote: '"', index: 5 } });
    expect(splitWords("echo 'abc")).toEqual({ words: ['echo', 'abc'], unclosedQuote: { quote: "'", index: 5 } });
    expect(splitWords('echo "it\'s"').unclosedQuote).toBe(undefined);
  });

  it.each([
    { text: `a 'b' "c`, quote: '"', index: 6 },
    { text: `a "b" 'c "d`, quote: "'", index: 6 },
    { text: `a \\'b 'c`, quote: "'", index: 6 },
    { text: `a "b \\" c`, quote: '"', index: 2 },
    { text: `a 'b \\' "c`, quote: '"', index: 8 },
    { text: `sh -c 'echo "x`, quote: "'", index: 6 },
  ])('finds the open quote in $text', ({ text, quote, index }) => {
    expect(splitWords(text).unclosedQuote).toEqual({ quote, index });
  });
});

describe('findHostShellFeatures', () => {
  it.each([
    { text: 'bash echo $HOME > out.txt', features: ['$HOME', '>'] },
    { text: "alpine sh -c 'echo $HOME > out.txt; ls | wc'", features: [] },
    { text: 'alpine echo "$(date) ${USER} `id`" ">" ";"', features: ['$(…)', '${USER}', 'backticks'] },
    { text: 'a < b | c || d; e & f >> g 2>&1', features: ['<', '|', '||', ';', '&', '>>', '>&'] },
    { text: 'alpine echo \\$HOME \\> x', features: [] },
    { text: 'alpine echo one\nalpine echo two\n', features: ['a line break'] },
    { text: 'alpine echo "one\ntwo"\n', features: [] },
    { text: 'alpine echo 5$ costs', features: [] },
    { text: 'busybox echo a&&b x>y 2>&1', features: ['&&', '>', '>&'] },
    { text: 'alpine ls ~ ~/x a~b "~" \\~', features: ['~'] },
    { text: 'alpine echo a#b # rest', features: ['a `#` comment'] },
    { text: 'alpine echo a;#b', features: [';', 'a `#` comment'] },
    { text: "alpine echo '#' \"#\" \\# $# x.git#main", features: ['$#'] },
    { text: 'alpine ls *.txt a? "*" \\?', features: ['*', '?'] },
    { text: 'alpine ls [ab].txt [ x] "[a]"', features: ['[…]'] },
    { text: 'alpine echo $? $* ${A:?err}', features: ['$?', '$*', '${A:?err}'] },
    { text: 'curl http://h/?a=1&b=2', features: ['?', '&'] },
  ])('$text', ({ text, features }) => {
    expect(findHostShellFeatures(text)).toEqual(features);
  });
});

describe('findHostShellFeaturesInValue', () => {
  it.each([
    { text: 'A=b', features: [] },
    { text: '/workspace/src', features: [] },
    { text: 'A=hello world', features: ['a blank'] },
    { text: 'HOME=$HOME', features: ['$HOME'] },
    { text: '~/app', features: ['~'] },
    { text: 'A="x y"', features: ['quotes or backslashes'] },
    { text: 'A=x\\ y', features: ['quotes or backslashes'] },
    { text: '1000:$GID x', features: ['$GID', 'a blank'] },
  ])('$text', ({ text, features }) => {
    expect(findHostShellFeaturesInValue(text)).toEqual(features);
  });
});

describe('POSIX steps around backslashes', () => {
  it.each<[string, string[]]>([
    ['busybox sh -c "echo home=\\$HOME"', ['busybox', 'sh', '-c', 'echo home=$HOME']],
    ["busybox sh -c 'echo \\$HOME'", ['busybox', 'sh', '-c', 'echo \\$HOME']],
    ['busybox sh -c \\\n"echo hi"', ['busybox', 'sh', '-c', 'echo hi']],
    ['a "x\\`y"', ['a', 'x`y']],
    ['echo "a\\\\b" "q\\"w"', ['echo', 'a\\b', 'q"w']],
  ])('%j', (input, expected) => {
    expect(splitWords(input).words).toEqual(expected);
  });
});
