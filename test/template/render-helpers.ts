// Test helpers for the template stage: a fixed run and a one-call render.

import { fromOriginal } from '../../src/source-text.js';
import type { RunVars, Values } from '../../src/template/data.js';
import { buildTemplateData, renderTemplate, type RenderResult } from '../../src/template/render.js';

export const RUN: RunVars = {
  ID: 'abc',
  Registry: 'localhost:5000',
  RegistryName: 'localhost:5000',
  Date: '20261123-075100z',
  OS: 'linux',
  Architecture: 'amd64',
  OSVersion: '',
  Commit: 'c0ffee',
  Branch: 'main',
  Repository: 'repo',
  GitTag: '',
  TriggeredBy: 'manual',
  TaskName: 'demo',
  SharedVolume: 'vol',
};

export function render(text: string, values: Values = {}, secrets: Record<string, string> = {}): RenderResult {
  return renderTemplate(fromOriginal('task.yaml', text), buildTemplateData({ run: RUN, values, secrets }));
}

/** The rendered text; fails the test with the diagnostics when there is none. */
export function renderText(text: string, values: Values = {}): string {
  const result = render(text, values);
  if (!result.source) throw new Error(JSON.stringify(result.diagnostics));
  return result.source.text;
}
