// Stage 5, execute: names of what a run creates on the engine, scoped by run id so
// cleanup can find them even after the client process was killed.

/** Docker and podman accept `[a-zA-Z0-9][a-zA-Z0-9_.-]*` as a container, network or volume name. */
export function sanitiseEngineName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return /^[a-zA-Z0-9]/.test(cleaned) ? cleaned : `x${cleaned}`;
}

export function containerNameFor(input: { runId: string; stepId: string }): string {
  return sanitiseEngineName(`taskrun-${input.runId}-${input.stepId}`);
}

export function runNetworkName(runId: string): string {
  return sanitiseEngineName(`taskrun-${runId}`);
}

export function homeVolumeName(runId: string): string {
  return sanitiseEngineName(`taskrun-${runId}-home`);
}

/** Label put on every container, network and volume of a run. */
export const RUN_LABEL = 'taskrun.run';
