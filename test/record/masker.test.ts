import { describe, expect, it } from 'vitest';
import { createMasker, MASK } from '../../src/record/masker.js';

function streamThrough(secrets: readonly string[], chunks: readonly string[]): string[] {
  const stream = createMasker(secrets).createStreamMasker();
  return [...chunks.map((chunk) => stream.write(chunk)), stream.end()];
}

describe('createMasker().mask', () => {
  it('replaces every occurrence of a secret with ***', () => {
    expect(createMasker(['hunter22']).mask('pw=hunter22; again hunter22')).toBe('pw=***; again ***');
  });

  it('masks secrets shorter than 4 characters in whole strings', () => {
    expect(createMasker(['ab']).mask('xaby')).toBe('x***y');
  });

  it('leaves text alone when there are no secrets, and ignores empty ones', () => {
    const masker = createMasker(['']);
    expect(masker.hasSecrets).toBe(false);
    expect(masker.mask('anything')).toBe('anything');
  });

  it('masks overlapping secrets as one span, so no part of either shows', () => {
    expect(createMasker(['abcdef', 'defghi']).mask('[abcdefghi]')).toBe('[***]');
  });

  it('masks a multi-line secret whole, with CRLF line ends, and each line of 4 or more characters', () => {
    const masker = createMasker(['-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA\nab\n-----END KEY-----']);
    expect(masker.mask('key:\n-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA\nab\n-----END KEY-----\n')).toBe('key:\n***\n');
    expect(masker.mask('-----BEGIN KEY-----\r\nMIIEpAIBAAKCAQEA\r\nab\r\n-----END KEY-----')).toBe('***');
    expect(masker.mask('line 2 was MIIEpAIBAAKCAQEA, then ab')).toBe('line 2 was ***, then ab');
  });

  it('masks strings inside objects and arrays, keeping other values', () => {
    const masker = createMasker(['s3cret']);
    expect(masker.maskValue({ a: 's3cret!', b: ['x s3cret'], c: 3, d: null, e: { f: true } })).toEqual({
      a: '***!',
      b: ['x ***'],
      c: 3,
      d: null,
      e: { f: true },
    });
  });
});

describe('createStreamMasker', () => {
  it('never writes a secret split across two chunks', () => {
    expect(streamThrough(['hunter22'], ['password: hun', 'ter22 ok\n'])).toEqual(['password: ', '*** ok\n', '']);
  });

  it('masks a secret split over many one-character chunks', () => {
    const out = streamThrough(['hunter22'], [...'<hunter22>']);
    expect(out.join('')).toBe('<***>');
    expect(out.some((piece) => piece.includes('hunter22'))).toBe(false);
  });

  it('releases a held-back prefix once the next chunk shows it is not a secret', () => {
    expect(streamThrough(['hunter22'], ['go hun', 'gry\n'])).toEqual(['go ', 'hungry\n', '']);
  });

  it('writes out a held-back prefix at the end of the stream', () => {
    expect(streamThrough(['hunter22'], ['last word: hunt'])).toEqual(['last word: ', 'hunt']);
  });

  it('waits for the longer of two secrets that start the same way', () => {
    expect(streamThrough(['abcd', 'abcdefgh'], ['x abcd', 'efgh y'])).toEqual(['x ', '*** y', '']);
  });

  it('masks a multi-line secret whose lines arrive in separate chunks', () => {
    const secret = 'first-line\nsecond-line';
    const out = streamThrough([secret], ['a\nfirst-', 'line\nsec', 'ond-line\nb\n']);
    expect(out.join('')).toBe('a\n***\nb\n');
    expect(out.join('')).not.toContain('first-line');
    expect(out.join('')).not.toContain('second-line');
  });

  it('passes text through unchanged when nothing could be a secret', () => {
    expect(streamThrough(['zzzz'], ['hello ', 'world\n'])).toEqual(['hello ', 'world\n', '']);
  });

  it('uses *** as the replacement', () => {
    expect(MASK).toBe('***');
  });
});

describe('secret pieces that other stages make', () => {
  it('masks the comma pieces ACR splits task-level env into, and the shell-quoted form', () => {
    const masker = createMasker(["s3cr3t,X=y", "Pa'ss-w0rd"]);
    expect(masker.mask('--env PASS=s3cr3t --env X=y')).toBe('--env PASS=*** --env X=y');
    expect(masker.mask(`--env 'PW=Pa'"'"'ss-w0rd'`)).toBe(`--env 'PW=***'`);
  });
});
