// Template stage: zone abbreviations from the system's tz database files (TZif), the files Go's
// time.LoadLocation reads on Linux, so `MST` in a layout prints what acb prints (`CET`, `IST`,
// `JST`) where ICU only knows `GMT+1`. Offsets still come from Intl; only names come from here.

import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ZoneType {
  readonly offset: number;
  readonly abbreviation: string;
}

interface ZoneFile {
  /** Transition times (Unix seconds), ascending, and the type each one starts. */
  readonly times: readonly number[];
  readonly typeOf: readonly number[];
  readonly types: readonly ZoneType[];
}

const cache = new Map<string, ZoneFile | undefined>();

function parse(data: Buffer): ZoneFile | undefined {
  if (data.subarray(0, 4).toString('latin1') !== 'TZif') return undefined;
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((k) => data.readUInt32BE(at + 20 + 4 * k)) as [number, number, number, number, number, number];
  let [isUtCount, isStdCount, leapCount, timeCount, typeCount, charCount] = counts(0);
  let at = 44;
  let timeSize = 4;
  if (data[4] !== 0) {
    // Version 2+: skip the 32-bit block, read the 64-bit one.
    at += timeCount * 4 + timeCount + typeCount * 6 + charCount + leapCount * 8 + isStdCount + isUtCount;
    [isUtCount, isStdCount, leapCount, timeCount, typeCount, charCount] = counts(at);
    at += 44;
    timeSize = 8;
  }
  const times: number[] = [];
  for (let i = 0; i < timeCount; i++) times.push(timeSize === 8 ? Number(data.readBigInt64BE(at + 8 * i)) : data.readInt32BE(at + 4 * i));
  at += timeCount * timeSize;
  const typeOf = Array.from(data.subarray(at, at + timeCount));
  at += timeCount;
  const chars = data.subarray(at + typeCount * 6, at + typeCount * 6 + charCount).toString('latin1');
  const types: ZoneType[] = [];
  for (let i = 0; i < typeCount; i++) {
    const start = data[at + 6 * i + 5] ?? 0;
    const end = chars.indexOf('\0', start);
    types.push({ offset: data.readInt32BE(at + 6 * i), abbreviation: chars.slice(start, end < 0 ? undefined : end) });
  }
  return { times, typeOf, types };
}

// Go's lookup order: $ZONEINFO, then the usual system folders.
function zoneFile(name: string): ZoneFile | undefined {
  if (cache.has(name)) return cache.get(name);
  let file: ZoneFile | undefined;
  if (name === 'Local') {
    const tz = process.env['TZ'];
    file = tz === undefined ? read('/etc/localtime') : undefined;
    if (tz !== undefined && tz !== '') return zoneFile(tz.replace(/^:/, ''));
  } else if (!name.includes('..') && !path.isAbsolute(name)) {
    const folders = [process.env['ZONEINFO'], '/usr/share/zoneinfo', '/usr/share/lib/zoneinfo', '/usr/lib/locale/TZ'];
    for (const folder of folders) {
      file = folder ? read(path.join(folder, name)) : undefined;
      if (file) break;
    }
  }
  cache.set(name, file);
  return file;
}

function read(file: string): ZoneFile | undefined {
  try {
    return parse(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** The offsets and abbreviations a zone's file lists (empty without the file). */
export function zoneTypes(zoneName: string): readonly ZoneType[] {
  if (zoneName === 'UTC') return [{ offset: 0, abbreviation: 'UTC' }];
  return zoneFile(zoneName)?.types ?? [];
}

/** The tz database's abbreviation for a zone at a time with the given offset, if the files have it. */
export function zoneAbbreviation(zoneName: string, unixSeconds: number, offset: number): string | undefined {
  const file = zoneFile(zoneName);
  if (!file || file.types.length === 0) return undefined;
  let index = -1;
  for (let i = 0; i < file.times.length && (file.times[i] ?? 0) <= unixSeconds; i++) index = i;
  const current = file.types[index >= 0 ? (file.typeOf[index] ?? 0) : 0];
  if (current && current.offset === offset) return current.abbreviation;
  // After the last transition (the footer's rule) or before the first: a type with this offset.
  const matching = file.types.filter((type) => type.offset === offset);
  return matching[matching.length - 1]?.abbreviation;
}
