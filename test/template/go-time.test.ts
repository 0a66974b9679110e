import { describe, expect, it } from 'vitest';
import { formatDuration, formatGoTime, GoTime, parseDuration, parseGoTime } from '../../src/template/functions/go-time.js';
import { parseIp } from '../../src/template/functions/ip.js';

describe('Go durations', () => {
  it.each<[bigint, string]>([
    [0n, '0s'],
    [1n, '1ns'],
    [1500n, '1.5µs'],
    [2_000_000n, '2ms'],
    [59_000_000_000n, '59s'],
    [3_725_000_000_000n, '1h2m5s'],
    [3_600_000_000_000n, '1h0m0s'],
    [-61_500_000_000n, '-1m1.5s'],
  ])('prints %s ns as %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });

  it.each<[string, bigint | undefined]>([
    ['1h30m', 5_400_000_000_000n],
    ['-1.5h', -5_400_000_000_000n],
    ['300ms', 300_000_000n],
    ['1us', 1000n],
    ['1µs2ns', 1002n],
    ['.5s', 500_000_000n],
    ['0', 0n],
    ['1d', undefined],
    ['', undefined],
    ['1', undefined],
  ])('parses %s', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });
});

describe('Go layouts', () => {
  const time = new GoTime(1_700_000_000_123_456_789n, 'UTC');
  it.each<[string, string]>([
    ['2006-01-02T15:04:05.000Z07:00', '2023-11-14T22:13:20.123Z'],
    ['Mon Jan _2 3:04:05.999999999 PM MST 06', 'Tue Nov 14 10:13:20.123456789 PM UTC 23'],
    ['Monday, January 2 002 __2 -0700 -07:00:00 .00 ,9', 'Tuesday, November 14 318 318 +0000 +00:00:00 .12 ,1'],
  ])('formats %s', (layout, text) => {
    expect(formatGoTime(time, layout)).toBe(text);
  });

  it('parses what it formats, and refuses what Go refuses', () => {
    expect(parseGoTime('2006-01-02 15:04:05.000 -0700', '2023-11-14 22:13:20.123 +0000', 'UTC')?.epochNs).toBe(1_700_000_000_123_000_000n);
    expect(parseGoTime('2006-01-02', '2023-02-29', 'UTC')).toBeUndefined();
    expect(parseGoTime('3PM', '13PM', 'UTC')).toBeUndefined();
    expect(parseGoTime('2006-01-02', '2023-01-02x', 'UTC')).toBeUndefined();
  });
});

describe('net.ParseIP', () => {
  it.each<[string, string | undefined]>([
    ['10.0.0.1', '0a000001'],
    ['::1', '00000000000000000000000000000001'],
    ['::ffff:1.2.3.4', '01020304'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['01.2.3.4', undefined],
    ['1.2.3', undefined],
    ['1::2::3', undefined],
  ])('%s', (text, hex) => {
    expect(parseIp(text)?.toString('hex')).toBe(hex);
  });
});
