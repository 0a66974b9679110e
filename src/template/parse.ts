// Template stage: parses Go text/template syntax (the subset ACR task files use) into
// `syntax.ts` nodes, resolving variables with Go's scoping and checking function names.

import { didYouMean } from '../diagnostics.js';
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './functions.js';
import { MAX_NESTING } from './limits.js';
import { scanTemplate, type Piece, type Token } from './scan.js';
import type { ActionPosition, Expr, ParsedTemplate, TemplateBody, TemplateNode } from './syntax.js';

export type ParseProblemCode = 'template-syntax' | 'template-unknown-function' | 'template-unsupported' | 'template-limit';

export interface ParseProblem {
  readonly at: number;
  readonly code: ParseProblemCode;
  readonly message: string;
  readonly hint?: string;
}

export interface ParseResult {
  /** Present iff there are no problems. */
  readonly template?: ParsedTemplate;
  readonly problems: readonly ParseProblem[];
  readonly positions: readonly ActionPosition[];
}

// Helm / Sprig v3 functions people expect; ACR's Sprig v2 lacks them (acb-spec §2.1).
const NEWER_SPRIG_ALTERNATIVES: Readonly<Record<string, string>> = {
  toYaml: 'use `toJson` instead (JSON is valid YAML)',
  toRawJson: 'use `toJson` instead',
  fromJson: 'pass structured values through a values file instead',
  required: 'test the value with `{{ if … }}` or give a fallback with `default`',
  get: 'use `index` instead',
  dig: 'use `index` or chained fields (`.Values.a.b`) instead',
  include: 'inline the text instead',
  tpl: 'inline the text instead',
};

// Go's text/template keywords (Go 1.26, which today's acr-builder builds with).
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// Actions that open a block closed by `{{end}}`, or continue or close one.
const BLOCK_KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'block']);
// Stands in for the pipeline of a block whose action is broken, so its body is still checked.
const BROKEN_PIPELINE: Expr = { kind: 'literal', value: null };

/** Ends parsing at once: the template nests deeper than taskrun parses. */
class NestingStop extends Error {
  readonly problem: ParseProblem;
  constructor(at: number) {
    super('nesting limit');
    this.problem = {
      at,
      code: 'template-limit',
      message: `the template nests blocks and parentheses more than ${MAX_NESTING.toLocaleString('en-US')} deep (taskrun's limit)`,
      hint: 'a task file needs only a few levels; check for unclosed `{{if}}`/`{{range}}` blocks or runaway `(`',
    };
  }
}

