// Template stage: assembles what a task file's templates see (`.Run`, `.Build`, `.Values`,
// `.ValuesJSON`, `.RunJSON`, `.Secrets`) exactly as acb does (acb-spec §2.2).

import { encodeGoJson } from './go-values.js';
import type { RunVars, TemplateData, Values } from './data.js';

const SAFE_FOR_SHELL = /^[A-Za-z0-9_^@=+%,:./-]+$/;

/** acb's shellQuote: `''` for empty text, single quotes (with `'` as `'"'"'`) when any character needs them. */
export function shellQuote(text: string): string {
  if (text === '') return "''";
  if (SAFE_FOR_SHELL.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

export function buildTemplateData(input: {
  run: RunVars;
  values: Values;
  secrets: Readonly<Record<string, string>>;
}): TemplateData {
  return {
    Run: input.run,
    Build: { ID: input.run.ID },
    Values: input.values,
    ValuesJSON: shellQuote(encodeGoJson(input.values) ?? ''),
    RunJSON: shellQuote(encodeGoJson(input.run) ?? ''),
    Secrets: input.secrets,
  };
}
