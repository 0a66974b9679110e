// CLI: `--secret ID=VALUE` and `--secret-env ID=ENV_VAR` into the `.Secrets` map.

import { error, InputError, type Diagnostic } from '../diagnostics.js';

export function parseSecretFlags(input: {
  secret: readonly string[];
  secretEnv: readonly string[];
  env: NodeJS.ProcessEnv;
}): Record<string, string> {
  const secrets: Record<string, string> = {};
  const problems: Diagnostic[] = [];
  for (const item of input.secret) {
    const [id, value] = splitPair(item);
    if (!id || value === undefined) {
      problems.push(error('secret-invalid', `--secret '${redact(item)}': expected ID=VALUE`));
    } else {
      secrets[id] = value;
    }
  }
  for (const item of input.secretEnv) {
    const [id, variable] = splitPair(item);
    if (!id || !variable) {
      problems.push(error('secret-invalid', `--secret-env '${item}': expected ID=ENV_VAR`));
    } else if (input.env[variable] === undefined) {
      problems.push(error('secret-env-unset', `--secret-env ${item}: environment variable ${variable} is not set`));
    } else {
      secrets[id] = input.env[variable]!;
    }
  }
  if (problems.length) throw new InputError(problems);
  return secrets;
}

function splitPair(item: string): [string, string | undefined] {
  const at = item.indexOf('=');
  return at < 0 ? [item, undefined] : [item.slice(0, at), item.slice(at + 1)];
}

// A malformed --secret may still hold the secret: never echo more than its id.
function redact(item: string): string {
  return item.length > 0 && !item.includes('=') ? '***' : item;
}