/** Abandons the action being parsed; the parser reports it and goes on with the next action. */
class ParseAbort extends Error {
  readonly problem: ParseProblem;
  constructor(problem: ParseProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

type Stop = { readonly kind: 'end' | 'else'; readonly at: number; readonly rest: readonly Token[] } | undefined;

type Operand = Expr | { readonly kind: 'function'; readonly name: string };

// Reports every broken action of the file, not only the first as Go does: after a broken action
// it goes on with the next one. Block-balance errors (a stray `{{end}}`, a missing one) are left
// out once the block structure is in doubt: after a broken block action or a first balance error.
export function parseTemplate(text: string): ParseResult {
  const scanned = scanTemplate(text);
  const parser = new Parser(scanned.pieces);
  let nodes: TemplateNode[] = [];
  let stop: ParseProblem | undefined;
  try {
    nodes = parser.parseAll();
  } catch (caught) {
    if (!(caught instanceof NestingStop)) throw caught;
    stop = caught.problem;
  }
  const scanProblems = scanned.problems.map(({ at, message, isLimit }) => ({ at, message, code: isLimit ? ('template-limit' as const) : ('template-syntax' as const) }));
  const problems = [...scanProblems, ...parser.problems, ...(stop ? [stop] : [])].sort((a, b) => a.at - b.at);
  if (problems.length > MAX_REPORTED_PROBLEMS) {
    const [next] = problems.splice(MAX_REPORTED_PROBLEMS);
    const more = scanProblems.length + parser.problems.length + (stop ? 1 : 0) - MAX_REPORTED_PROBLEMS;
    problems.push({
      at: next?.at ?? 0,
      code: 'template-syntax',
      message: `${more.toLocaleString('en-US')} more template errors from here on are not shown`,
      hint: 'fix the ones above first',
    });
  }
  if (problems.length > 0) return { problems, positions: scanned.positions };
  const template = { nodes, positions: scanned.positions, slotCount: parser.slotCount, defined: parser.defined };
  return { template, problems: [], positions: scanned.positions };
}

// A broken file can hold thousands of broken actions; the first ones say what is wrong.
const MAX_REPORTED_PROBLEMS = 100;

// Go's parse.IsEmptyTree: only blank text (and comments, which the scanner drops).
function isEmptyBody(nodes: readonly TemplateNode[]): boolean {
  return nodes.every((node) => node.kind === 'text' && node.text.trim() === '');
}

class Parser {
  readonly problems: ParseProblem[] = [];
  private readonly reported = new Set<string>();
  // An unknown name is usually misspelt the same way throughout: its suggestion is worked out once.
  private readonly suggestions = new Map<string, string | undefined>();
  readonly defined = new Map<string, TemplateBody & { readonly at: number }>();
  // The variables of the template body being parsed: the file's, or a `{{define}}`'s own.
  slotCount = 1;
  private scopes: Map<string, number>[] = [new Map([['$', 0]])];
  private readonly pieces: readonly Piece[];
  private index = 0;
  // `{{range}}` bodies open around the action being parsed (in this template body).
  private rangeDepth = 0;
  // Whether the body being parsed is a `{{define}}`'s or `{{block}}`'s.
  private isInDefinition = false;
  // Blocks and parentheses open, against MAX_NESTING.
  private nesting = 0;
  // Set once a broken action may have opened or closed a block: balance errors and undefined
  // variables (whose scopes follow the blocks) are then no longer reported.
  private isStructureUnsure = false;
  // Cursor over the tokens of the action being parsed.
  private tokens: readonly Token[] = [];
  private cursor = 0;
  private at = 0;

  constructor(pieces: readonly Piece[]) {
    this.pieces = pieces;
  }

  abort(at: number, message: string, code: ParseProblemCode = 'template-syntax', hint?: string): never {
    throw new ParseAbort({ at, code, message, ...(hint && { hint }) });
  }

  /** Runs `parse` one nesting level deeper; parsing ends at MAX_NESTING, well within the JS stack. */
  private nested<T>(at: number, parse: () => T): T {
    if (this.nesting >= MAX_NESTING) throw new NestingStop(at);
    this.nesting++;
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  private report(problem: ParseProblem): void {
    const key = `${problem.at}\u0000${problem.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(problem);
  }

  private reportBalance(at: number, message: string): void {
    if (!this.isStructureUnsure) this.report({ at, code: 'template-syntax', message });
    this.isStructureUnsure = true;
  }

  /** Parses one action's tokens; on a problem, reports it and declares the action's variables anyway. */
  private attempt<T>(tokens: readonly Token[], at: number, parse: () => T): T | undefined {
    try {
      this.begin(tokens, at);
      return parse();
    } catch (caught) {
      if (!(caught instanceof ParseAbort)) throw caught;
      this.report(caught.problem);
      this.declareFrom(tokens);
      return undefined;
    }
  }

  // `$x :=` or `$i, $e :=` at the start of a broken action: later uses of them are not errors.
  private declareFrom(tokens: readonly Token[]): void {
    const [first, second, third, fourth] = tokens;
    if (first?.type !== 'variable') return;
    if (second?.type === 'declare') this.bindVariable(first.text, true);
    else if (second?.type === 'comma' && third?.type === 'variable' && fourth?.type === 'declare') {
      this.bindVariable(first.text, true);
      this.bindVariable(third.text, true);
    }
  }

  /** The whole template; a stray `{{end}}` or `{{else}}` is reported and parsing goes on after it. */
  parseAll(): TemplateNode[] {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const list = this.parseList();
      nodes.push(...list.nodes);
      if (!list.stop) return nodes;
      this.reportBalance(
        list.stop.at,
        `unexpected \`{{${list.stop.kind}}}\`: there is no \`{{if}}\`, \`{{range}}\`, \`{{with}}\`, \`{{define}}\` or \`{{block}}\` to close`,
      );
    }
  }

  parseList(): { nodes: TemplateNode[]; stop: Stop } {
    const nodes: TemplateNode[] = [];
    while (this.index < this.pieces.length) {
      const piece = this.pieces[this.index++];
      if (!piece) break;
      if (piece.kind === 'text') {
        nodes.push(piece);
        continue;
      }
      const [first, ...rest] = piece.tokens;
      const keyword = first?.type === 'identifier' && KEYWORDS.has(first.text) ? first.text : undefined;
      if (piece.kind === 'broken') {
        // The scanner reported it; what matters here is whether it opened or closed a block.
        if (piece.isRestLost || (keyword !== undefined && BLOCK_KEYWORDS.has(keyword))) this.isStructureUnsure = true;
        else this.declareFrom(piece.tokens);
        continue;
      }
      if (keyword === 'end') {
        if (rest.length > 0) this.report({ at: piece.at, code: 'template-syntax', message: `unexpected \`${rest[0]?.text}\` in \`{{end}}\`` });
        return { nodes, stop: { kind: 'end', at: piece.at, rest } };
      }
      if (keyword === 'else') return { nodes, stop: { kind: 'else', at: piece.at, rest } };
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        const at = piece.at;
        nodes.push(this.nested(at, () => this.parseControl(keyword, rest, at)));
        continue;
      }
      if (keyword === 'break' || keyword === 'continue') {
        const node = this.parseLoopControl(keyword, rest, piece.at);
        if (node) nodes.push(node);
        continue;
      }
      if (keyword === 'define') {
        this.parseDefine(rest, piece.at);
        continue;
      }
      if (keyword === 'template' || keyword === 'block') {
        const node = this.parseTemplateCall(keyword, piece.tokens, piece.at);
        if (node) nodes.push(node);
        continue;
      }
      const action = this.attempt(piece.tokens, piece.at, () => this.parsePipeline({ isRange: false, isInParens: false }));
      if (action) nodes.push({ kind: action.isDeclaration ? 'exec' : 'output', expr: action.expr, at: piece.at });
    }
    return { nodes, stop: undefined };
  }

