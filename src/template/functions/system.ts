// Template stage: Sprig v2.22's paths (Go's `path`, slash-separated), URLs (Go's net/url),
// environment, DNS and `fail`.

import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { isGoMap } from '../go-values.js';
import { quoteGo } from '../printf.js';
import { asMap, callError, fn, stringUnary, withMapParams } from './support.js';
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

class UrlError extends Error {}

// url.unescape: %XX decoded (a bad escape fails); in a host, ASCII other than Go's allowed set fails.
function unescapeUrl(text: string, mode: 'host' | 'path' | 'fragment' | 'user'): string {
  const bytes: number[] = [];
  const src = Buffer.from(text, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const byte = src[i] ?? 0;
    if (byte === 0x25) {
      const hex = src.subarray(i + 1, i + 3).toString('latin1');
      // In a host only non-ASCII bytes may be escaped, and `%25` (RFC 6874's zone separator).
      const isAsciiInHost = mode === 'host' && parseInt(hex.charAt(0), 16) < 8 && hex !== '25';
      if (!/^[0-9A-Fa-f]{2}$/.test(hex) || isAsciiInHost) {
        throw new UrlError(`invalid URL escape ${quoteGo(src.subarray(i, Math.min(i + 3, src.length)).toString('latin1'))}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
      continue;
    }
    if (mode === 'host' && byte < 0x80 && !/[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(String.fromCharCode(byte))) {
      throw new UrlError(`invalid character ${quoteGo(String.fromCharCode(byte))} in host name`);
    }
    bytes.push(byte);
  }
  return Buffer.from(bytes).toString('utf8');
}

const isValidPort = (colonPort: string) => colonPort === '' || /^:\d*$/.test(colonPort);

// url.parseHost: an IPv6 literal in brackets, or a name with an optional numeric port.
function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new UrlError('missing \']\' in host');
    const colonPort = host.slice(close + 1);
    if (!isValidPort(colonPort)) throw new UrlError(`invalid port ${quoteGo(colonPort)} after host`);
    return unescapeUrl(host, 'host');
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !isValidPort(host.slice(colon))) throw new UrlError(`invalid port ${quoteGo(host.slice(colon))} after host`);
  return unescapeUrl(host, 'host');
}

// url.URL.Hostname: the host without its port and IPv6 brackets.
function hostnameOf(host: string): string {
  const colon = host.lastIndexOf(':');
  let name = colon >= 0 && isValidPort(host.slice(colon)) ? host.slice(0, colon) : host;
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  return name;
}

// Userinfo.String: user and password escaped again (encodeUserPassword).
function userinfoText(userinfo: string): string {
  const escape = (text: string) => escapeUrlPart(unescapeUrl(text, 'user'), /[A-Za-z0-9\-_.~$&+,;=!'()*]/);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? escape(userinfo) : `${escape(userinfo.slice(0, colon))}:${escape(userinfo.slice(colon + 1))}`;
}

// Go's url.Parse, reduced to what Sprig's urlParse returns.
function parseUrl(url: string): Record<string, unknown> {
  if (/[\x00-\x1f\x7f]/.test(url)) throw new UrlError('net/url: invalid control character in URL');
  const hash = url.indexOf('#');
  const beforeFragment = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : unescapeUrl(url.slice(hash + 1), 'fragment');
  if (beforeFragment.startsWith(':')) throw new UrlError('missing protocol scheme');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(beforeFragment)?.[1] ?? '';
  let rest = scheme ? beforeFragment.slice(scheme.length + 1) : beforeFragment;
  let query = '';
  if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
  else if (rest.includes('?')) [rest, query] = [rest.slice(0, rest.indexOf('?')), rest.slice(rest.indexOf('?') + 1)];
  const result = { scheme: scheme.toLowerCase(), host: '', hostname: '', path: '', query, opaque: '', fragment, userinfo: '' };
  if (!rest.startsWith('/')) {
    if (scheme) return { ...result, opaque: rest };
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) throw new UrlError('first path segment in URL cannot contain colon');
  }
  if ((scheme || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    const at = authority.lastIndexOf('@');
    const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new UrlError('net/url: invalid userinfo');
      result.userinfo = userinfoText(userinfo);
    }
    result.host = host;
    result.hostname = hostnameOf(host);
  }
  result.path = unescapeUrl(rest, 'path');
  return result;
}

function urlParse(context: CallContext, url: string): Record<string, unknown> {
  try {
    return parseUrl(url);
  } catch (cause) {
    if (cause instanceof UrlError) callError(context, `unable to parse url: parse ${quoteGo(url)}: ${cause.message}`);
    throw cause;
  }
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
const HOST_KEEP = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/;
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
  const [scheme, host, path, query, opaque, fragment, userinfoField] = ['scheme', 'host', 'path', 'query', 'opaque', 'fragment', 'userinfo'].map(
    (key) => urlField(context, map, key),
  ) as [string, string, string, string, string, string, string];
  // Sprig parses `proto://<userinfo>@host` to get a url.Userinfo, which prints escaped.
  let userinfo = '';
  if (userinfoField !== '') {
    const probe = `proto://${userinfoField}@host`;
    try {
      userinfo = String(parseUrl(probe)['userinfo']);
    } catch (cause) {
      if (cause instanceof UrlError) callError(context, `unable to parse userinfo in dict: parse ${quoteGo(probe)}: ${cause.message}`);
      throw cause;
    }
  }
  let out = scheme ? `${scheme}:` : '';
  if (opaque) out += opaque;
  else {
    if (scheme || host || userinfo) {
      if (host || path || userinfo) out += '//';
      if (userinfo) out += `${userinfo}@`;
      out += escapeUrlPart(host, HOST_KEEP);
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
