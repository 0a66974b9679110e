// Record stage: where taskrun keeps its run store (TASKRUN_HOME) and the paths inside it.

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const RUNS_FOLDER = 'runs';
export const RECORD_FILE = 'record.json';
export const LOG_FILE = 'log.ndjson';

// `TASKRUN_HOME`, else the XDG per-user state folder, else `~/.local/state/taskrun`.
export function resolveTaskrunHome(env: NodeJS.ProcessEnv = process.env, userHome: string = homedir()): string {
  if (env.TASKRUN_HOME) return resolve(env.TASKRUN_HOME);
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  if (env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)) return join(env.XDG_STATE_HOME, 'taskrun');
  return join(userHome, '.local', 'state', 'taskrun');
}

export function resolveRunsFolder(home: string): string {
  return join(home, RUNS_FOLDER);
}

export function resolveRunFolder(home: string, runId: string): string {
  return join(home, RUNS_FOLDER, runId);
}
