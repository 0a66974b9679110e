// Load stage (v1.1.0 files): the whole alias preprocessor — split off the `alias:` block,
// render it, resolve the alias table and substitute it into the rest (acb-spec §0 step 5).

import { hasErrors, warning } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import type { SourceText } from '../source-text.js';
import type { TemplateData } from '../template/data.js';
import { renderTemplate } from '../template/render.js';
import { splitAliasBlock } from './alias-block.js';
import { substituteAliases } from './alias-substitution.js';
import { defaultDirective, listGlobalAliases, resolveAliases } from './aliases.js';
import type { AliasOs } from './aliases.js';

// The caller decides whether aliases apply (sniffVersion + isAliasVersion). `source` is the
// comment-stripped task; the result's `source` (present iff no error) still needs rendering.
// `aliases` is kept for expandCommandWord after parsing.
export async function applyAliases(input: {
  source: SourceText;
  data: TemplateData;
  taskDir: string;
  os: AliasOs;
  fetchTimeoutMs?: number;
}): Promise<{ source?: SourceText; aliases: ReadonlyMap<string, string>; directive: string; diagnostics: Diagnostic[] }> {
  const { aliasBlock, task } = splitAliasBlock(input.source);
  const diagnostics: Diagnostic[] = [];
  let renderedBlock = aliasBlock;
  if (aliasBlock.text.trim() !== '') {
    const rendered = renderTemplate(aliasBlock, input.data);
    diagnostics.push(...rendered.diagnostics);
    if (rendered.source === undefined) {
      return { aliases: listGlobalAliases(input.os), directive: defaultDirective, diagnostics };
    }
    renderedBlock = rendered.source;
  }
  const resolved = await resolveAliases({
    aliasBlock: renderedBlock,
    taskDir: input.taskDir,
    os: input.os,
    ...(input.fetchTimeoutMs !== undefined && { fetchTimeoutMs: input.fetchTimeoutMs }),
  });
  diagnostics.push(...resolved.diagnostics);
  const result = { aliases: resolved.aliases, directive: resolved.directive, diagnostics };
  if (hasErrors(diagnostics)) return result;
  return { ...result, source: substituteAliases(task, resolved) };
}

// For a file that reads as v1.1.0 but whose version text does not turn aliases on (acb compares
// the text of the column-0 `version:` line as a string, so `V1.1.0` reads as older): its
// `alias:` block then does nothing, on ACR as here.
export function describeInactiveAliasBlock(source: SourceText): Diagnostic | undefined {
  const { aliasBlock } = splitAliasBlock(source);
  if (aliasBlock.text.trim() === '') return undefined;
  return warning(
    'alias-inactive',
    '`alias` has no effect: ACR turns aliases on only when a line starts with `version: v1.1.0` (lower-case v)',
    { file: source.file, line: aliasBlock.origins[0] ?? 1, col: 1 },
    'write `version: v1.1.0` on a line of its own, at the start of the line',
  );
}
