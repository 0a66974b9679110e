// Template stage: renders a task file's Go-template text (ACR's `{{ … }}` syntax) through an
// isolated handlebars instance, keeping every output line's origin in the user's file.

import Handlebars from 'handlebars';
import { error, warning, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { deriveText, locate, splitLines, type SourceText } from '../source-text.js';
import type { TemplateData } from './data.js';
import { ActionError, DotFrame, HELPER_NAMES, createHelpers } from './evaluate.js';
import { readOrigins } from './origins.js';
import { parseTemplate } from './parse.js';
import { translateTemplate } from './translate.js';

export { buildTemplateData, shellQuote } from './template-data.js';

export interface RenderResult {
  /** Present iff diagnostics has no error. Lines map back to the original file (origins). */
  readonly source?: SourceText;
  readonly diagnostics: readonly Diagnostic[];
}

const NO_VALUE = '<no value>';
const KNOWN_HELPERS = Object.fromEntries(Object.values(HELPER_NAMES).map((name) => [name, true]));
// One isolated handlebars instance with no helpers of its own; each render passes its helpers.
const HANDLEBARS = Handlebars.create();
// Compiling is the slow part of handlebars (its code generator), so compiled programs are kept
// per template text: the secrets pre-pass and the final pass render the same text twice.
interface Compiled {
  readonly parsed: ReturnType<typeof parseTemplate>;
  render?: Handlebars.TemplateDelegate;
}
const COMPILED = new Map<string, Compiled>();
const COMPILED_LIMIT = 16;

function compileText(text: string): Compiled {
  const cached = COMPILED.get(text);
  if (cached) return cached;
  const compiled: Compiled = { parsed: parseTemplate(text) };
  if (compiled.parsed.template) {
    const program = translateTemplate({ parsed: compiled.parsed.template, text });
    compiled.render = HANDLEBARS.compile(program, {
      noEscape: true,
      ignoreStandalone: true,
      knownHelpers: KNOWN_HELPERS,
      knownHelpersOnly: true,
    });
  }
  if (COMPILED.size >= COMPILED_LIMIT) COMPILED.delete(COMPILED.keys().next().value ?? '');
  COMPILED.set(text, compiled);
  return compiled;
}

export function renderTemplate(source: SourceText, data: TemplateData): RenderResult {
  const { parsed, render } = compileText(source.text);
  const locationOf = (at: number): SourceLocation => {
    const position = parsed.positions[at] ?? { line: 1, col: 1 };
    return locate(source, position.line, position.col);
  };
  if (!parsed.template || !render) {
    return { diagnostics: parsed.problems.map((p) => error(p.code, p.message, locationOf(p.at), p.hint)) };
  }

  const warnings = new Map<string, Diagnostic>();
  const addWarning = (key: string, diagnostic: Diagnostic) => {
    if (!warnings.has(key)) warnings.set(key, diagnostic);
  };
  const helpers = createHelpers({
    root: data,
    slotCount: parsed.template.slotCount,
    events: {
      onMissing: (at, expression) =>
        addWarning(
          `missing ${at} ${expression}`,
          warning(
            'missing-value',
            `\`${expression}\` is not set; it renders as an empty string`,
            locationOf(at),
            'set it with --set or a values file, or give a fallback: `{{ … | default "…" }}`',
          ),
        ),
      onWarning: (at, code, message, hint) => addWarning(`${code} ${at} ${message}`, warning(code, message, locationOf(at), hint)),
    },
  });
  let marked: string;
  try {
    marked = render(new DotFrame(data), { helpers });
  } catch (caught) {
    if (!(caught instanceof ActionError)) throw caught;
    return { diagnostics: [...warnings.values(), error('template-exec', caught.message, locationOf(caught.at))] };
  }

  const { text, fromLines } = readOrigins(marked);
  const templateLines = splitLines(source.text);
  const lines = text.split('\n').map((line, i) => {
    if (!line.includes(NO_VALUE)) return line;
    const fromLine = fromLines[i] ?? 1;
    const col = (templateLines[fromLine - 1] ?? '').indexOf(NO_VALUE) + 1 || 1;
    addWarning(
      `no-value ${fromLine}`,
      warning(
        'template-no-value',
        'the text `<no value>` is deleted from the rendered task, as on ACR',
        locate(source, fromLine, col),
        'ACR removes every `<no value>` after rendering; spell it differently to keep it',
      ),
    );
    return line.split(NO_VALUE).join('');
  });
  return { source: deriveText(source, lines.join('\n'), fromLines), diagnostics: [...warnings.values()] };
}
