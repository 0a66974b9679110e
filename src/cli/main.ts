// CLI entry: every command (dist/bundle/taskrun.cjs). `validate` and `render` start from
// entries of their own, validate-main.ts and render-main.ts (see bin/taskrun.cjs).

import { registerGraphCommand } from './commands/graph.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerManifestCommand } from './commands/manifest.js';
import { registerRenderCommand } from './commands/render.js';
import { registerRunCommand } from './commands/run.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerValidateCommand } from './commands/validate.js';
import { runProgram } from './program.js';

export function main(argv: readonly string[]): Promise<number> {
  return runProgram(argv, (program) => {
    registerValidateCommand(program);
    registerRenderCommand(program);
    registerGraphCommand(program);
    registerRunCommand(program);
    registerManifestCommand(program);
    registerRunsCommand(program);
    registerLogsCommand(program);
  });
}
