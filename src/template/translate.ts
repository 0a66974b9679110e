// Template stage: turns a parsed Go template into a handlebars template spec — the form
// `Handlebars.precompile` emits and the handlebars runtime (`Handlebars.template`) executes.
// Each Go action becomes one helper call whose single parameter is the action's index in a side
// table; block actions get handlebars programs for their body and `else`. The spec's program
// functions walk statement lists instead of being generated JavaScript: handlebars' code
// generator costs ~0.1 ms per action, far too slow for a 1,000-step file.

import { DotFrame, HELPER_NAMES, LoopSignal, type ActionNode } from './evaluate.js';
import { markText } from './origins.js';
import type { ParsedTemplate, TemplateNode } from './syntax.js';

/** What handlebars' runtime passes to a program function as its first argument. */
interface Container {
  readonly lookupProperty: (parent: unknown, name: string) => unknown;
  readonly program: (index: number, data: unknown) => ProgramFunction;
  readonly noop: ProgramFunction;
}

type ProgramFunction = (context: unknown, options?: unknown) => string;
type SpecProgram = (container: Container, depth0: unknown, helpers: unknown, partials: unknown, data: unknown) => string;
type HelperFunction = (this: unknown, index: number, options: object) => unknown;

type Statement =
  /** `length`: the text's own length, without the origin markers. */
  | { readonly kind: 'text'; readonly text: string; readonly length: number }
  | { readonly kind: 'action'; readonly helper: string; readonly index: number }
  | { readonly kind: 'block'; readonly helper: string; readonly index: number; readonly program: number; readonly inverse: number | undefined };

/** A handlebars template spec (`TemplateSpecification`): `main` plus numbered block programs. */
export interface HandlebarsSpec {
  readonly compiler: readonly [number, string];
  readonly useData: true;
  readonly main: SpecProgram;
  readonly [program: number]: SpecProgram;
}

export interface TranslatedTemplate {
  readonly spec: HandlebarsSpec;
  /** actions[i] is the Go action the helper call with parameter `i` runs. */
  readonly actions: readonly ActionNode[];
}

// The compiler revision of handlebars 4.3–4.7 (`Handlebars.COMPILER_REVISION`); the runtime checks it.
const COMPILER_INFO = [8, '>= 4.3.0'] as const;

export function translateTemplate(input: { parsed: ParsedTemplate; text: string }): TranslatedTemplate {
  const lineStarts = [0];
  for (let i = input.text.indexOf('\n'); i >= 0; i = input.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const translator = new Translator(lineStarts);
  // Each defined template is a program that `{{template}}` calls run as their body; programs are
  // numbered before any is filled in, so templates can call each other (and themselves).
  const definitions = [...input.parsed.defined.values()].map((body) => ({ body, program: translator.reserveProgram() }));
  [...input.parsed.defined.keys()].forEach((name, i) => translator.templatePrograms.set(name, definitions[i]?.program ?? 0));
  for (const { body, program } of definitions) translator.fillProgram(program, body.nodes);
  const main = translator.statements(input.parsed.nodes);
  const spec: { [key: string]: unknown } = { compiler: COMPILER_INFO, useData: true, main: runProgram(main) };
  translator.programs.forEach((program, i) => {
    if (i > 0) spec[i] = runProgram(program);
  });
  return { spec: spec as unknown as HandlebarsSpec, actions: translator.actions };
}

// What handlebars' generated code does for a program: append text, call helpers with
// `this` = the context, and hand block helpers their body and `else` as handlebars programs.
// Literal text counts against the output limit; a `{{break}}`/`{{continue}}` passing through
// takes the text written so far with it.
function runProgram(statements: readonly Statement[]): SpecProgram {
  return (container, depth0, helpers, _partials, data) => {
    const budget = depth0 instanceof DotFrame ? depth0.budget : undefined;
    let out = '';
    try {
      for (const statement of statements) {
        if (statement.kind === 'text') {
          budget?.charge(statement.length);
          out += statement.text;
          continue;
        }
        const helper = container.lookupProperty(helpers, statement.helper) as HelperFunction;
        const options =
          statement.kind === 'action'
            ? { name: statement.helper, hash: {}, data }
            : {
                name: statement.helper,
                hash: {},
                fn: container.program(statement.program, data),
                inverse: statement.inverse === undefined ? container.noop : container.program(statement.inverse, data),
                data,
              };
        const value = helper.call(depth0, statement.index, options);
        if (value !== null && value !== undefined) out += String(value);
      }
    } catch (caught) {
      if (caught instanceof LoopSignal) caught.output = out + caught.output;
      throw caught;
    }
    return out;
  };
}

class Translator {
  readonly actions: ActionNode[] = [];
  /** Block programs; index 0 is reserved, since handlebars numbers them from 1. */
  readonly programs: (readonly Statement[])[] = [[]];
  /** The program of each defined template. */
  readonly templatePrograms = new Map<string, number>();
  private readonly lineStarts: readonly number[];

  constructor(lineStarts: readonly number[]) {
    this.lineStarts = lineStarts;
  }

  statements(nodes: readonly TemplateNode[]): Statement[] {
    return nodes.map((node) => this.statement(node));
  }

  private statement(node: TemplateNode): Statement {
    if (node.kind === 'text') return { kind: 'text', text: markText(node.text, this.lineOf(node.offset), node.offset), length: node.text.length };
    const index = this.actions.push(node) - 1;
    const helper = HELPER_NAMES[node.kind];
    if (node.kind === 'template') {
      // An undefined template is an error only when the call runs, as in Go.
      const program = this.templatePrograms.get(node.name);
      return program === undefined ? { kind: 'action', helper, index } : { kind: 'block', helper, index, program, inverse: undefined };
    }
    if (node.kind !== 'if' && node.kind !== 'with' && node.kind !== 'range') return { kind: 'action', helper, index };
    const program = this.program(node.body);
    const inverse = node.otherwise ? this.program(node.otherwise) : undefined;
    return { kind: 'block', helper, index, program, inverse };
  }

  reserveProgram(): number {
    return this.programs.push([]) - 1;
  }

  fillProgram(index: number, nodes: readonly TemplateNode[]): void {
    this.programs[index] = this.statements(nodes);
  }

  private program(nodes: readonly TemplateNode[]): number {
    const index = this.reserveProgram();
    this.fillProgram(index, nodes);
    return index;
  }

  private lineOf(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}
