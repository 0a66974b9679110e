// Stage 4, plan: the step graph as text for `taskrun graph` (text, Mermaid, Graphviz dot).

import type { Step } from '../task/types.js';
import { nodeById, type Plan } from './plan.js';

export type GraphFormat = 'text' | 'mermaid' | 'dot';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['text', 'mermaid', 'dot'];

export function formatGraph(plan: Plan, format: GraphFormat): string {
  switch (format) {
    case 'text':
      return formatText(plan);
    case 'mermaid':
      return formatMermaid(plan);
    case 'dot':
      return formatDot(plan);
  }
}

/** What a step does, on one line of at most 100 characters: `build -t x .`, `push a, b`, `cmd busybox echo hi`. */
export function describeStep(step: Step): string {
  return oneLine(describeStepInFull(step));
}

function describeStepInFull(step: Step): string {
  switch (step.kind) {
    case 'build':
      return `build ${step.build}`;
    case 'push':
      return `push ${step.images.join(', ')}`;
    case 'cmd':
      return `cmd ${step.cmd}`;
  }
}

function formatText(plan: Plan): string {
  const lines: string[] = [];
  plan.groups.forEach((ids, index) => {
    lines.push(`group ${index + 1}${ids.length > 1 ? ` (${ids.length} steps in parallel)` : ''}`);
    for (const id of ids) {
      const node = nodeById(plan, id)!;
      const after = node.dependsOn.length ? `after ${node.dependsOn.join(', ')}` : 'at start';
      lines.push(`  ${id}  [${after}]  ${describeStep(node.step)}`);
    }
  });
  return lines.join('\n') + '\n';
}

function formatMermaid(plan: Plan): string {
  const ids = mermaidIds(plan);
  const lines = ['flowchart TD', '  start(((start)))'];
  for (const node of plan.nodes) {
    lines.push(`  ${ids.get(node.step.id)}["${escapeMermaid(`${node.step.id}: ${describeStep(node.step)}`)}"]`);
  }
  for (const node of plan.nodes) {
    const to = ids.get(node.step.id)!;
    if (node.dependsOn.length === 0) lines.push(`  start --> ${to}`);
    for (const dep of node.dependsOn) lines.push(`  ${ids.get(dep)} --> ${to}`);
  }
  return lines.join('\n') + '\n';
}

// Step ids cannot hold whitespace, so the start node's id can never be a step's.
const DOT_START = '"run start"';

function formatDot(plan: Plan): string {
  const lines = ['digraph task {', '  rankdir=TB;', '  node [shape=box];', `  ${DOT_START} [shape=circle, label="start"];`];
  for (const node of plan.nodes) {
    lines.push(`  ${quoteDot(node.step.id)} [label=${quoteDot(`${node.step.id}\n${describeStep(node.step)}`)}];`);
  }
  for (const node of plan.nodes) {
    if (node.dependsOn.length === 0) lines.push(`  ${DOT_START} -> ${quoteDot(node.step.id)};`);
    for (const dep of node.dependsOn) lines.push(`  ${quoteDot(dep)} -> ${quoteDot(node.step.id)};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

// Mermaid node ids must be plain words; step ids may hold `-`, `.` and more.
function mermaidIds(plan: Plan): Map<string, string> {
  return new Map(plan.nodes.map((node, index) => [node.step.id, `s${index}`]));
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}
