// Stage 5, execute: a cmd step's command list, as ACR's agent shell runs it but without a shell.
// The first command is the step's own (container or host `docker …`); after it POSIX rules:
// `a && b` runs b only after status 0, `a || b` only after another status, `;` always; `&&` and
// `||` bind equally, from the left; the list's status is that of the command run last, and
// `exit N` ends it with N. `true`, `false`, `:`, `echo` and `exit` run in taskrun as builtins.

import { echoText } from '../task/command-list.js';
import type { CmdStep, ShellBuiltin } from '../task/types.js';
import { describeEngineCommand, engineCommandsOf, runFirstCommand, runLaterCommand } from './cmd.js';
import type { RunResources, StepCommand, StepContext, StepResult } from './context.js';

export async function runCmdStep(step: CmdStep, ctx: StepContext): Promise<StepResult> {
  const first = await runFirstCommand(step, ctx);
  if (step.rest.length === 0) return first;
  let last = { result: first, position: 1, text: step.firstCommand.trim() };
  for (const [index, item] of step.rest.entries()) {
    if (ctx.signal.aborted) return last.result.ok ? { ok: false, error: 'the step was stopped' } : withListContext(last);
    const status = statusOf(last.result);
    if ((item.operator === '&&' && status !== 0) || (item.operator === '||' && status === 0)) continue;
    const position = index + 2;
    if (item.command.kind === 'builtin') {
      const ran = runBuiltin(item.command.builtin, status, (text) => ctx.emit({ type: 'step-output', stepId: step.id, stream: 'stdout', text, time: Date.now() }));
      last = { result: ran.result, position, text: item.text };
      if (ran.isExit) break;
      continue;
    }
    const result = await runLaterCommand(step, { ...item.command, position }, ctx);
    last = { result, position, text: item.text };
  }
  return withListContext(last);
}

/** A command's exit status as the shell would see it. */
function statusOf(result: StepResult): number {
  if (result.ok) return 0;
  return result.exitCode !== undefined && result.exitCode !== 0 ? result.exitCode : 1;
}

function runBuiltin(builtin: ShellBuiltin, lastStatus: number, print: (text: string) => void): { result: StepResult; isExit: boolean } {
  switch (builtin.name) {
    case 'true':
    case ':':
      return { result: { ok: true, exitCode: 0 }, isExit: false };
    case 'false':
      return { result: { ok: false, exitCode: 1, error: '`false` exited with code 1' }, isExit: false };
    case 'echo': {
      const text = echoText(builtin.args);
      if (text !== '') print(text);
      return { result: { ok: true, exitCode: 0 }, isExit: false };
    }
    case 'exit': {
      const status = builtin.status ?? lastStatus;
      return { result: status === 0 ? { ok: true, exitCode: 0 } : { ok: false, exitCode: status, error: `\`exit\` ended the command list with code ${status}` }, isExit: true };
    }
  }
}

// The step's error names the command of the list that set the status.
function withListContext(last: { result: StepResult; position: number; text: string }): StepResult {
  const { result } = last;
  if (result.ok) return result;
  const status = statusOf(result);
  const error = result.error ?? `exited with code ${status}`;
  return { ok: false, exitCode: status, error: `${error} (command ${last.position} of the list: ${last.text})` };
}

/**
 * What the dry run shows for a cmd step: each command of its list with the operator before it
 * and what runs it; the exact engine commands under the ones the engine runs.
 */
export function describeCmdCommands(step: CmdStep, resources: RunResources): StepCommand[] {
  const [first, ...engineLater] = engineCommandsOf(step);
  const own = first ? describeEngineCommand(step, first, resources) : [];
  if (step.rest.length === 0) return own;
  const later = new Map(engineLater.map((command) => [command.position, command]));
  const listed = (commands: StepCommand[], list: NonNullable<StepCommand['list']>) => commands.map((command) => ({ ...command, list }));
  return [
    ...listed(own, { position: 1, runner: first?.kind ?? 'container', text: step.firstCommand.trim() }),
    ...step.rest.flatMap((item, index) => {
      const position = index + 2;
      const list = { position, operator: item.operator, runner: item.command.kind, text: item.text };
      const command = later.get(position);
      if (!command) return [{ argv: item.command.words, list }];
      return listed(describeEngineCommand(step, command, resources), list);
    }),
  ];
}
