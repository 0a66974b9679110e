// Template stage: Sprig v2.22's `semver` and `semverCompare` (Masterminds/semver v1.5.0).

import { GoObject } from '../go-values.js';
import { quoteGo } from '../printf.js';
import { callError, stringBinary, stringUnary } from './support.js';
import type { FunctionFamily } from './types.js';

const VERSION = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
// Operators longest first; Go's alternation order (a map's) never changes which one matches here.
const CONSTRAINT = new RegExp(String.raw`^\s*(!=|>=|=>|<=|=<|~>|>|<|~|\^|=|)\s*(${CV})\s*$`);
const RANGE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, 'g');

/** A parsed version; `%v` prints the normalized form (`v1.2` → `1.2.0`). */
export class SemverVersion extends GoObject {
  readonly goType = '*semver.Version';
  readonly goKind = 'ptr';
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {
    super();
  }
  override toString(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.pre ? `-${this.pre}` : ''}${this.metadata ? `+${this.metadata}` : ''}`;
  }
  jsonText(): string {
    return JSON.stringify(this.toString());
  }
  field(name: string): unknown {
    const int64 = (value: bigint) => (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value);
    const vPrefix = this.original.startsWith('v') ? 'v' : '';
    const next = (major: bigint, minor: bigint, patch: bigint) => {
      const version = new SemverVersion(major, minor, patch, '', '', '');
      return new SemverVersion(major, minor, patch, '', '', vPrefix + version.toString());
    };
    switch (name) {
      case 'Major':
        return int64(this.major);
      case 'Minor':
        return int64(this.minor);
      case 'Patch':
        return int64(this.patch);
      case 'Prerelease':
        return this.pre;
      case 'Metadata':
        return this.metadata;
      case 'Original':
        return this.original;
      case 'String':
        return this.toString();
      case 'IncMajor':
        return next(this.major + 1n, 0n, 0n);
      case 'IncMinor':
        return next(this.major, this.minor + 1n, 0n);
      case 'IncPatch':
        return this.pre ? next(this.major, this.minor, this.patch) : next(this.major, this.minor, this.patch + 1n);
      default:
        return undefined;
    }
  }
  goSyntax(): string {
    const s = (text: string) => quoteGo(text);
    return `&semver.Version{major:${this.major}, minor:${this.minor}, patch:${this.patch}, pre:${s(this.pre)}, metadata:${s(this.metadata)}, original:${s(this.original)}}`;
  }
}

const INT64_MAX = 2n ** 63n - 1n;

function parseVersion(text: string): SemverVersion | string {
  const m = VERSION.exec(text);
  if (!m) return 'Invalid Semantic Version';
  const segments = [m[1], m[2], m[3]].map((part) => (part ? BigInt(part.replace(/^\./, '')) : 0n));
  const tooBig = segments.findIndex((value) => value > INT64_MAX);
  if (tooBig >= 0) {
    const digits = [m[1], m[2], m[3]][tooBig]?.replace(/^\./, '') ?? '';
    return `Error parsing version segment: strconv.ParseInt: parsing ${quoteGo(digits)}: value out of range`;
  }
  const [major = 0n, minor = 0n, patch = 0n] = segments;
  return new SemverVersion(major, minor, patch, m[5] ?? '', m[8] ?? '', text);
}

function comparePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return 1;
  const isNumber = (part: string) => /^\d+$/.test(part) && BigInt(part) < 2n ** 64n;
  const [sn, on] = [isNumber(s), isNumber(o)];
  if (!sn && !on) return s > o ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function compareVersions(v: SemverVersion, o: SemverVersion): number {
  for (const [a, b] of [[v.major, o.major], [v.minor, o.minor], [v.patch, o.patch]] as const) if (a !== b) return a < b ? -1 : 1;
  if (v.pre === '' && o.pre === '') return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  const [sp, op] = [v.pre.split('.'), o.pre.split('.')];
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

interface Constraint {
  readonly op: string;
  readonly con: SemverVersion;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

const isX = (part: string | undefined) => part === 'x' || part === '*' || part === 'X';

function parseConstraint(text: string): Constraint | string {
  const m = CONSTRAINT.exec(text);
  if (!m) return `improper constraint: ${text}`;
  let version = m[2] ?? '';
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  const [major, minor = '', patch = '', pre = ''] = [m[3], m[4], m[5], m[6]];
  if (isX(major)) {
    version = '0.0.0';
    dirty = true;
  } else if (isX(minor.replace(/^\./, '')) || minor === '') {
    minorDirty = dirty = true;
    version = `${major}.0.0${pre}`;
  } else if (isX(patch.replace(/^\./, ''))) {
    dirty = patchDirty = true;
    version = `${major}${minor}.0${pre}`;
  }
  const con = parseVersion(version);
  if (typeof con === 'string') return 'constraint Parser Error';
  return { op: m[1] ?? '', con, dirty, minorDirty, patchDirty };
}

function check(v: SemverVersion, c: Constraint): boolean {
  const { con } = c;
  // A prerelease only satisfies a constraint that names one; `!=` checks that only when dirty (`!=1.x`).
  const isPrereleaseShut = v.pre !== '' && con.pre === '';
  if (isPrereleaseShut && (c.op !== '!=' || c.dirty)) return false;
  const cmp = compareVersions(v, con);
  const tilde = () => {
    if (cmp < 0) return false;
    if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
    if (v.major !== con.major) return false;
    return !(v.minor !== con.minor && !c.minorDirty);
  };
  const lessDirty = () => !(v.major > con.major || (v.minor > con.minor && !c.minorDirty));
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde() : cmp === 0;
    case '!=':
      if (!c.dirty) return cmp !== 0;
      if (con.major !== v.major) return true;
      return con.minor !== v.minor && !c.minorDirty;
    case '>':
      return cmp === 1;
    case '<':
      return c.dirty ? lessDirty() : cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      return c.dirty ? lessDirty() : cmp <= 0;
    case '~':
    case '~>':
      return tilde();
    default:
      return cmp >= 0 && v.major === con.major;
  }
}

function semverCompare(constraintText: string, versionText: string): boolean | string {
  const rewritten = constraintText.replace(RANGE, (_all, from: string, ...rest: unknown[]) => `>= ${from}, <= ${String(rest[9])}`);
  const groups: Constraint[][] = [];
  for (const alternative of rewritten.split('||')) {
    const group: Constraint[] = [];
    for (const part of alternative.split(',')) {
      const parsed = parseConstraint(part);
      if (typeof parsed === 'string') return parsed;
      group.push(parsed);
    }
    groups.push(group);
  }
  const version = parseVersion(versionText);
  if (typeof version === 'string') return version;
  return groups.some((group) => group.every((constraint) => check(version, constraint)));
}

export const SEMVER_FUNCTIONS: FunctionFamily = {
  semver: stringUnary((text, context) => {
    const version = parseVersion(text);
    return typeof version === 'string' ? callError(context, version) : version;
  }),
  semverCompare: stringBinary((constraint, version, context) => {
    const result = semverCompare(constraint, version);
    return typeof result === 'string' ? callError(context, result) : result;
  }),
};
