// Template stage: Sprig v2.22's date functions on Go time.Time values (functions/go-time.ts).
// Zones are the tz database's, through Intl; "Local" is taskrun's own zone, as acb uses its own.

import { kindOf, typeNameOf } from '../go-values.js';
import { asString, fail, fn, stringBinary, unary, withStringParams } from './support.js';
import { formatDuration, formatGoTime, fromUnix, GoTime, loadLocation, now, parseDuration, parseGoTime } from './go-time.js';
import type { FunctionFamily } from './types.js';

const ZERO_TIME = new GoTime(-62135596800n * 1_000_000_000n, 'UTC');

// dateInZone's `date`: a time, or an int as Unix seconds; anything else is now.
function timeOf(value: unknown): GoTime {
  if (value instanceof GoTime) return value;
  if (kindOf(value) === 'int') return fromUnix(Number(value));
  return now();
}

function asTime(value: unknown): GoTime {
  if (!(value instanceof GoTime)) fail(`wrong type for value; expected time.Time; got ${typeNameOf(value)}`);
  return value;
}

function dateInZone(layout: string, date: unknown, zone: string): string {
  return formatGoTime(timeOf(date).in(loadLocation(zone) ?? 'UTC'), layout);
}

function dateModify(duration: string, date: unknown): GoTime {
  const time = asTime(date);
  const ns = parseDuration(duration);
  return ns === undefined ? time : new GoTime(time.epochNs + ns, time.zoneName);
}

// time.Since(t).Round(time.Second).String(); halves round away from zero.
function ago(date: unknown): string {
  const time = timeOf(date);
  const since = BigInt(Date.now()) * 1_000_000n - time.epochNs;
  const second = 1_000_000_000n;
  const magnitude = since < 0n ? -since : since;
  const rounded = ((magnitude + second / 2n) / second) * second;
  return formatDuration(since < 0n ? -rounded : rounded);
}

const dateInZoneFunction = withStringParams([0, 2], fn(3, 3, (args) => dateInZone(asString(args[0]), args[1], asString(args[2]))));
const dateModifyFunction = withStringParams([0], fn(2, 2, (args) => dateModify(asString(args[0]), args[1])));

export const DATE_FUNCTIONS: FunctionFamily = {
  now: fn(0, 0, () => now()),
  date: withStringParams([0], fn(2, 2, (args) => dateInZone(asString(args[0]), args[1], 'Local'))),
  dateInZone: dateInZoneFunction,
  date_in_zone: dateInZoneFunction,
  htmlDate: unary((date) => dateInZone('2006-01-02', date, 'Local')),
  htmlDateInZone: withStringParams([1], fn(2, 2, (args) => dateInZone('2006-01-02', args[0], asString(args[1])))),
  dateModify: dateModifyFunction,
  date_modify: dateModifyFunction,
  ago: unary(ago),
  toDate: stringBinary((layout, text) => parseGoTime(layout, text, 'Local') ?? ZERO_TIME),
  unixEpoch: unary((date) => String((asTime(date).epochNs - (((asTime(date).epochNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n)) / 1_000_000_000n)),
};
