// Template stage: Sprig v2.22's paths (Go's `path`, slash-separated), URLs (Go's net/url),
// environment, DNS and `fail`.

import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { isGoMap } from '../go-values.js';
import { asMap, asString, callError, fn, stringUnary, withMapParams } from './support.js';
import type { CallContext, FunctionFamily } from './types.js';

/** Go's path.Clean: the shortest equivalent slash path, `.` for an empty one. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const isRooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!isRooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return isRooted ? `/${joined}` : joined || '.';
}

function basePath(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dirPath(path: string): string {
  return cleanPath(path.slice(0, path.lastIndexOf('/') + 1));
}

function extPath(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) if (path[i] === '.') return path.slice(i);
  return '';
}

const isShellSpecial = (char: string | undefined) => char !== undefined && /^[*#$@!?\-0-9]$/.test(char);

// os.Expand's getShellName: the variable name after a `$` and how many characters it takes;
// an empty name with a width is bad syntax (eaten), with none a plain `$`.
function shellName(text: string): { name: string; width: number } {
  if (text.startsWith('{')) {
    if (text.length > 2 && isShellSpecial(text[1]) && text[2] === '}') return { name: text.slice(1, 2), width: 3 };
    const close = text.indexOf('}');
    if (close === 1) return { name: '', width: 2 };
    if (close < 0) return { name: '', width: 1 };
    return { name: text.slice(1, close), width: close + 1 };
  }
  if (isShellSpecial(text[0])) return { name: text.slice(0, 1), width: 1 };
  const name = /^[A-Za-z0-9_]*/.exec(text)?.[0] ?? '';
  return { name, width: name.length };
}

// os.ExpandEnv: `$NAME`, `${NAME}`, `$1`, `$$` (the variable named `$`); a lone `$` stays.
function expandEnv(text: string): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(i, j);
    const { name, width } = shellName(text.slice(j + 1));
    if (name !== '') out += process.env[name] ?? '';
    else if (width === 0) out += '$';
    j += width;
    i = j + 1;
  }
  return out + text.slice(i);
}

// --- net/url ---

const unescapeUrl = (context: CallContext, url: string, text: string, isQuery: boolean): string => {
  const bad = /%(?![0-9A-Fa-f]{2})(.{0,2})/.exec(text);
  if (bad) callError(context, `unable to parse url: parse ${JSON.stringify(url)}: invalid URL escape ${JSON.stringify(bad[0])}`);
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (char === '+' && isQuery) bytes.push(0x20);
    else for (const byte of Buffer.from(char, 'utf8')) bytes.push(byte);
  }
  return Buffer.from(bytes).toString('utf8');
};

