// CLI entry of `taskrun render` (dist/bundle/render.cjs): main.ts's program with this one
// command. A render stops after templating, so its bundle also leaves out the YAML parser's
// use, the schema and the rules that validate needs: the start-up `acb render` is measured
// against (bench/front.mjs). bin/taskrun.cjs picks it by the first argument.

import { registerRenderCommand } from './commands/render.js';
import { runProgramAndExit } from './program.js';

export function main(argv: readonly string[]): Promise<number> {
  return runProgramAndExit(argv, registerRenderCommand);
}
