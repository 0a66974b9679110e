// Template stage: Go's time.Time for Sprig's date functions — an instant with nanoseconds and a
// zone, formatted and parsed with Go layouts (`2006-01-02 15:04:05`), printed as Go prints it.

import { GoObject } from '../go-values.js';
import { zoneAbbreviation, zoneTypes } from './tzif.js';

export interface Zone {
  readonly name: string;
  /** Seconds east of UTC. */
  readonly offset: number;
}

const NS_PER_MS = 1_000_000n;

export class GoTime extends GoObject {
  readonly goType = 'time.Time';
  readonly goKind = 'struct';
  constructor(
    /** Nanoseconds since the Unix epoch. */
    readonly epochNs: bigint,
    readonly zoneName: string,
    /** The monotonic clock reading Go keeps for time.Now() (`m=+0.001`), in seconds. */
    readonly monotonic?: number,
  ) {
    super();
  }
  get zone(): Zone {
    return zoneAt(this.zoneName, Number(this.epochNs / NS_PER_MS));
  }
  override toString(): string {
    const text = formatGoTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
    if (this.monotonic === undefined) return text;
    const sign = this.monotonic < 0 ? '-' : '+';
    return `${text} m=${sign}${Math.abs(this.monotonic).toFixed(9)}`;
  }
  jsonText(): string {
    return JSON.stringify(formatGoTime(this, '2006-01-02T15:04:05.999999999Z07:00'));
  }
  goSyntax(): string {
    return `time.Date(${formatGoTime(this, '2006, time.January, 2, 15, 4, 5, ')}${this.epochNs - floorDiv(this.epochNs, 1_000_000_000n) * 1_000_000_000n}, time.Location(${JSON.stringify(this.zoneName)}))`;
  }
  field(name: string): unknown {
    const seconds = floorDiv(this.epochNs, 1_000_000_000n);
    const fields = fieldsOf(this, this.zone);
    const safe = (value: bigint) => (value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value);
    switch (name) {
      case 'Unix':
        return safe(seconds);
      case 'UnixMilli':
        return safe(floorDiv(this.epochNs, 1_000_000n));
      case 'UnixNano':
        return safe(this.epochNs);
      case 'Year':
        return fields.year;
      case 'Month':
        return MONTHS[fields.month - 1];
      case 'Day':
        return fields.day;
      case 'Hour':
        return fields.hour;
      case 'Minute':
        return fields.minute;
      case 'Second':
        return fields.second;
      case 'Nanosecond':
        return fields.nanos;
      case 'Weekday':
        return DAYS[fields.weekday];
      case 'YearDay':
        return fields.yearDay;
      case 'UTC':
        return new GoTime(this.epochNs, 'UTC');
      case 'Local':
        return new GoTime(this.epochNs, 'Local');
      case 'IsZero':
        return this.epochNs === -62135596800n * 1_000_000_000n;
      case 'String':
        return this.toString();
      default:
        return undefined;
    }
  }
  in(zoneName: string): GoTime {
    return new GoTime(this.epochNs, zoneName);
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

// process.hrtime, not performance.now(): the `performance` global loads perf_hooks (ten of
// Node's modules) on first use, and this runs as every render starts.
const started = process.hrtime.bigint();

export function now(): GoTime {
  const ms = Date.now();
  const elapsedNs = process.hrtime.bigint() - started;
  // Date.now() stops at milliseconds; the monotonic clock gives the digits below.
  const extra = elapsedNs % NS_PER_MS;
  return new GoTime(BigInt(ms) * NS_PER_MS + extra, 'Local', Number(elapsedNs) / 1e9);
}

export function fromUnix(seconds: number): GoTime {
  return new GoTime(BigInt(Math.trunc(seconds)) * 1_000_000_000n, 'Local');
}

/** time.LoadLocation: `Local`, `UTC`, "" (UTC) or an IANA name; undefined when unknown. */
export function loadLocation(name: string): string | undefined {
  if (name === 'Local' || name === 'UTC') return name;
  if (name === '') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    return undefined;
  }
}

/** time.FixedZone(name, offset) as a zone name GoTime can carry. */
export function fixedZone(name: string, offset: number): string {
  return `\0fixed ${offset} ${name}`;
}

function zoneAt(zoneName: string, ms: number): Zone {
  if (zoneName === 'UTC') return { name: 'UTC', offset: 0 };
  const fixed = /^\0fixed (-?\d+) (.*)$/s.exec(zoneName);
  if (fixed) return { name: fixed[2] ?? '', offset: Number(fixed[1]) };
  const timeZone = zoneName === 'Local' ? undefined : zoneName;
  const parts = (style: 'short' | 'longOffset') =>
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: style }).formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? '';
  // Local mean times have seconds (Berlin's LMT is +00:53:28).
  const offsetText = /GMT([+-])(\d\d):(\d\d)(?::(\d\d))?/.exec(parts('longOffset'));
  const offset = offsetText
    ? (offsetText[1] === '-' ? -1 : 1) * (Number(offsetText[2]) * 3600 + Number(offsetText[3]) * 60 + Number(offsetText[4] ?? 0))
    : 0;
  if (offset === 0 && (timeZone === undefined ? !process.env['TZ'] || /^(UTC|Etc\/UTC|UTC0|)$/.test(process.env['TZ'] ?? '') : /^(Etc\/)?UTC$/.test(zoneName))) {
    return { name: 'UTC', offset: 0 };
  }
  const fromFiles = zoneAbbreviation(zoneName, Math.floor(ms / 1000), offset);
  if (fromFiles !== undefined) return { name: fromFiles, offset };
  const short = parts('short');
  // Go prints the tz database's abbreviation; where ICU has none, the numeric form tzdata uses.
  const name = /^GMT[+-]/.test(short) || short === 'GMT' ? (offset === 0 && short === 'GMT' ? 'GMT' : numericZone(offset)) : short;
  return { name, offset };
}

