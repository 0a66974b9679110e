// CLI entry of `taskrun validate` (dist/bundle/validate.cjs): main.ts's program with this one
// command, so its start-up reads, deserialises and evaluates none of the other commands' code
// (registry, record and views above all; the engine probe of BuildKit checks loads only when
// a task asks for it). bin/taskrun.cjs picks it by the first
// argument; `taskrun validate --help` prints what main.ts's program would.

import { registerValidateCommand } from './commands/validate.js';
import { runProgramAndExit } from './program.js';

export function main(argv: readonly string[]): Promise<number> {
  return runProgramAndExit(argv, registerValidateCommand);
}
