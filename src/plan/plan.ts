// Stage 4, plan: turns a normalised Task into a step graph. Pure: no I/O, no clock.
// Edges follow ACR's `when` rules (acb-spec §5.1): no `when` → after the previous
// step, `["-"]` → at the start, otherwise after every listed step.

import type { Step, Task } from '../task/types.js';

export interface PlanNode {
  readonly step: Step;
  /** Ids of the steps this one waits for (de-duplicated); empty → starts at once. */
  readonly dependsOn: readonly string[];
  /** Ids of the steps waiting for this one, in declaration order. */
  readonly dependants: readonly string[];
  /** Longest chain of dependencies before this step: 0 for a step that starts at once. */
  readonly depth: number;
}

export interface Plan {
  /** In declaration order. */
  readonly nodes: readonly PlanNode[];
  /**
   * Steps grouped by depth: every step of group N can start once its own dependencies
   * (all in groups < N) are done; steps in one group may run in parallel.
   */
  readonly groups: readonly (readonly string[])[];
}

// Planning assumes a validated task: `when` names only earlier steps, so the graph has no cycles.
export function planTask(task: Task): Plan {
  const byId = new Map<string, { step: Step; dependsOn: string[]; dependants: string[]; depth: number }>();
  let previous: Step | undefined;
  for (const step of task.steps) {
    const dependsOn = dependenciesOf(step, previous);
    const depth = dependsOn.reduce((max, id) => Math.max(max, (byId.get(id)?.depth ?? -1) + 1), 0);
    byId.set(step.id, { step, dependsOn, dependants: [], depth });
    for (const id of dependsOn) byId.get(id)?.dependants.push(step.id);
    previous = step;
  }
  const nodes = [...byId.values()];
  const groups: string[][] = [];
  for (const node of nodes) (groups[node.depth] ??= []).push(node.step.id);
  return { nodes, groups };
}

function dependenciesOf(step: Step, previous: Step | undefined): string[] {
  switch (step.when.kind) {
    case 'start':
      return [];
    case 'previous':
      return previous ? [previous.id] : [];
    case 'after':
      // `acb_root` is ACR's virtual start node: naming it means "at the start".
      return [...new Set(step.when.ids.filter((id) => id !== 'acb_root'))];
  }
}

export function nodeById(plan: Plan, id: string): PlanNode | undefined {
  return plan.nodes.find((node) => node.step.id === id);
}