function numericZone(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = minutes % 60;
  return mm === 0 ? `${sign}${hh}` : `${sign}${hh}${String(mm).padStart(2, '0')}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Go's layout elements, longest first where one is a prefix of another.
const TOKENS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST', '2006', '-07:00:00', '-070000', '-07:00', '-0700', '-07',
  'Z07:00:00', 'Z070000', 'Z07:00', 'Z0700', 'Z07', '002', '01', '02', '03', '04', '05', '06', '15', '__2', '_2', 'PM', 'pm', '1', '2', '3', '4', '5',
];

type Chunk = { readonly text: string } | { readonly token: string } | { readonly fraction: '0' | '9'; readonly digits: number; readonly separator: string };

function chunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let text = '';
  for (let i = 0; i < layout.length; ) {
    const ch = layout[i] ?? '';
    if ((ch === '.' || ch === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const digit = layout[i + 1] as '0' | '9';
      let j = i + 1;
      while (layout[j] === digit) j++;
      if (!/[0-9]/.test(layout[j] ?? '')) {
        if (text) out.push({ text });
        text = '';
        out.push({ fraction: digit, digits: j - i - 1, separator: ch });
        i = j;
        continue;
      }
    }
    if (layout.startsWith('_2006', i)) {
      text += '_';
      i++;
      continue;
    }
    let token = TOKENS.find((candidate) => layout.startsWith(candidate, i));
    // `Jan` and `Mon` followed by a lower-case letter are text (`Janet`, `Month`).
    if ((token === 'Jan' || token === 'Mon') && /^[a-z]/.test(layout.slice(i + 3))) token = undefined;
    if (token) {
      if (text) out.push({ text });
      text = '';
      out.push({ token });
      i += token.length;
    } else {
      text += ch;
      i++;
    }
  }
  if (text) out.push({ text });
  return out;
}

interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanos: number;
  readonly weekday: number;
  readonly yearDay: number;
}

function fieldsOf(time: GoTime, zone: Zone): Fields {
  const seconds = floorDiv(time.epochNs, 1_000_000_000n);
  const nanos = Number(time.epochNs - seconds * 1_000_000_000n);
  const local = new Date((Number(seconds) + zone.offset) * 1000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    nanos,
    weekday: local.getUTCDay(),
    yearDay: Math.floor((local.getTime() - utcDate(local.getUTCFullYear(), 0, 1).getTime()) / 86_400_000) + 1,
  };
}

/** A UTC date for any year (Date.UTC reads years 0–99 as 1900–1999). */
function utcDate(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): Date {
  const date = new Date(Date.UTC(2000, monthIndex, day, hour, minute, second));
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}

const pad = (value: number, width: number) => (value < 0 ? `-${String(-value).padStart(width, '0')}` : String(value).padStart(width, '0'));

function formatZone(token: string, zone: Zone): string {
  // A zone without a name (time.FixedZone("", …)) prints as -0700 does.
  if (token === 'MST') return zone.name || formatZone('-0700', zone);
  if (token.startsWith('Z') && zone.offset === 0) return 'Z';
  const sign = zone.offset < 0 ? '-' : '+';
  const total = Math.abs(zone.offset);
  const [hh, mm, ss] = [pad(Math.floor(total / 3600), 2), pad(Math.floor(total / 60) % 60, 2), pad(total % 60, 2)];
  const shape = token.slice(1);
  if (shape === '07') return sign + hh;
  if (shape === '0700') return sign + hh + mm;
  if (shape === '07:00') return `${sign}${hh}:${mm}`;
  if (shape === '070000') return sign + hh + mm + ss;
  return `${sign}${hh}:${mm}:${ss}`;
}

/** time.Time.Format with a Go layout. */
export function formatGoTime(time: GoTime, layout: string): string {
  const zone = time.zone;
  const f = fieldsOf(time, zone);
  let out = '';
  for (const chunk of chunks(layout)) {
    if ('text' in chunk) out += chunk.text;
    else if ('fraction' in chunk) {
      const digits = String(f.nanos).padStart(9, '0').slice(0, chunk.digits);
      if (chunk.fraction === '0') out += chunk.separator + digits;
      else {
        const trimmed = digits.replace(/0+$/, '');
        if (trimmed) out += chunk.separator + trimmed;
      }
    } else {
      const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
      const values: Record<string, string> = {
        January: MONTHS[f.month - 1] ?? '',
        Jan: (MONTHS[f.month - 1] ?? '').slice(0, 3),
        Monday: DAYS[f.weekday] ?? '',
        Mon: (DAYS[f.weekday] ?? '').slice(0, 3),
        '2006': pad(f.year, 4),
        '002': pad(f.yearDay, 3),
        __2: String(f.yearDay).padStart(3, ' '),
        '06': pad(f.year % 100, 2),
        '01': pad(f.month, 2),
        '1': String(f.month),
        '02': pad(f.day, 2),
        '2': String(f.day),
        _2: String(f.day).padStart(2, ' '),
        '15': pad(f.hour, 2),
        '03': pad(hour12, 2),
        '3': String(hour12),
        '04': pad(f.minute, 2),
        '4': String(f.minute),
        '05': pad(f.second, 2),
        '5': String(f.second),
        PM: f.hour >= 12 ? 'PM' : 'AM',
        pm: f.hour >= 12 ? 'pm' : 'am',
      };
      out += values[chunk.token] ?? formatZone(chunk.token, zone);
    }
  }
  return out;
}

// Go's getnum: one or two digits (exactly two when `fixed`).
function getNumber(value: string, fixed: boolean): [number, string] | undefined {
  if (!/^\d/.test(value)) return undefined;
  if (!/^\d\d/.test(value)) return fixed ? undefined : [Number(value[0]), value.slice(1)];
  return [Number(value.slice(0, 2)), value.slice(2)];
}

// Go's getnum3: up to three digits (exactly three when `fixed`).
function getNumber3(value: string, fixed: boolean): [number, string] | undefined {
  const digits = /^\d{1,3}/.exec(value)?.[0];
  if (digits === undefined || (fixed && digits.length !== 3)) return undefined;
  return [Number(digits), value.slice(digits.length)];
}

// Go's skip: literal layout text; a space matches any run of spaces.
function skipText(value: string, prefix: string): string | undefined {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') return undefined;
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) return undefined;
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

// Go's parseTimeZone: the length of a zone abbreviation at the start of the text, or 0.
function timeZoneLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) {
    const offset = /^GMT([+-]\d+)/.exec(value);
    if (!offset) return 3;
    const hours = Number(offset[1]);
    return hours < -23 || hours > 23 ? 3 : 3 + (offset[1] ?? '').length;
  }
  if (value[0] === '+' || value[0] === '-') {
    // parseSignedOffset: all the digits, at most 23.
    const digits = /^[+-](\d+)/.exec(value)?.[1];
    return digits !== undefined && Number(digits) <= 23 ? digits.length + 1 : 0;
  }
  const upper = /^[A-Z]{0,6}/.exec(value)?.[0].length ?? 0;
  if (upper === 3) return 3;
  if (upper === 4) return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
  if (upper === 5) return value[4] === 'T' ? 5 : 0;
  return 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (month: number, year: number) => (month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0));

/** time.ParseInLocation, element for element as Go 1.19 parses; undefined where Go fails. */
export function parseGoTime(layout: string, text: string, zoneName: string): GoTime | undefined {
  let value = text;
  let [year, month, day, yearDay, hour, minute, second, nanos] = [0, -1, -1, -1, 0, 0, 0, 0];
  let isAm = false;
  let isPm = false;
  let isUtc = false;
  let offset: number | undefined;
  let zoneAbbreviation = '';
  const parts = chunks(layout);
  for (const [index, chunk] of parts.entries()) {
    if ('text' in chunk) {
      const rest = skipText(value, chunk.text);
      if (rest === undefined) return undefined;
      value = rest;
      continue;
    }
    if ('fraction' in chunk) {
      if (chunk.fraction === '0') {
        const digits = 1 + chunk.digits;
        if (value.length < digits || !/^[.,]/.test(value) || !/^\d+$/.test(value.slice(1, digits))) return undefined;
        nanos = Number(value.slice(1, digits).slice(0, 9).padEnd(9, '0'));
        value = value.slice(digits);
      } else {
        const fraction = /^[.,](\d{1,9})/.exec(value);
        if (!fraction) continue;
        nanos = Number((fraction[1] ?? '').padEnd(9, '0'));
        value = value.slice(fraction[0].length);
      }
      continue;
    }
    const token = chunk.token;
    let parsed: [number, string] | undefined;
    switch (token) {
      case '2006':
        if (!/^\d{4}/.test(value)) return undefined;
        [year, value] = [Number(value.slice(0, 4)), value.slice(4)];
        break;
      case '06': {
        const two = /^[+-]?\d+$/.test(value.slice(0, 2)) && value.length >= 2 ? Number(value.slice(0, 2)) : undefined;
        if (two === undefined) return undefined;
        year = two >= 69 ? 1900 + two : 2000 + two;
        value = value.slice(2);
        break;
      }
      case 'Jan':
      case 'January': {
        const names = token === 'Jan' ? MONTHS.map((name) => name.slice(0, 3)) : MONTHS;
        const found = names.findIndex((name) => value.slice(0, name.length).toLowerCase() === name.toLowerCase());
        if (found < 0) return undefined;
        month = found + 1;
        value = value.slice((names[found] ?? '').length);
        break;
      }
      case 'Mon':
      case 'Monday': {
        const names = token === 'Mon' ? DAYS.map((name) => name.slice(0, 3)) : DAYS;
        const found = names.findIndex((name) => value.slice(0, name.length).toLowerCase() === name.toLowerCase());
        if (found < 0) return undefined;
        value = value.slice((names[found] ?? '').length);
        break;
      }
      case '01':
      case '1':
        parsed = getNumber(value, token === '01');
        if (!parsed || parsed[0] < 1 || parsed[0] > 12) return undefined;
        [month, value] = parsed;
        break;
      case '02':
      case '2':
      case '_2':
        if (token === '_2' && value.startsWith(' ')) value = value.slice(1);
        parsed = getNumber(value, token === '02');
        if (!parsed) return undefined;
        [day, value] = parsed;
        break;
      case '002':
      case '__2':
        for (let i = 0; i < 2; i++) if (token === '__2' && value.startsWith(' ')) value = value.slice(1);
        parsed = getNumber3(value, token === '002');
        if (!parsed) return undefined;
        [yearDay, value] = parsed;
        break;
      case '15':
        parsed = getNumber(value, false);
        if (!parsed || parsed[0] > 23) return undefined;
        [hour, value] = parsed;
        break;
      case '03':
      case '3':
        parsed = getNumber(value, token === '03');
        if (!parsed || parsed[0] > 12) return undefined;
        [hour, value] = parsed;
        break;
      case '04':
      case '4':
        parsed = getNumber(value, token === '04');
        if (!parsed || parsed[0] > 59) return undefined;
        [minute, value] = parsed;
        break;
      case '05':
      case '5': {
        parsed = getNumber(value, token === '05');
        if (!parsed || parsed[0] > 59) return undefined;
        [second, value] = parsed;
        // A fraction after the seconds is read even when the layout has none right here.
        const next = parts.slice(index + 1).find((part) => !('text' in part));
        const fraction = /^[.,](\d+)/.exec(value);
        if (fraction && !(next && 'fraction' in next)) {
          nanos = Number((fraction[1] ?? '').slice(0, 9).padEnd(9, '0'));
          value = value.slice(fraction[0].length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const marker = value.slice(0, 2);
        const [am, pm] = token === 'PM' ? ['AM', 'PM'] : ['am', 'pm'];
        if (marker === pm) isPm = true;
        else if (marker === am) isAm = true;
        else return undefined;
        value = value.slice(2);
        break;
      }
      case 'MST': {
        if (value.startsWith('UTC')) {
          isUtc = true;
          value = value.slice(3);
          break;
        }
        const length = timeZoneLength(value);
        if (length === 0) return undefined;
        zoneAbbreviation = value.slice(0, length);
        value = value.slice(length);
        break;
      }
      default: {
        // The numeric zones: -0700, -07:00, -07, -070000, -07:00:00 and their Z forms.
        if (token.startsWith('Z') && value.startsWith('Z')) {
          isUtc = true;
          value = value.slice(1);
          break;
        }
        const shape = token.slice(1);
        const layouts: Record<string, [number, number[]]> = {
          '07:00': [6, [1, 4, -1]],
          '07': [3, [1, -1, -1]],
          '07:00:00': [9, [1, 4, 7]],
          '070000': [7, [1, 3, 5]],
          '0700': [5, [1, 3, -1]],
        };
        const [width, starts] = layouts[shape] ?? [5, [1, 3, -1]];
        if (value.length < width) return undefined;
        if ((shape === '07:00' || shape === '07:00:00') && value[3] !== ':') return undefined;
        if (shape === '07:00:00' && value[6] !== ':') return undefined;
        const field = (at: number) => (at < 0 ? 0 : /^\d\d$/.test(value.slice(at, at + 2)) ? Number(value.slice(at, at + 2)) : NaN);
        const [hh, mm, ss] = starts.map(field) as [number, number, number];
        if ([hh, mm, ss].some(Number.isNaN)) return undefined;
        const sign = value[0];
        if (sign !== '+' && sign !== '-') return undefined;
        offset = (sign === '-' ? -1 : 1) * ((hh * 60 + mm) * 60 + ss);
        value = value.slice(width);
      }
    }
  }
  if (value !== '') return undefined;
  if (isPm && hour < 12) hour += 12;
  else if (isAm && hour === 12) hour = 0;
  if (yearDay >= 0) {
    let m = 0;
    let d = 0;
    let yd = yearDay;
    if (isLeap(year)) {
      if (yd === 31 + 29) [m, d] = [2, 29];
      else if (yd > 31 + 29) yd--;
    }
    if (yd < 1 || yd > 365) return undefined;
    if (m === 0) {
      let before = 0;
      m = 1;
      while (m < 12 && before + (MONTH_DAYS[m - 1] ?? 0) < yd) before += MONTH_DAYS[m++ - 1] ?? 0;
      d = yd - before;
    }
    if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) return undefined;
    [month, day] = [m, d];
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) return undefined;
  const utcMs = utcDate(year, month - 1, day, hour, minute, second).getTime();
  // Go: `Z` or `UTC` is UTC; an offset the location uses at that time keeps the location; any other
  // offset is a fixed zone named by the layout's MST (or nameless); no zone at all is the location's.
  if (isUtc) return new GoTime(BigInt(utcMs / 1000) * 1_000_000_000n + BigInt(nanos), 'UTC');
  if (offset === undefined && zoneAbbreviation !== '') {
    // An abbreviation the location uses keeps the location, with that abbreviation's offset
    // (Location.lookupName); any other is a zone of offset 0 (GMT+N: N hours) under that name.
    const named = zoneTypes(zoneName).filter((type) => type.abbreviation === zoneAbbreviation);
    const inEffect = named.find((type) => zoneAt(zoneName, utcMs - type.offset * 1000).name === zoneAbbreviation) ?? named[0];
    if (inEffect) return new GoTime(BigInt(utcMs / 1000 - inEffect.offset) * 1_000_000_000n + BigInt(nanos), zoneName);
    // Go keeps the wall clock as UTC here and only labels it with the zone (so GMT+3 reads 3 hours later).
    const gmt = /^GMT([+-]\d+)$/.exec(zoneAbbreviation);
    const fixedOffset = gmt ? Number(gmt[1]) * 3600 : 0;
    return new GoTime(BigInt(utcMs / 1000) * 1_000_000_000n + BigInt(nanos), fixedZone(zoneAbbreviation, fixedOffset));
  }
  const shift = offset ?? wallClockOffset(zoneName, utcMs);
  const ns = BigInt(utcMs / 1000 - shift) * 1_000_000_000n + BigInt(nanos);
  if (offset === undefined) return new GoTime(ns, zoneName);
  const local = zoneAt(zoneName, utcMs - shift * 1000);
  const isLocal = local.offset === offset && (zoneAbbreviation === '' || local.name === zoneAbbreviation);
  return new GoTime(ns, isLocal ? zoneName : fixedZone(zoneAbbreviation, offset));
}

// time.Date's offset for a wall-clock time: the offset in effect at the wall time read as UTC,
// unless that puts the instant in another period (a DST gap or overlap), then the offset there.
function wallClockOffset(zoneName: string, wallMs: number): number {
  const guess = zoneAt(zoneName, wallMs).offset;
  const there = zoneAt(zoneName, wallMs - guess * 1000).offset;
  return there === guess ? guess : there;
}

/** time.Duration.String of whole nanoseconds. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    out = fractional(u, scale) + unit;
  } else {
    const hours = u / 3_600_000_000_000n;
    u -= hours * 3_600_000_000_000n;
    const minutes = u / 60_000_000_000n;
    u -= minutes * 60_000_000_000n;
    out = `${hours > 0n ? `${hours}h` : ''}${hours > 0n || minutes > 0n ? `${minutes}m` : ''}${fractional(u, 1_000_000_000n)}s`;
  }
  return negative ? `-${out}` : out;
}

function fractional(value: bigint, scale: bigint): string {
  const whole = value / scale;
  const rest = value % scale;
  if (rest === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

const UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * time.ParseDuration (`1h30m`, `-1.5h`, `300ms`); undefined where Go fails. µ and μ are escaped
 * in the patterns: esbuild keeps a regular expression's characters, and the bundles must be ASCII.
 */
export function parseDuration(text: string): bigint | undefined {
  const m = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+|0)$/.exec(text);
  if (!m) return undefined;
  if (m[2] === '0') return 0n;
  let total = 0;
  for (const [, number = '0', unit = 's'] of (m[2] ?? '').matchAll(/(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g)) total += Number(number) * (UNITS[unit] ?? 0);
  if (total > 9.223372036854775807e18) return undefined;
  const ns = BigInt(Math.round(total));
  return m[1] === '-' ? -ns : ns;
}
