// Registry stage: JSON text byte-for-byte as Go's encoding/json writes it, so manifests
// taskrun pushes and `inspect` output match what docker produces (json.MarshalIndent,
// json.Indent: `<>&` escaped, empty `{}`/`[]` kept compact, `": "` after keys).

/** JSON text kept as it is (a manifest's own bytes) when embedded in a value being marshalled. */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type GoJsonValue = string | number | boolean | null | RawJson | readonly GoJsonValue[] | { readonly [key: string]: GoJsonValue | undefined };

const HEX = '0123456789abcdef';

// Go's encodeState.string with escapeHTML on.
export function quoteGoString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      switch (char) {
        case '"':
          out += '\\"';
          break;
        case '\\':
          out += '\\\\';
          break;
        case '\b':
          out += '\\b';
          break;
        case '\f':
          out += '\\f';
          break;
        case '\n':
          out += '\\n';
          break;
        case '\r':
          out += '\\r';
          break;
        case '\t':
          out += '\\t';
          break;
        default:
          out += code < 0x20 || char === '<' || char === '>' || char === '&' ? `\\u00${HEX[code >> 4]}${HEX[code & 0xf]}` : char;
      }
    } else if (code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16)}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '\\ufffd';
    } else {
      out += char;
    }
  }
  return `${out}"`;
}

/** Compact JSON of a value; object keys keep their insertion order and `undefined` members are left out. */
export function marshalGo(value: GoJsonValue): string {
  if (value instanceof RawJson) return compactJson(value.text);
  if (value === null) return 'null';
  if (typeof value === 'string') return quoteGoString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => marshalGo(item as GoJsonValue)).join(',')}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value as { readonly [key: string]: GoJsonValue | undefined })) {
    if (member !== undefined) members.push(`${quoteGoString(key)}:${marshalGo(member)}`);
  }
  return `{${members.join(',')}}`;
}

/** json.MarshalIndent(value, "", indent). */
export function marshalIndentGo(value: GoJsonValue, indent: string): string {
  return indentJson(marshalGo(value), indent);
}

interface Token {
  readonly kind: 'punct' | 'scalar';
  readonly text: string;
}

function tokenize(text: string): { tokens: Token[]; trailing: string } {
  const tokens: Token[] = [];
  let i = 0;
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  while (i < end) {
    const char = text[i]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i++;
    } else if ('{}[],:'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      i++;
    } else if (char === '"') {
      let j = i + 1;
      while (j < end && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= end) throw new SyntaxError('unterminated string in JSON');
      tokens.push({ kind: 'scalar', text: text.slice(i, j + 1) });
      i = j + 1;
    } else {
      let j = i;
      while (j < end && !' \t\n\r{}[],:"'.includes(text[j]!)) j++;
      tokens.push({ kind: 'scalar', text: text.slice(i, j) });
      i = j;
    }
  }
  return { tokens, trailing: text.slice(end) };
}

// Go's compact() with escapeHTML: also rewrites <, >, &, U+2028 and U+2029 inside strings.
export function compactJson(text: string): string {
  JSON.parse(text);
  return tokenize(text)
    .tokens.map((token) => (token.kind === 'scalar' && token.text.startsWith('"') ? escapeHtmlInString(token.text) : token.text))
    .join('');
}

function escapeHtmlInString(quoted: string): string {
  return quoted.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** json.Indent(dst, src, "", indent): whitespace between tokens is rewritten, tokens are copied, trailing whitespace kept. */
export function indentJson(text: string, indent: string): string {
  JSON.parse(text);
  const { tokens, trailing } = tokenize(text);
  let out = '';
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (token.kind === 'scalar') {
      out += token.text;
      continue;
    }
    switch (token.text) {
      case '{':
      case '[':
        out += token.text;
        if (next && next.kind === 'punct' && (next.text === '}' || next.text === ']')) {
          out += next.text;
          i++;
        } else {
          depth++;
          out += `\n${indent.repeat(depth)}`;
        }
        break;
      case '}':
      case ']':
        depth--;
        out += `\n${indent.repeat(depth)}${token.text}`;
        break;
      case ',':
        out += `,\n${indent.repeat(depth)}`;
        break;
      case ':':
        out += ': ';
        break;
    }
  }
  return out + trailing;
}

/** A record with its keys sorted, as Go marshals a map. */
export function sortedRecord(record: { readonly [key: string]: string } | undefined): { [key: string]: string } | undefined {
  if (!record || Object.keys(record).length === 0) return undefined;
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
