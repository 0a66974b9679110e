// Stage 3, validate: a build whose context folder or Dockerfile does not exist fails only when
// it runs, after everything before it. Checked where nothing before the build could have made
// them: no cmd step comes earlier (a step may write files the build uses).

import { stat } from '../sync-fs.js';
import path from 'node:path';
import { warning, type Diagnostic } from '../diagnostics.js';
import type { BuildStep, Task } from './types.js';

function isRemoteContext(context: string): boolean {
  return context === '-' || /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@');
}

async function isDirectory(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function checkBuild(step: BuildStep, contextDir: string): Promise<Diagnostic[]> {
  if (isRemoteContext(step.context)) return [];
  const folder = path.resolve(contextDir, step.context);
  if (!(await isDirectory(folder))) {
    return [warning('build-context-missing', `step \`${step.id}\` builds from \`${step.context}\`, but ${folder} is no folder`, step.location, 'give the build context as a folder of the context (`.` is the context itself)')];
  }
  if (step.dockerfile === '-') return [];
  // The engine reads -f relative to its working folder (the context); without -f, the context's Dockerfile (podman: or Containerfile).
  const candidates = step.dockerfile !== undefined ? [path.resolve(contextDir, step.dockerfile)] : ['Dockerfile', 'Containerfile'].map((name) => path.join(folder, name));
  for (const candidate of candidates) if (await isFile(candidate)) return [];
  const named = step.dockerfile !== undefined ? `\`-f ${step.dockerfile}\`` : 'its Dockerfile';
  return [warning('build-file-missing', `step \`${step.id}\` builds with ${named}, but ${candidates[0]} does not exist`, step.location, 'check the -f path (relative to the context) or the file name (Dockerfile is case-sensitive)')];
}

export async function checkBuildInputs(task: Task, contextDir: string): Promise<Diagnostic[]> {
  const firstCmd = task.steps.findIndex((step) => step.kind === 'cmd');
  const checked = task.steps.filter(
    (step): step is BuildStep => step.kind === 'build' && (firstCmd < 0 || step.index < firstCmd) && (step.workingDirectory === '' || step.disableWorkingDirectoryOverride),
  );
  return (await Promise.all(checked.map((step) => checkBuild(step, contextDir)))).flat();
}
