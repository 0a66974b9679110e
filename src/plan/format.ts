// Stage 4, plan: the step graph as text for `taskrun graph` (text, Mermaid, Graphviz dot), and the
// styled dot source its pictures (svg, png) are laid out from.

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

// Rounded boxes on a white page. Courier is the one monospace font Graphviz knows the widths of;
// its SVG asks for "Courier,monospace", and every monospace font has Courier's widths, so the
// text fits its box wherever the picture is drawn.
const PICTURE_STYLE = [
  '  bgcolor="white"; pad=0.2; nodesep=0.3; ranksep=0.45;',
  '  node [shape=box, style="rounded,filled", fillcolor="#f6f8fa", color="#8c959f", fontname="Courier", fontsize=11, margin="0.15,0.07"];',
  '  edge [color="#57606a", arrowsize=0.7];',
];
/** Picture labels wrap at this many characters, so a long command makes a taller box, not a page-wide one. */
const PICTURE_LINE_LENGTH = 44;

/** The dot source `taskrun graph --format svg|png` lays out: the same graph as `dot`, styled for a page. */
export function formatDotPicture(plan: Plan): string {
  return formatDot(plan, { style: PICTURE_STYLE, describe: (step) => wrapWords(describeStep(step), PICTURE_LINE_LENGTH) });
}

interface DotLook {
  readonly style: readonly string[];
  readonly describe: (step: Step) => string;
}

function formatDot(plan: Plan, look: DotLook = { style: ['  node [shape=box];'], describe: describeStep }): string {
  const lines = ['digraph task {', '  rankdir=TB;', ...look.style, `  ${DOT_START} [shape=circle, label="start"];`];
  for (const node of plan.nodes) {
    lines.push(`  ${quoteDot(node.step.id)} [label=${quoteDot(`${node.step.id}\n${look.describe(node.step)}`)}];`);
  }
  for (const node of plan.nodes) {
    if (node.dependsOn.length === 0) lines.push(`  ${DOT_START} -> ${quoteDot(node.step.id)};`);
    for (const dep of node.dependsOn) lines.push(`  ${quoteDot(dep)} -> ${quoteDot(node.step.id)};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Words on lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapWords(text: string, width: number): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
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