// url.Parse reduced to what urlParse returns: scheme, userinfo, host, path, query, fragment, opaque.
function urlParse(context: CallContext, url: string): Record<string, unknown> {
  const [beforeFragment = '', ...fragmentParts] = url.split('#');
  const fragment = fragmentParts.length > 0 ? unescapeUrl(context, url, fragmentParts.join('#'), false) : '';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(beforeFragment)?.[1] ?? '';
  let rest = scheme ? beforeFragment.slice(scheme.length + 1) : beforeFragment;
  if (!scheme && /^[^/?]*:/.test(rest) && !rest.startsWith(':')) {
    callError(context, `unable to parse url: parse ${JSON.stringify(url)}: first path segment in URL cannot contain colon`);
  }
  if (beforeFragment.startsWith(':')) callError(context, `unable to parse url: parse ${JSON.stringify(url)}: missing protocol scheme`);
  let query = '';
  const question = rest.indexOf('?');
  if (question >= 0) {
    query = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  let opaque = '';
  let host = '';
  let userinfo = '';
  let path = '';
  if (scheme && !rest.startsWith('/')) opaque = rest;
  else {
    if (rest.startsWith('//') && (scheme || !rest.startsWith('///'))) {
      const authorityEnd = rest.indexOf('/', 2);
      const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
      rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
      const at = authority.lastIndexOf('@');
      if (at >= 0) {
        userinfo = authority.slice(0, at);
        host = authority.slice(at + 1);
      } else host = authority;
      host = unescapeUrl(context, url, host, false);
    }
    path = unescapeUrl(context, url, rest, false);
  }
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return { scheme: scheme.toLowerCase(), host, hostname, path, query, opaque, fragment, userinfo };
}

// url.PathEscape-like escaping for URL.String's path (encodePath) and fragment (encodeFragment).
function escapeUrlPart(text: string, keep: RegExp): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && keep.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const PATH_KEEP = /[A-Za-z0-9\-_.~$&+,/:;=@]/;
const FRAGMENT_KEEP = /[A-Za-z0-9\-_.~$&+,/:;=@?!()*]/;

function urlField(context: CallContext, map: Readonly<Record<string, unknown>>, key: string): string {
  if (!Object.hasOwn(map, key)) return '';
  const value = map[key];
  if (typeof value !== 'string') {
    const kind = value === null || value === undefined ? 'invalid' : Array.isArray(value) ? 'slice' : isGoMap(value) ? 'map' : typeof value === 'number' ? 'int' : typeof value;
    callError(context, `unable to parse ${key} key, must be of type string, but ${kind} found`);
  }
  return value;
}

// url.URL.String of the dict's parts, as Sprig's urlJoin builds it.
function urlJoin(context: CallContext, map: Readonly<Record<string, unknown>>): string {
  const [scheme, host, path, query, opaque, fragment, userinfo] = ['scheme', 'host', 'path', 'query', 'opaque', 'fragment', 'userinfo'].map(
    (key) => urlField(context, map, key),
  ) as [string, string, string, string, string, string, string];
  let out = scheme ? `${scheme}:` : '';
  if (opaque) out += opaque;
  else {
    if (scheme || host || userinfo) {
      if (host || path || userinfo) out += '//';
      if (userinfo) out += `${userinfo}@`;
      out += host;
    }
    const escapedPath = escapeUrlPart(path, PATH_KEEP);
    if (escapedPath && !escapedPath.startsWith('/') && host) out += '/';
    if (out === '' && (escapedPath.split('/')[0] ?? '').includes(':')) out += './';
    out += escapedPath;
  }
  if (query) out += `?${query}`;
  if (fragment) out += `#${escapeUrlPart(fragment, FRAGMENT_KEEP)}`;
  return out;
}

// net.LookupHost, synchronously: a child process runs Node's resolver (as Go uses the system's).
// child_process loads on the first lookup; a render without one does not pay for it.
function lookupHost(context: CallContext, name: string): string {
  const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;
  let addresses: string[] = [];
  try {
    const script = 'require("node:dns").lookup(process.argv[1],{all:true},(e,a)=>process.stdout.write(JSON.stringify(e?[]:a.map(x=>x.address))))';
    addresses = JSON.parse(execFileSync(process.execPath, ['-e', script, name], { encoding: 'utf8', timeout: 10_000 })) as string[];
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) callError(context, 'invalid argument to Intn');
  return addresses[Math.floor(Math.random() * addresses.length)] ?? '';
}

export const SYSTEM_FUNCTIONS: FunctionFamily = {
  base: stringUnary(basePath),
  dir: stringUnary(dirPath),
  clean: stringUnary(cleanPath),
  ext: stringUnary(extPath),
  isAbs: stringUnary((path) => path.startsWith('/')),
  urlParse: stringUnary((url, context) => urlParse(context, url)),
  urlJoin: withMapParams([0], fn(1, 1, (args, context) => urlJoin(context, args[0] === null ? {} : asMap(args[0])))),
  // On ACR these read the acb agent's environment; here, taskrun's.
  env: stringUnary((name) => process.env[name] ?? ''),
  expandenv: stringUnary(expandEnv),
  getHostByName: stringUnary((name, context) => lookupHost(context, name)),
  fail: stringUnary((message, context) => callError(context, message)),
};
