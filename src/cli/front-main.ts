// CLI entry of `taskrun validate` and `taskrun render` (dist/bundle/front.cjs): the same
// program as main.ts with only the commands that run nothing, so their start-up reads, loads and
// evaluates none of the engine, registry, record and view code. bin/taskrun.cjs picks it when
// the first argument names one of them; `--help` of either prints what main.ts's would.

import { registerRenderCommand } from './commands/render.js';
import { registerValidateCommand } from './commands/validate.js';
import { runProgram } from './program.js';

export function main(argv: readonly string[]): Promise<number> {
  return runProgram(argv, (program) => {
    registerValidateCommand(program);
    registerRenderCommand(program);
  });
}
