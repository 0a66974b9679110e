// Record stage: replaces secret values with `***` in text before any sink writes it.
// Whole strings go through `mask`; chunked step output goes through a stream masker
// that holds back a possible secret prefix until the next chunk shows what follows.

export const MASK = '***';

/** Lines of a multi-line secret shorter than this are too common to mask on their own (act does the same). */
const MIN_SECRET_LINE_LENGTH = 4;

export interface StreamMasker {
  /** Masked text that is safe to write now; a possible start of a secret is kept back. */
  readonly write: (chunk: string) => string;
  /** Everything still held back, masked. Call once at the end of the stream. */
  readonly end: () => string;
}

export interface Masker {
  /** False when there is nothing to mask, so callers can skip work. */
  readonly hasSecrets: boolean;
  readonly mask: (text: string) => string;
  /** Masks every string inside plain objects and arrays (a copy; the input is not changed). */
  readonly maskValue: <T>(value: T) => T;
  readonly createStreamMasker: () => StreamMasker;
}

interface Span {
  start: number;
  end: number;
}

export function createMasker(secrets: readonly string[]): Masker {
  const patterns = collectPatterns(secrets);
  const hasSecrets = patterns.length > 0;
  const mask = (text: string): string => (hasSecrets ? replaceSpans(text, findSpans(text, patterns)) : text);
  const maskValue = <T>(value: T): T => (hasSecrets ? (maskDeep(value, mask) as T) : value);
  return {
    hasSecrets,
    mask,
    maskValue,
    createStreamMasker: () => createStreamMaskerFor(patterns, mask),
  };
}

// Every text that must never be shown: each secret whole (also with CRLF line ends, as a
// TTY prints it, and shell-quoted, as command lines print it), each line of a multi-line
// secret and each comma piece (ACR splits task-level env on commas) long enough to be telling.
function collectPatterns(secrets: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    patterns.add(secret);
    if (secret.includes("'")) patterns.add(secret.replace(/'/g, `'"'"'`));
    for (const piece of secret.split(',')) {
      if (piece !== secret && piece.trim().length >= MIN_SECRET_LINE_LENGTH) patterns.add(piece);
    }
    if (!/[\r\n]/.test(secret)) continue;
    patterns.add(secret.replace(/\r?\n/g, '\r\n'));
    patterns.add(secret.replace(/\r\n/g, '\n'));
    for (const line of secret.split(/\r?\n/)) {
      if (line.trim().length >= MIN_SECRET_LINE_LENGTH) patterns.add(line);
    }
  }
  return [...patterns].sort((a, b) => b.length - a.length);
}

// All places any pattern occurs (overlaps included), merged, so overlapping secrets leak nothing.
function findSpans(text: string, patterns: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const pattern of patterns) {
    for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) {
      spans.push({ start: at, end: at + pattern.length });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

function replaceSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let from = 0;
  for (const span of spans) {
    out += text.slice(from, span.start) + MASK;
    from = span.end;
  }
  return out + text.slice(from);
}

function createStreamMaskerFor(patterns: readonly string[], mask: (text: string) => string): StreamMasker {
  let pending = '';
  return {
    write(chunk) {
      const text = pending + chunk;
      const spans = findSpans(text, patterns);
      let cut = text.length - longestPendingPrefix(text, patterns);
      // A found secret that reaches past the cut is held back whole, so a longer secret it
      // starts can still be recognised when the rest arrives.
      for (const span of spans) {
        if (span.start < cut && span.end > cut) cut = span.start;
      }
      pending = text.slice(cut);
      return replaceSpans(
        text.slice(0, cut),
        spans.filter((span) => span.end <= cut),
      );
    },
    end() {
      const rest = mask(pending);
      pending = '';
      return rest;
    },
  };
}

// Length of the longest end of `text` that is a proper beginning of some pattern.
function longestPendingPrefix(text: string, patterns: readonly string[]): number {
  let longest = 0;
  for (const pattern of patterns) {
    const maxLength = Math.min(pattern.length - 1, text.length);
    for (let length = maxLength; length > longest; length--) {
      if (text.endsWith(pattern.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

function maskDeep(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, mask)]));
  }
  return value;
}
