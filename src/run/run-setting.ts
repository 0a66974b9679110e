// Stage 5, execute: the lines that open a run (and a dry run): what /workspace is and which
// engine endpoint the steps go to, so a user sees before anything runs where files go.

import { describeEndpoint } from '../engine/endpoint.js';
import type { Engine } from '../engine/engine.js';
import type { PlatformEngine } from '../engine/platform-engines.js';
import type { WorkspaceSpec } from '../steps/context.js';

export interface RunSetting {
  readonly workspace: WorkspaceSpec;
  readonly engine: Engine;
  /** False for a task of `docker manifest` steps only: no engine is used. */
  readonly usesEngine: boolean;
  /** `--engine-for` routes. */
  readonly platformEngines?: readonly PlatformEngine[];
}

/** What the run record keeps of the setting. */
export interface RunSettingRecord {
  readonly workspace: { readonly mode: WorkspaceSpec['mode']; readonly contextDir: string; readonly volume?: string };
  readonly endpoint?: string;
  /** `--engine-for`: platform → the endpoint its builds (and their pushes) went to. */
  readonly platformEndpoints?: Readonly<Record<string, string>>;
}

export function recordRunSetting(setting: RunSetting, env: NodeJS.ProcessEnv = process.env): RunSettingRecord {
  const { workspace } = setting;
  return {
    workspace: { mode: workspace.mode, contextDir: workspace.contextDir, ...(workspace.mode === 'copy' && { volume: workspace.volume }) },
    ...(setting.usesEngine && { endpoint: describeEndpoint(setting.engine, env) }),
    ...(setting.platformEngines?.length && {
      platformEndpoints: Object.fromEntries(setting.platformEngines.map((route) => [route.platform, describeEndpoint(route.engine, env)])),
    }),
  };
}

export function describeRunSetting(setting: RunSetting, env: NodeJS.ProcessEnv = process.env): string[] {
  const { workspace } = setting;
  const workspaceLine =
    workspace.mode === 'copy'
      ? `Workspace: a copy of ${workspace.contextDir} (volume ${workspace.volume})`
      : `Workspace: ${workspace.contextDir}, bind-mounted: steps write it (--bind)`;
  const engineLine = setting.usesEngine ? `Engine: ${setting.engine.name} at ${describeEndpoint(setting.engine, env)}` : 'Engine: none (docker manifest steps talk to the registry)';
  const routeLines = (setting.platformEngines ?? []).map((route) => `Builds for ${route.platform}: ${setting.engine.name} at ${describeEndpoint(route.engine, env)} (--engine-for)`);
  return [workspaceLine, engineLine, ...routeLines];
}
