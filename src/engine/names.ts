// Stage 5, execute: names of what a run creates on the engine, scoped by run id so
// cleanup can find them even after the client process was killed.

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

/** A cmd step's container; `position` (from 2) names the container of a later command of its list. */
export function containerNameFor(input: { runId: string; stepId: string; position?: number }): string {
  const suffix = input.position !== undefined && input.position > 1 ? `-${input.position}` : '';
  return sanitiseEngineName(`taskrun-${input.runId}-${uniqueNamePart(input.stepId)}${suffix}`);
}

export function runNetworkName(runId: string): string {
  return sanitiseEngineName(`taskrun-${runId}`);
}

export function homeVolumeName(runId: string): string {
  return sanitiseEngineName(`taskrun-${runId}-home`);
}

/** The volume holding a run's copy of the context, mounted at /workspace (`.Run.SharedVolume`). */
export function workspaceVolumeName(runId: string): string {
  return sanitiseEngineName(`taskrun-${runId}-workspace`);
}

/** Label put on every container, network and volume of a run. */
export const RUN_LABEL = 'taskrun.run';
