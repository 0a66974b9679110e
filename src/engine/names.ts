// Stage 5, execute: names and labels of what a run creates on the engine, scoped by the run's
// home and run id, so cleanup can find them even after the client process was killed and two
// homes on one engine (both with a run `tr1`) never meet.

import { createHash } from 'node:crypto';

const NAME_UNSAFE = /[^a-zA-Z0-9_.-]/g;

/** Docker and podman accept `[a-zA-Z0-9][a-zA-Z0-9_.-]*` as a container, network or volume name. */
export function sanitiseEngineName(name: string): string {
  const cleaned = name.replace(NAME_UNSAFE, '-');
  return /^[a-zA-Z0-9]/.test(cleaned) ? cleaned : `x${cleaned}`;
}

/**
 * A user-given id (step id, volume name) as a name part: unchanged when already safe, else
 * sanitised plus a short hash of the id, so `build:amd64` and `build-amd64` stay distinct.
 */
export function uniqueNamePart(id: string): string {
  const cleaned = id.replace(NAME_UNSAFE, '-');
  if (cleaned === id) return id;
  return `${cleaned}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

/** Label put on every container, network and volume of a run: its run id. */
export const RUN_LABEL = 'taskrun.run';
/** Label put beside RUN_LABEL: the run's home (`homeKeyOf`), as run ids are unique per home only. */
export const HOME_LABEL = 'taskrun.home';

/** What makes a run's engine objects its own: the run id, and the home it is unique in. */
export interface RunScope {
  readonly runId: string;
  /** `homeKeyOf(TASKRUN_HOME)`. */
  readonly homeKey: string;
}

/** A short hash of the resolved home folder: the value of HOME_LABEL. */
export function homeKeyOf(resolvedHome: string): string {
  return createHash('sha256').update(resolvedHome).digest('hex').slice(0, 16);
}

/** Names carry a shorter piece of the home's key: enough to keep two homes apart, short enough to read. */
const HOME_IN_NAMES = 6;

/** `taskrun-<home6>-<runId>`: the start of every name a run gives its engine objects and scratch folder. */
export function runNamePrefix(scope: RunScope): string {
  return sanitiseEngineName(`taskrun-${scope.homeKey.slice(0, HOME_IN_NAMES)}-${scope.runId}`);
}

export function runLabels(scope: RunScope): Record<string, string> {
  return { [RUN_LABEL]: scope.runId, [HOME_LABEL]: scope.homeKey };
}

/** `key=value` filters matching exactly this run's objects (engines AND label filters). */
export function runLabelFilters(scope: RunScope): string[] {
  return [`${RUN_LABEL}=${scope.runId}`, `${HOME_LABEL}=${scope.homeKey}`];
}

export function homeLabelFilter(homeKey: string): string {
  return `${HOME_LABEL}=${homeKey}`;
}

/** A cmd step's container; `position` (from 2) names the container of a later command of its list. */
export function containerNameFor(scope: RunScope, stepId: string, position?: number): string {
  const suffix = position !== undefined && position > 1 ? `-${position}` : '';
  return sanitiseEngineName(`${runNamePrefix(scope)}-${uniqueNamePart(stepId)}${suffix}`);
}

export function runNetworkName(scope: RunScope): string {
  return runNamePrefix(scope);
}

export function homeVolumeName(scope: RunScope): string {
  return `${runNamePrefix(scope)}-home`;
}

/** The volume holding a run's copy of the context, mounted at /workspace (`.Run.SharedVolume`). */
export function workspaceVolumeName(scope: RunScope): string {
  return `${runNamePrefix(scope)}-workspace`;
}