  private parseControl(keyword: 'if' | 'with' | 'range', tokens: readonly Token[], at: number): TemplateNode {
    this.scopes.push(new Map());
    const pipeline = this.attempt(tokens, at, () => {
      if (tokens.length === 0) this.abort(at, `missing value for \`{{${keyword}}}\``);
      return this.parsePipeline({ isRange: keyword === 'range', isInParens: false });
    });
    const { expr, slots, undeclared } = pipeline ?? { expr: BROKEN_PIPELINE, slots: [], undeclared: undefined };
    if (keyword === 'range') this.rangeDepth++;
    const { nodes: body, stop } = this.parseList();
    if (keyword === 'range') this.rangeDepth--;
    let otherwise: TemplateNode[] | undefined;
    if (!stop) this.reportBalance(at, `\`{{${keyword}}}\` has no matching \`{{end}}\``);
    else if (stop.kind === 'else') {
      const [next, ...rest] = stop.rest;
      if (next?.type === 'identifier' && next.text === keyword && keyword !== 'range') {
        otherwise = [this.parseControl(keyword, rest, stop.at)];
      } else {
        if (next !== undefined) {
          this.report({ at: stop.at, code: 'template-syntax', message: `unexpected \`${next.text}\` after \`{{else}}\` in \`{{${keyword}}}\`` });
        }
        otherwise = this.parseBody(keyword, at);
      }
    }
    this.scopes.pop();
    if (keyword === 'range') {
      const [first, second] = slots;
      const keySlot = second === undefined ? undefined : first;
      const elementSlot = second ?? first;
      return { kind: 'range', expr, keySlot, elementSlot, body, otherwise, at, ...(undeclared !== undefined && { undeclared }) };
    }
    return { kind: keyword, expr, body, otherwise, at };
  }

