// The code layout's rule: no import cycles between modules of src/ (type-only imports included).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
}

/** Every cycle found by a depth-first walk, each as the list of files on it. */
function findCycles(files: readonly string[]): string[][] {
  const edges = new Map(files.map((file) => [file, localImports(file)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)).map((f) => path.relative(SRC, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

// Cycles that predate this check, each to be broken by the owner of its stage.
const KNOWN_CYCLES: readonly (readonly string[])[] = [];

describe('src/ imports', () => {
  it('form no new cycle', () => {
    const isKnown = (cycle: readonly string[]) => KNOWN_CYCLES.some((known) => known.join() === cycle.join());
    expect(findCycles(sourceFiles(SRC)).filter((cycle) => !isKnown(cycle))).toEqual([]);
  });

  it('has no cycle through runs prune and interrupted-runs', () => {
    expect(findCycles(sourceFiles(SRC)).flat()).not.toContain('cli/interrupted-runs.ts');
  });
});
