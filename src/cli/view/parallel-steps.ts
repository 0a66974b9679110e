// CLI view: whether a run's output lines need their `[id]` prefix — decided from the plan
// (two steps neither of which waits for the other, and room to run both), not from what
// happens to be running, so a step's lines look the same from its first to its last.

import type { Plan } from '../../plan/plan.js';

export function hasParallelSteps(plan: Plan, maxParallel?: number): boolean {
  if (maxParallel === 1) return false;
  // Ancestors of each step, in declaration order (dependencies always come earlier).
  const ancestors = new Map<string, Set<string>>();
  for (const node of plan.nodes) {
    const own = new Set<string>();
    for (const id of node.dependsOn) {
      own.add(id);
      for (const above of ancestors.get(id) ?? []) own.add(above);
    }
    ancestors.set(node.step.id, own);
  }
  // Steps can all run one after another only if each one waits for every step before it.
  return plan.nodes.some((node, index) => (ancestors.get(node.step.id)?.size ?? 0) < index);
}