  /** The nodes up to the `{{end}}` of the block `keyword` opened at `at` (after its `{{else}}`, if any). */
  private parseBody(keyword: string, at: number): TemplateNode[] {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const list = this.parseList();
      nodes.push(...list.nodes);
      if (!list.stop) {
        this.reportBalance(at, `\`{{${keyword}}}\` has no matching \`{{end}}\``);
        return nodes;
      }
      if (list.stop.kind === 'end') return nodes;
      const message = ['if', 'with', 'range'].includes(keyword)
        ? `unexpected \`{{else}}\`: \`{{${keyword}}}\` already has an \`{{else}}\``
        : `unexpected \`{{else}}\` in \`{{${keyword}}}\``;
      this.reportBalance(list.stop.at, message);
    }
  }

  // {{break}} and {{continue}}: only inside a {{range}} body of the same template.
  private parseLoopControl(keyword: 'break' | 'continue', rest: readonly Token[], at: number): TemplateNode | undefined {
    const [extra] = rest;
    if (extra) {
      this.report({ at, code: 'template-syntax', message: `unexpected \`${extra.text}\` in \`{{${keyword}}}\`` });
      return undefined;
    }
    if (this.rangeDepth === 0) {
      const hint = this.isInDefinition
          ? 'a `{{define}}` or `{{block}}` body cannot leave the `{{range}}` that calls it'
          : `write it inside a \`{{range}}\` body (not its \`{{else}}\`)`;
      this.report({ at, code: 'template-syntax', message: `\`{{${keyword}}}\` outside \`{{range}}\``, hint });
      return undefined;
    }
    return { kind: keyword, at };
  }

  // {{define "name"}} … {{end}}: only at the top level of the file, as Go's parser wants.
  private parseDefine(rest: readonly Token[], at: number): void {
    const [nameToken, extra] = rest;
    let name: string | undefined;
    if (this.nesting > 0) {
      this.report({
        at,
        code: 'template-syntax',
        message: 'unexpected `{{define}}`: a template can be defined only at the top level of the file',
        hint: 'move the `{{define}} … {{end}}` out of the block it is in',
      });
    } else if (nameToken?.type !== 'string') {
      this.report({ at, code: 'template-syntax', message: `\`{{define}}\` needs the template's name as a quoted string${nameToken ? `, not \`${nameToken.text}\`` : ''}` });
    } else if (extra) {
      this.report({ at, code: 'template-syntax', message: `unexpected \`${extra.text}\` in \`{{define}}\`` });
    } else name = String(nameToken.value);
    // The body is checked even when the action is wrong, and keeps the blocks balanced.
    const body = this.parseTemplateBody('define', at);
    if (name !== undefined) this.addDefinition(name, body, at);
  }

  // {{template "name" [pipeline]}} and {{block "name" pipeline}} … {{end}}.
  private parseTemplateCall(keyword: 'template' | 'block', tokens: readonly Token[], at: number): TemplateNode | undefined {
    const call = this.attempt(tokens, at, () => {
      this.cursor = 1;
      const nameToken = this.next();
      if (nameToken?.type !== 'string') {
        this.abort(at, `\`{{${keyword}}}\` needs the template's name as a quoted string${nameToken ? `, not \`${nameToken.text}\`` : ''}`);
      }
      const name = String(nameToken.value);
      if (this.peek() === undefined) {
        if (keyword === 'block') this.abort(at, 'missing value for `{{block}}`', 'template-syntax', `pass the dot to the block: \`{{block ${nameToken.text} .}}\``);
        return { name, expr: undefined };
      }
      return { name, expr: this.parsePipeline({ isRange: false, isInParens: false }).expr };
    });
    if (keyword === 'block') {
      const body = this.parseTemplateBody('block', at);
      if (call) this.addDefinition(call.name, body, at);
    }
    return call && { kind: 'template', name: call.name, expr: call.expr, at };
  }

  /** The body of a `{{define}}` or `{{block}}` up to its `{{end}}`: a template of its own, with its own variables. */
  private parseTemplateBody(keyword: 'define' | 'block', at: number): TemplateBody {
    const outer = { scopes: this.scopes, slotCount: this.slotCount, rangeDepth: this.rangeDepth, isInDefinition: this.isInDefinition };
    this.scopes = [new Map([['$', 0]])];
    this.slotCount = 1;
    this.rangeDepth = 0;
    this.isInDefinition = true;
    try {
      const nodes = this.nested(at, () => this.parseBody(keyword, at));
      return { nodes, slotCount: this.slotCount };
    } finally {
      ({ scopes: this.scopes, slotCount: this.slotCount, rangeDepth: this.rangeDepth, isInDefinition: this.isInDefinition } = outer);
    }
  }

  // Go's parse.Tree.add: an empty definition never replaces one with content; two with content clash.
  private addDefinition(name: string, body: TemplateBody, at: number): void {
    const earlier = this.defined.get(name);
    if (earlier && !isEmptyBody(earlier.nodes)) {
      if (isEmptyBody(body.nodes)) return;
      this.report({
        at,
        code: 'template-syntax',
        message: `template: multiple definition of template ${JSON.stringify(name)}`,
        hint: 'one file can define a template only once; rename one of them',
      });
      return;
    }
    this.defined.set(name, { ...body, at });
  }

  private begin(tokens: readonly Token[], at: number): void {
    this.tokens = tokens;
    this.cursor = 0;
    this.at = at;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.cursor + offset];
  }

  private next(): Token | undefined {
    return this.tokens[this.cursor++];
  }

  // pipeline := [decl] command { '|' command }
  private parsePipeline(options: { isRange: boolean; isInParens: boolean }): {
    expr: Expr;
    isDeclaration: boolean;
    slots: number[];
    /** A variable the pipeline assigns with `=` that was never declared. */
    undeclared?: string;
  } {
    const declared: { name: string; isNew: boolean }[] = [];
    const first = this.peek();
    const isDeclarationAhead = (offset: number) => ['declare', 'assign'].includes(this.peek(offset)?.type ?? '');
    if (first?.type === 'variable') {
      if (isDeclarationAhead(1)) {
        declared.push({ name: first.text, isNew: this.peek(1)?.type === 'declare' });
        this.cursor += 2;
      } else if (this.peek(1)?.type === 'comma' && this.peek(2)?.type === 'variable' && isDeclarationAhead(3)) {
        if (!options.isRange) this.abort(this.at, 'too many declarations: only `{{range}}` can declare two variables');
        // `$k, $v := …` declares both; `$k, $v = …` assigns both (Go 1.22+).
        const isNew = this.peek(3)?.type === 'declare';
        declared.push({ name: first.text, isNew }, { name: this.peek(2)?.text ?? '', isNew });
        this.cursor += 4;
      }
    }
    let expr: Expr | undefined;
    let stage = 1;
    for (;;) {
      expr = this.parseCommand(expr, stage);
      const after = this.peek();
      if (after?.type === 'pipe') {
        this.cursor++;
        stage++;
        continue;
      }
      if (after === undefined || (after.type === 'rparen' && options.isInParens)) break;
      this.abort(this.at, after.type === 'rparen' ? 'unexpected `)`: no matching `(`' : `unexpected \`${after.text}\` in action`);
    }
    // Go's parser takes `$x = …` for a variable never declared (and declares it); running it fails.
    const undeclared = declared.find(({ name, isNew }) => !isNew && this.findVariable(name) === undefined && !this.isStructureUnsure)?.name;
    const slots = declared.map(({ name, isNew }) => this.bindVariable(name, isNew || this.findVariable(name) === undefined));
    if (declared.length === 1 && !options.isRange) {
      const assign: Expr = { kind: 'assign', slot: slots[0] ?? 0, value: expr, ...(undeclared !== undefined && { undeclared }) };
      return { expr: assign, isDeclaration: true, slots };
    }
    return { expr, isDeclaration: false, slots, ...(undeclared !== undefined && { undeclared }) };
  }

  private findVariable(name: string): number | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const slot = this.scopes[i]?.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  private bindVariable(name: string, isNew: boolean): number {
    if (!isNew) return this.lookupVariable(name);
    const slot = this.slotCount++;
    this.scopes[this.scopes.length - 1]?.set(name, slot);
    return slot;
  }

  private lookupVariable(name: string): number {
    const slot = this.findVariable(name);
    if (slot !== undefined) return slot;
    // After a broken block action the scopes may be wrong: the variable may well be declared.
    if (this.isStructureUnsure) return this.bindVariable(name, true);
    return this.abort(this.at, `undefined variable \`${name}\``, 'template-syntax', `declare it first: \`{{ ${name} := … }}\``);
  }

  // command := operand { operand }; a piped value becomes the last argument.
  private parseCommand(piped: Expr | undefined, stage: number): Expr {
    const operands: { operand: Operand; text: string }[] = [];
    for (let token = this.peek(); token && token.type !== 'pipe' && token.type !== 'rparen'; token = this.peek()) {
      if (operands.length > 0 && !token.isSpaced && token.type !== 'lparen') {
        this.abort(this.at, `missing space before \`${token.text}\``);
      }
      operands.push(this.parseOperand());
    }
    const [head, ...args] = operands;
    if (!head) this.abort(this.at, stage > 1 ? 'missing command after `|`' : 'missing value for command');
    if (head.operand.kind === 'function') {
      const argExprs = args.map(({ operand }) => this.toArgument(operand));
      if (piped) argExprs.push(piped);
      return this.makeCall(head.operand.name, argExprs);
    }
    if (args.length > 0 || piped) {
      const what = piped ? `\`${head.text}\` cannot receive a piped value` : `can't give argument to non-function \`${head.text}\``;
      this.abort(this.at, what, 'template-syntax', 'only a function can take arguments or follow `|`');
    }
    if (head.operand.kind === 'literal' && head.operand.value === null) this.abort(this.at, '`nil` is not a command');
    return head.operand;
  }

  private toArgument(operand: Operand): Expr {
    return operand.kind === 'function' ? this.makeCall(operand.name, []) : operand;
  }

  private makeCall(name: string, args: Expr[]): Expr {
    if (name === 'call' && args.length === 0) {
      this.report({ at: this.at, code: 'template-syntax', message: 'wrong number of arguments for `call`: want at least 1, got 0' });
    }
    const fn = FUNCTIONS.get(name);
    if (fn && (args.length < fn.minArgs || args.length > fn.maxArgs)) {
      const want = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      this.report({
        at: this.at,
        code: 'template-syntax',
        message: `wrong number of arguments for \`${name}\`: want ${want}, got ${args.length}`,
        hint: 'a value piped with `|` counts as the last argument',
      });
    }
    return { kind: 'call', name, args };
  }

  private parseOperand(): { operand: Operand; text: string } {
    const start = this.cursor;
    let operand = this.parseTerm();
    const names: string[] = [];
    while (this.peek()?.type === 'field' && !this.peek()?.isSpaced) names.push(String(this.next()?.value));
    const text = this.tokens
      .slice(start, this.cursor)
      .map((token) => token.text)
      .join('');
    if (names.length > 0) {
      if (operand.kind === 'literal' || operand.kind === 'float') {
        this.abort(this.at, `unexpected \`.${names[0]}\` after \`${this.tokens[start]?.text}\``);
      }
      // Go's chain: a function named alone is called without arguments, then its result's fields (`now.Unix`).
      if (operand.kind === 'function') operand = { kind: 'field', receiver: this.makeCall(operand.name, []), names, text };
      else if (operand.kind === 'field') operand = { kind: 'field', receiver: operand.receiver, names: [...operand.names, ...names], text };
      else operand = { kind: 'field', receiver: operand, names, text };
    }
    return { operand, text };
  }

  private parseTerm(): Operand {
    const token = this.next();
    if (!token) return this.abort(this.at, 'missing value for command');
    switch (token.type) {
      case 'dot':
        return { kind: 'dot' };
      case 'field':
        return { kind: 'field', receiver: { kind: 'dot' }, names: [String(token.value)], text: token.text };
      case 'variable':
        return { kind: 'variable', name: token.text, slot: this.lookupVariable(token.text) };
      case 'string':
        return { kind: 'literal', value: String(token.value) };
      case 'char':
        return { kind: 'literal', value: Number(token.value) };
      case 'number': {
        const number = parseNumber(token.text);
        if (number === 'overflow') {
          this.abort(
            this.at,
            `the number ${token.text} does not fit in a Go int (int64), so ACR fails on it too`,
            'template-syntax',
            `write it as a string (\`"${token.text}"\`) or use a number from ${INT64_MIN} to ${INT64_MAX}`,
          );
        }
        if (number === 'octal') {
          const decimal = token.text.replace(/_/g, '').replace(/^([+-]?)0+(?=\d)/, '$1');
          this.abort(
            this.at,
            `\`${token.text}\` is not a valid number: a leading 0 makes it octal, and octal has no digits 8 or 9 (ACR reports \`integer overflow: ${JSON.stringify(token.text)}\`)`,
            'template-syntax',
            `write it without the leading 0 (\`${decimal}\`) or as a string (\`"${token.text}"\`)`,
          );
        }
        if (number === 'underscore') {
          this.abort(this.at, `illegal number syntax: ${token.text}`, 'template-syntax', 'a `_` in a number must stand between two digits');
        }
        return number ?? this.abort(this.at, `bad number syntax: ${token.text}`);
      }
      case 'lparen': {
        const { expr } = this.nested(this.at, () => this.parsePipeline({ isRange: false, isInParens: true }));
        if (this.next()?.type !== 'rparen') this.abort(this.at, 'unclosed left paren: `(` has no matching `)`');
        return expr.kind === 'field' || expr.kind === 'dot' ? { ...expr, isGrouped: true } : expr;
      }
      case 'identifier':
        return this.parseIdentifier(token.text);
      default:
        return this.abort(this.at, `unexpected \`${token.text}\` in operand`);
    }
  }

  private parseIdentifier(name: string): Operand {
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true' };
    if (name === 'nil') return { kind: 'literal', value: null };
    if (KEYWORDS.has(name)) this.abort(this.at, `unexpected \`${name}\` in operand`);
    // Go's built-in `call` is the evaluator's own (data values are never functions).
    if (name === 'call') return { kind: 'function', name };
    if (UNSUPPORTED_FUNCTIONS.has(name)) {
      this.report({
        at: this.at,
        code: 'template-unsupported',
        message: `template function \`${name}\` is not supported by taskrun`,
        hint: 'it exists in ACR\'s Sprig v2 set, but taskrun does not implement it; compute the value outside the template and pass it with --set',
      });
    } else if (!FUNCTIONS.has(name)) {
      if (!this.suggestions.has(name)) this.suggestions.set(name, didYouMean(name, FUNCTIONS.keys()));
      const suggestion = this.suggestions.get(name);
      const alternative = NEWER_SPRIG_ALTERNATIVES[name] ?? (name.startsWith('must') ? 'the `must…` variants exist only in Sprig v3' : undefined);
      const hint = alternative ? `\`${name}\` is a Helm / Sprig v3 function; ${alternative}` : suggestion && `did you mean \`${suggestion}\`?`;
      this.report({
        at: this.at,
        code: 'template-unknown-function',
        message: `unknown template function \`${name}\` (not in ACR's Sprig v2 set)`,
        ...(hint && { hint }),
      });
    }
    return { kind: 'function', name };
  }
}

