// Template stage: turns a parsed Go template into a handlebars program (built as an AST, so
// no handlebars syntax is ever quoted) whose helpers, from `evaluate.ts`, run it.

import { HELPER_NAMES } from './evaluate.js';
import { markText } from './origins.js';
import type { ActionPosition, Expr, ParsedTemplate, TemplateNode } from './syntax.js';

interface Loc {
  readonly source: string;
  readonly start: { readonly line: number; readonly column: number };
  readonly end: { readonly line: number; readonly column: number };
}

interface HbsNode {
  readonly type: string;
  readonly loc: Loc;
  readonly [key: string]: unknown;
}

const NO_STRIP = { open: false, close: false };

export interface HandlebarsProgram {
  readonly type: 'Program';
  readonly body: readonly HbsNode[];
  readonly blockParams: readonly string[];
  readonly loc: Loc;
}

export function translateTemplate(input: { parsed: ParsedTemplate; text: string }): HandlebarsProgram {
  const lineStarts = [0];
  for (let i = 0; i < input.text.length; i++) if (input.text[i] === '\n') lineStarts.push(i + 1);
  const translator = new Translator(input.parsed.positions, lineStarts);
  return translator.program(translator.statements(input.parsed.nodes));
}

class Translator {
  private readonly positions: readonly ActionPosition[];
  private readonly lineStarts: readonly number[];

  constructor(positions: readonly ActionPosition[], lineStarts: readonly number[]) {
    this.positions = positions;
    this.lineStarts = lineStarts;
  }

  program(body: readonly HbsNode[]): HandlebarsProgram {
    return { type: 'Program', body, blockParams: [], loc: this.loc(0) };
  }

  content(value: string): HbsNode {
    return { type: 'ContentStatement', value, original: value, loc: this.loc(0) };
  }

  statements(nodes: readonly TemplateNode[]): HbsNode[] {
    return nodes.map((node) => this.statement(node));
  }

  private statement(node: TemplateNode): HbsNode {
    switch (node.kind) {
      case 'text':
        return this.content(markText(node.text, this.lineOf(node.offset)));
      case 'output':
      case 'exec': {
        const name = node.kind === 'output' ? HELPER_NAMES.output : HELPER_NAMES.exec;
        return {
          type: 'MustacheStatement',
          path: this.path(name, node.at),
          params: [this.expression(node.expr, node.at)],
          hash: this.hash(node.at, { at: node.at }),
          escaped: false,
          strip: NO_STRIP,
          loc: this.loc(node.at),
        };
      }
      case 'if':
      case 'with':
      case 'range': {
        const slots = node.kind === 'range' ? { keySlot: node.keySlot, elementSlot: node.elementSlot } : {};
        return {
          type: 'BlockStatement',
          path: this.path(HELPER_NAMES[node.kind], node.at),
          params: [this.expression(node.expr, node.at)],
          hash: this.hash(node.at, { at: node.at, ...slots }),
          program: this.program(this.statements(node.body)),
          inverse: node.otherwise ? this.program(this.statements(node.otherwise)) : undefined,
          openStrip: NO_STRIP,
          inverseStrip: NO_STRIP,
          closeStrip: NO_STRIP,
          loc: this.loc(node.at),
        };
      }
    }
  }

  private expression(expr: Expr, at: number): HbsNode {
    switch (expr.kind) {
      case 'dot':
        return { type: 'PathExpression', data: false, depth: 0, parts: [], original: 'this', loc: this.loc(at) };
      case 'field':
        return this.subExpression(
          HELPER_NAMES.field,
          [this.expression(expr.receiver, at), ...expr.names.map((name) => this.literal(name, at))],
          at,
          { at, text: expr.text },
        );
      case 'variable':
        return this.subExpression(HELPER_NAMES.variable, [this.literal(expr.slot, at)], at, { name: expr.name });
      case 'call':
        return this.subExpression(HELPER_NAMES.call, [this.literal(expr.name, at), ...expr.args.map((arg) => this.expression(arg, at))], at, {
          at,
        });
      case 'literal':
        return this.literal(expr.value, at);
      case 'float':
        return this.subExpression(HELPER_NAMES.float, [this.literal(expr.value, at)], at, {});
      case 'assign':
        return this.subExpression(HELPER_NAMES.assign, [this.literal(expr.slot, at), this.expression(expr.value, at)], at, {});
    }
  }

  private subExpression(name: string, params: HbsNode[], at: number, hash: Record<string, string | number | undefined>): HbsNode {
    return { type: 'SubExpression', path: this.path(name, at), params, hash: this.hash(at, hash), loc: this.loc(at) };
  }

  private literal(value: string | number | boolean | null, at: number): HbsNode {
    const loc = this.loc(at);
    if (value === null) return { type: 'NullLiteral', value: null, original: null, loc };
    if (typeof value === 'string') return { type: 'StringLiteral', value, original: value, loc };
    if (typeof value === 'number') return { type: 'NumberLiteral', value, original: value, loc };
    return { type: 'BooleanLiteral', value, original: value, loc };
  }

  private path(name: string, at: number): HbsNode {
    return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc: this.loc(at) };
  }

  private hash(at: number, values: Record<string, string | number | undefined>): HbsNode {
    const pairs = Object.entries(values)
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([key, value]) => ({ type: 'HashPair', key, value: this.literal(value, at), loc: this.loc(at) }));
    return { type: 'Hash', pairs, loc: this.loc(at) };
  }

  private loc(at: number): Loc {
    const position = this.positions[at] ?? { line: 1, col: 1 };
    const point = { line: position.line, column: position.col - 1 };
    return { source: 'task', start: point, end: point };
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
