// Template stage: renders a task file's Go-template text (ACR's `{{ … }}` syntax) through an
// isolated handlebars instance, keeping every output line's origin in the user's file.

// Only handlebars' runtime: the template spec is built by translate.ts, so the compiler (and its
// start-up cost) is not needed.
import HandlebarsRuntime from 'handlebars/runtime.js';
import type HandlebarsTypes from 'handlebars';

// The runtime's own type file only re-exports the full package's types.
const Handlebars = HandlebarsRuntime as unknown as typeof HandlebarsTypes;
import { error, warning, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { deriveText, locate, MarkedTextBuilder, splitLines, type SourceText, type TextSpan } from '../source-text.js';
import type { TemplateData } from './data.js';
import { ActionError, ExecBudget, createHelpers, startFrame, type ActionNode } from './evaluate.js';
import { LimitError } from './limits.js';
import { describeMissing } from './missing.js';
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
// One isolated handlebars instance with no helpers of its own; each render passes its helpers.
const HANDLEBARS = Handlebars.create();
// Parsed and translated templates are kept per template text: the secrets pre-pass and the
// final pass render the same text twice.
interface Compiled {
  readonly parsed: ReturnType<typeof parseTemplate>;
  render?: HandlebarsTypes.TemplateDelegate;
  actions?: readonly ActionNode[];
}
const COMPILED = new Map<string, Compiled>();
const COMPILED_LIMIT = 16;

function compileText(text: string): Compiled {
  const cached = COMPILED.get(text);
  if (cached) return cached;
  const compiled: Compiled = { parsed: parseTemplate(text) };
  if (compiled.parsed.template) {
    const { spec, actions } = translateTemplate({ parsed: compiled.parsed.template, text });
    compiled.actions = actions;
    compiled.render = HANDLEBARS.template(spec);
  }
  if (COMPILED.size >= COMPILED_LIMIT) COMPILED.delete(COMPILED.keys().next().value ?? '');
  COMPILED.set(text, compiled);
  return compiled;
}

export function renderTemplate(source: SourceText, data: TemplateData): RenderResult {
  let compiled: Compiled;
  try {
    compiled = compileText(source.text);
  } catch (caught) {
    // The nesting limit keeps the parser well within the stack; this is the last safety net.
    if (!(caught instanceof RangeError)) throw caught;
    const message = "the template nests too deeply for taskrun to read (it ran out of stack)";
    return { diagnostics: [error('template-limit', message, locate(source, 1, 1), 'use fewer nested blocks and parentheses')] };
  }
  const { parsed, render, actions } = compiled;
  const locationOf = (at: number): SourceLocation => {
    const position = parsed.positions[at] ?? { line: 1, col: 1 };
    return locate(source, position.line, position.col);
  };
  if (!parsed.template || !render || !actions) {
    return { diagnostics: parsed.problems.map((p) => error(p.code, p.message, locationOf(p.at), p.hint)) };
  }

  const warnings = new Map<string, Diagnostic>();
  const addWarning = (key: string, diagnostic: Diagnostic) => {
    if (!warnings.has(key)) warnings.set(key, diagnostic);
  };
  const helpers = createHelpers({
    root: data,
    actions,
    defined: parsed.template.defined,
    events: {
      onMissing: (at, missing) => {
        const key = `missing ${at} ${missing.expression}`;
        if (warnings.has(key)) return;
        const { message, hint } = describeMissing(missing);
        addWarning(key, warning('missing-value', message, locationOf(at), hint));
      },
      onWarning: (at, code, message, hint) => addWarning(`${code} ${at} ${message}`, warning(code, message, locationOf(at), hint)),
    },
  });
  let marked: string;
  const budget = new ExecBudget();
  try {
    marked = render(startFrame(data, parsed.template.slotCount, budget), { helpers });
  } catch (caught) {
    if (caught instanceof ActionError) {
      return { diagnostics: [...warnings.values(), error(caught.code, caught.message, locationOf(caught.at), caught.hint)] };
    }
    // Literal text outside any block passing the output limit.
    if (caught instanceof LimitError) {
      return { diagnostics: [...warnings.values(), error('template-limit', caught.message, locationOf(budget.lastAt), caught.hint)] };
    }
    // Joining the pieces of a huge output can exceed the longest JS string.
    if (caught instanceof RangeError) {
      return {
        diagnostics: [
          ...warnings.values(),
          error('template-limit', `the rendered task is too large: ${caught.message}`, locationOf(budget.lastAt), 'check `range` and `repeat` counts'),
        ],
      };
    }
    throw caught;
  }

  const { text, fromLines, valueSpans } = readOrigins(marked, source);
  const templateLines = splitLines(source.text);
  text.split('\n').forEach((line, i) => {
    if (!line.includes(NO_VALUE)) return;
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
  });
  const rendered = text.includes(NO_VALUE) ? withoutNoValue({ text, valueSpans }) : { text, valueSpans };
  return { source: deriveText(source, rendered.text, fromLines, rendered.valueSpans), diagnostics: [...warnings.values()] };
}

// Deletes every `<no value>` (it holds no line break, so lines stay where they are), keeping the value spans of the rest.
function withoutNoValue(input: { text: string; valueSpans: readonly TextSpan[] }): { text: string; valueSpans: TextSpan[] } {
  const out = new MarkedTextBuilder();
  let from = 0;
  for (let at = input.text.indexOf(NO_VALUE); at >= 0; at = input.text.indexOf(NO_VALUE, from)) {
    out.appendSlice(input, from, at);
    from = at + NO_VALUE.length;
  }
  out.appendSlice(input, from, input.text.length);
  return { text: out.text, valueSpans: out.spans };
}