// Go number literals: ints stay ints (Go's int is int64: larger ones fail on ACR, and ones beyond
// JS's exact range stay exact as bigint); a `.`, exponent or `p` makes a float64 (exec.go's
// idealConstant), hex floats (`0x1p-2`) included; `_` separates digits as strconv allows.
function parseNumber(text: string): Expr | 'overflow' | 'octal' | 'underscore' | undefined {
  if (text.includes('_') && !isUnderscoreOk(text)) return 'underscore';
  const clean = text.replace(/_/g, '');
  const isNegative = clean.startsWith('-');
  const body = clean.replace(/^[+-]/, '');
  if (!/[0-9]/.test(body)) return undefined;
  // `09`: Go reads a leading 0 as octal, fails, and (as the text parses as a float) calls it an overflow.
  if (/^0\d*[89]\d*$/.test(body)) return 'octal';
  const integer = /^0[0-7]+$/.test(body)
    ? BigInt(`0o${body.slice(1)}`)
    : /^0[xX][0-9a-fA-F]+$|^0[bB][01]+$|^0[oO][0-7]+$|^\d+$/.test(body)
      ? BigInt(body)
      : undefined;
  if (integer !== undefined) {
    const value = isNegative ? -integer : integer;
    if (value < INT64_MIN || value > INT64_MAX) return 'overflow';
    return { kind: 'literal', value: Number.isSafeInteger(Number(value)) ? Number(value) : value };
  }
  const magnitude = /^0[xX]/.test(body) ? parseHexFloat(body) : /^[\d.]/.test(body) && !/^0[bBoO]/.test(body) ? Number(body) : Number.NaN;
  // strconv.ParseFloat fails on a value beyond float64's range, and so does Go's parser.
  if (!Number.isFinite(magnitude)) return undefined;
  return { kind: 'float', value: isNegative ? -magnitude : magnitude };
}

// `0x1.8p1`: hex mantissa times a power of two; Go requires the `p` exponent.
function parseHexFloat(body: string): number {
  const match = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(body);
  if (!match) return Number.NaN;
  const [, whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return Number.NaN;
  const mantissa = Number(BigInt(`0x${whole}${fraction}`));
  return mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
}

// strconv's underscoreOK: a `_` stands only between digits, or between a base prefix and a digit.
function isUnderscoreOk(text: string): boolean {
  const body = text.replace(/^[+-]/, '');
  let i = 0;
  let saw: 'start' | 'digit' | 'underscore' | 'other' = 'start';
  let isHex = false;
  if (/^0[bBoOxX]/.test(body)) {
    i = 2;
    saw = 'digit';
    isHex = /^0[xX]/.test(body);
  }
  for (; i < body.length; i++) {
    const char = body[i] ?? '';
    if (/[0-9]/.test(char) || (isHex && /[a-fA-F]/.test(char))) saw = 'digit';
    else if (char === '_') {
      if (saw !== 'digit') return false;
      saw = 'underscore';
    } else {
      if (saw === 'underscore') return false;
      saw = 'other';
    }
  }
  return saw !== 'underscore';
}
