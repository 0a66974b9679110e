// CLI: `taskrun run --dry-run` — the plan (parallel groups), the exact command each step
// would run, and for `docker manifest` steps the registry operations; nothing is executed.

import type { Engine } from '../engine/engine.js';
import type { PlatformEngine } from '../engine/platform-engines.js';
import { nodeById, type Plan } from '../plan/plan.js';
import { describeStep } from '../plan/format.js';
import type { Masker } from '../record/masker.js';
import { describeError, planDockerManifest } from '../registry/docker-manifest.js';
import { createManifestPlanState } from '../registry/manifest-store.js';
import { formatBytes, selectContextFiles, type ContextSelection } from '../run/context-files.js';
import { describeRunCommands } from '../run/execute-run.js';
import { describeRunSetting } from '../run/run-setting.js';
import { planWorkspace } from '../run/workspace.js';
import type { ListPlace, WorkspaceMode } from '../steps/context.js';
import type { StepCommand } from '../steps/index.js';
import type { Task } from '../task/types.js';
import { formatCommand } from './format-command.js';

export async function printDryRun(input: {
  task: Task;
  plan: Plan;
  runId: string;
  homeKey: string;
  engine: Engine;
  usesEngine: boolean;
  contextDir: string;
  workspaceMode: WorkspaceMode;
  platformEngines: readonly PlatformEngine[];
  /** Shows the secret env items as the run passes them: by name (`--env NAME`). */
  secretValues?: readonly string[];
  masker: Masker;
  write: (text: string) => void;
}): Promise<void> {
  const { task, plan, masker } = input;
  const selection = input.workspaceMode === 'copy' ? await selectContextFiles(input.contextDir) : undefined;
  const commands = describeRunCommands({ ...input, hasDockerignore: selection?.hasDockerignore ?? false });
  const workspace = planWorkspace({ mode: input.workspaceMode, runId: input.runId, homeKey: input.homeKey, contextDir: input.contextDir });
  const commandsOf = new Map(commands.steps.map((entry) => [entry.stepId, entry.commands]));
  const planState = createManifestPlanState();
  const lines: string[] = [
    `Dry run of ${task.file}: ${plan.nodes.length} step${plan.nodes.length === 1 ? '' : 's'} in ${plan.groups.length} group${plan.groups.length === 1 ? '' : 's'}, engine ${input.engine.name}, run ID ${input.runId}`,
    ...describeRunSetting({ workspace, engine: input.engine, usesEngine: input.usesEngine, platformEngines: input.platformEngines }),
    ...(selection ? describeCopy(selection) : []),
  ];
  if (commands.setup.length) lines.push('', 'setup:', ...commands.setup.map((c) => `  ${formatLine(c, masker)}`));
  for (const [index, ids] of plan.groups.entries()) {
    lines.push('', `group ${index + 1}${ids.length > 1 ? ` (${ids.length} steps in parallel)` : ''}:`);
    for (const id of ids) {
      const node = nodeById(plan, id)!;
      const after = node.dependsOn.length ? `after ${node.dependsOn.join(', ')}` : 'at start';
      lines.push(`  step ${id} (${node.step.kind}, ${after}): ${describeStep(node.step)}`);
      let listPosition: number | undefined;
      for (const command of commandsOf.get(id) ?? []) {
        // A command list: one line per command (operator, text, what runs it), its engine commands under it.
        if (command.list && command.list.position !== listPosition) {
          listPosition = command.list.position;
          lines.push(`    ${describeListPlace(command.list)}`);
        }
        if (command.list?.runner === 'builtin') continue;
        const indent = command.list ? '      ' : '    ';
        lines.push(`${indent}${formatLine(command, masker)}`);
        if (command.inProcess) lines.push(...(await planManifest(command, planState)).map((line) => `${indent}  ${line}`));
      }
    }
  }
  if (commands.cleanup.length) lines.push('', 'cleanup:', ...commands.cleanup.map((c) => `  ${formatLine(c, masker)}`));
  lines.push('', 'Nothing was run (--dry-run).', '');
  input.write(masker.mask(lines.join('\n')));
}

const LIST_RUNNERS: Readonly<Record<ListPlace['runner'], string>> = {
  container: 'in a container',
  'host-docker': "the engine's CLI on the host",
  builtin: 'builtin, run by taskrun',
};

function describeListPlace(place: ListPlace): string {
  return `${place.position}. ${place.operator ? `${place.operator} ` : ''}${place.text}  [${LIST_RUNNERS[place.runner]}]`;
}

const LEFT_OUT_SHOWN = 20;

function describeCopy(selection: ContextSelection): string[] {
  const copied = `Copied: ${selection.fileCount} file${selection.fileCount === 1 ? '' : 's'}, ${formatBytes(selection.totalBytes)}`;
  if (!selection.hasDockerignore) return [`${copied} (no .dockerignore)`];
  if (selection.leftOut.length === 0) return [`${copied}; .dockerignore leaves nothing out`];
  const shown = selection.leftOut.slice(0, LEFT_OUT_SHOWN).join(', ');
  const more = selection.leftOut.length > LEFT_OUT_SHOWN ? ` and ${selection.leftOut.length - LEFT_OUT_SHOWN} more` : '';
  return [`${copied}; .dockerignore leaves out ${selection.leftOut.length}: ${shown}${more}`];
}

// Each word is masked before quoting: quoting a secret (`'` → `'"'"'`) would hide it from the masker.
function formatLine(command: StepCommand, masker: Masker): string {
  const where = `${command.cwd ? `  (in ${command.cwd})` : ''}${command.endpoint ? `  (on ${command.endpoint})` : ''}`;
  const how = command.inProcess ? '  [in-process, against the registry]' : '';
  const input = command.inputFrom ? `${formatCommand(command.inputFrom.map((word) => masker.mask(word)))} | ` : '';
  return `$ ${input}${formatCommand(command.argv.map((word) => masker.mask(word)))}${where}${how}`;
}

// The registry is only read (HEAD/GET); a list created by an earlier step lives in planState.
async function planManifest(command: StepCommand, planState: ReturnType<typeof createManifestPlanState>): Promise<string[]> {
  const args = command.argv.slice(2);
  try {
    return await planDockerManifest(args, {
      stdout: () => undefined,
      stderr: () => undefined,
      signal: AbortSignal.timeout(30_000),
      env: process.env,
      planState,
    });
  } catch (caught) {
    const reason = describeError(caught).trim().split('\n');
    return [`registry plan: would fail now: ${reason[0]}`, ...reason.slice(1), '(images that earlier steps build and push do not exist before a real run)'];
  }
}
