// CLI: an argv as a POSIX shell would need it typed, for people to read and copy
// (`--dry-run`, step headers, `taskrun logs`).

import { shellQuote } from '../template/template-data.js';

/** Words quoted only where needed. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
