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
import { findOverlongLine, GO_SCANNER_MAX_LINE_BYTES } from './go-text.js';
import type { AliasOs, AliasSourceScope } from './aliases.js';

// The caller decides whether aliases apply (sniffVersion + isAliasVersion). `source` is the
// comment-stripped task; the result's `source` (present iff no error) still needs rendering.
// `aliases` is kept for expandCommandWord after parsing.
export async function applyAliases(input: {
  source: SourceText;
  data: TemplateData;
  taskDir: string;
  os: AliasOs;
  fetchTimeoutMs?: number;
  srcScope?: AliasSourceScope;
}): Promise<{ source?: SourceText; aliases: ReadonlyMap<string, string>; directive: string; diagnostics: Diagnostic[] }> {
  const { aliasBlock, task } = splitAliasBlock(input.source);
  const diagnostics: Diagnostic[] = [];
  const overlong = describeOverlongLine(input.source);
  if (overlong) diagnostics.push(overlong);
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
    ...(input.srcScope !== undefined && { srcScope: input.srcScope }),
  });
  diagnostics.push(...resolved.diagnostics);
  const result = { aliases: resolved.aliases, directive: resolved.directive, diagnostics };
  if (hasErrors(diagnostics)) return result;
  return { ...result, source: substituteAliases(task, resolved) };
}

// acb splits a v1.1.0 file into lines with bufio.Scanner, which stops without an error at a
// line of 64 KiB or more: ACR then runs the task as if the file ended before that line.
// taskrun keeps the whole file and says where ACR would cut it.
function describeOverlongLine(source: SourceText): Diagnostic | undefined {
  const found = findOverlongLine(source.text);
  if (!found) return undefined;
  const line = source.origins[found.line - 1] ?? found.line;
  return warning(
    'acr-line-too-long',
    `this line is ${found.bytes} bytes long: ACR reads lines of a v1.1.0 file up to ${GO_SCANNER_MAX_LINE_BYTES - 1} bytes and silently drops this line and everything after it (taskrun renders all of it)`,
    { file: source.file, line, col: 1 },
    'split the line, e.g. with a folded block scalar (>) or a values file',
  );
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
