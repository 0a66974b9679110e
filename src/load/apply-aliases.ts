// Load stage (v1.1.0 files): the whole alias preprocessor — split off the `alias:` block,
// render it, resolve the alias table and substitute it into the rest (acb-spec §0 step 5).

import { hasErrors } from '../diagnostics.js';
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
