// Template stage: the warning text for a missing value (`missingkey=zero` renders it empty),
// with a hint that fits where the key was looked up: a did-you-mean for the fixed key sets of
// the root, `.Run` and `.Build`, `--set` for `.Values`, `--secret` for `.Secrets`; and the error
// text for a missing value given to a function that needs a string.

import { didYouMean } from '../diagnostics.js';
import type { MissingKey, MissingValue } from './missing-value.js';
import type { Expr } from './syntax.js';

const FALLBACK_HINT = 'give a fallback: `{{ … | default "…" }}`';

export function describeMissing(missing: MissingValue): { message: string; hint: string } {
  const message = `\`${missing.expression}\` is not set; it renders as an empty string`;
  return { message, hint: hintFor(missing.expression, missing.key) };
}

function hintFor(expression: string, key: MissingKey | undefined): string {
  if (!key) return FALLBACK_HINT;
  switch (key.scope) {
    case 'Values':
      return `set it with --set or a values file, or ${FALLBACK_HINT}`;
    case 'Secrets':
      return `supply it with --secret ${key.name}=VALUE or --secret-env ${key.name}=ENV_VAR`;
    case 'root':
    case 'Run':
    case 'Build': {
      const suggestion = suggestKey(key.name, key.keys);
      if (suggestion) return `did you mean \`${replaceField(expression, key.name, suggestion)}\`?`;
      const owner = key.scope === 'root' ? 'the template data' : `\`.${key.scope}\``;
      return `${owner} has ${[...key.keys].sort().map((name) => `\`.${name}\``).join(', ')}`;
    }
    case 'other':
      return FALLBACK_HINT;
  }
}

/** The closest key, or one that ends with or starts with the word (`Tag` → `GitTag`). */
function suggestKey(word: string, keys: readonly string[]): string | undefined {
  const close = didYouMean(word, keys);
  if (close || word.length < 2) return close;
  const lower = word.toLowerCase();
  return keys.find((key) => key.toLowerCase().endsWith(lower)) ?? keys.find((key) => key.toLowerCase().startsWith(lower));
}

/** The expression with its field `.name` (the first whole-segment match) spelled `.suggestion`. */
function replaceField(expression: string, name: string, suggestion: string): string {
  const pattern = new RegExp(`\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{Nd}_])`, 'u');
  return pattern.test(expression) ? expression.replace(pattern, `.${suggestion}`) : `.${suggestion}`;
}

const ORDINALS = ['1st', '2nd', '3rd'];

// A missing value or nil given to a function whose Go parameter is `string` (or a missing field
// where it is a map): ACR fails there (`wrong type for value; expected string`), so taskrun does
// too, naming the function and argument.
export function describeMissingArgument(input: {
  name: string;
  want: 'string' | 'map';
  /** The argument's position; a piped value is the last. */
  index: number;
  arity: number;
  param: Expr;
  missing: MissingValue | undefined;
}): { message: string; hint: string } {
  const { name, want, index, arity, param, missing } = input;
  const position = arity > 1 ? ` as its ${ORDINALS[index] ?? `${index + 1}th`} argument` : '';
  const needs = `\`${name}\` needs a ${want}${position}`;
  const text = missing?.expression ?? textOf(param);
  if (text === undefined) {
    return { message: `${needs}, but it is given \`nil\``, hint: 'ACR fails here too; pass a string such as `""`' };
  }
  const problem = missing ? `\`${text}\` is not set` : `\`${text}\` is nil`;
  const fallback = want === 'string' ? 'default "x"' : 'default dict';
  const example = index === arity - 1 ? `{{ ${text} | ${fallback} | ${name}${arity > 1 ? ' …' : ''} }}` : `(${text} | ${fallback})`;
  const where = index === arity - 1 ? '' : ' in its place';
  return {
    message: `${needs}, but ${problem}`,
    hint: `ACR fails here too; give it a fallback with \`default\`: \`${example}\`${where}`,
  };
}

/** How the argument is written, for messages; undefined for the `nil` literal. */
function textOf(param: Expr): string | undefined {
  switch (param.kind) {
    case 'dot':
      return '.';
    case 'field':
      return param.text;
    case 'variable':
      return param.name;
    case 'call':
      return `(${param.name} …)`;
    case 'assign':
      return textOf(param.value);
    case 'literal':
    case 'float':
      return undefined;
  }
}
