// Template stage: the handlebars helpers that carry Go text/template semantics. Each Go action
// is one helper call whose only parameter is the action's index in the side table; the helper
// evaluates the parsed Go expression itself (arguments in Go's order, `and`/`or` short-circuit)
// and prints, branches or loops.

import type { HelperOptions } from 'handlebars';
import { FUNCTIONS, TemplateExecError, type GoFunction } from './functions.js';
import { formatValue, isGoMap, isTruthy, kindOf, sortedKeys, typeNameOf, GoFloat, GoObject } from './go-values.js';
import { describeMissingArgument } from './missing.js';
import { MissingValue, type MissingKey } from './missing-value.js';
import { LimitError, MAX_EXEC_DEPTH, MAX_EXEC_STEPS, MAX_OUTPUT_CHARS, ValueMeter } from './limits.js';
import { markValue } from './origins.js';
import type { Expr, TemplateBody, TemplateNode } from './syntax.js';

export const HELPER_NAMES = {
  output: 'go_output',
  exec: 'go_exec',
  if: 'go_if',
  with: 'go_with',
  range: 'go_range',
  template: 'go_template',
  break: 'go_break',
  continue: 'go_continue',
} as const;

/** A Go action as the helpers see it: what `translate.ts` puts in the side table. */
export type ActionNode = Exclude<TemplateNode, { readonly kind: 'text' }>;

/** What one render has used of the limits (`limits.ts`). */
export class ExecBudget {
  output = 0;
  steps = 0;
  depth = 0;
  /** The action that ran last: where a limit reached by literal text is reported. */
  lastAt = 0;
  readonly meter = new ValueMeter();

  /** Counts `length` more characters of output. */
  charge(length: number): void {
    this.output += length;
    if (this.output > MAX_OUTPUT_CHARS) {
      throw new LimitError(
        `the rendered task file would be longer than ${MAX_OUTPUT_CHARS.toLocaleString('en-US')} characters (taskrun's limit)`,
        'check the counts of `range` loops and `repeat`',
      );
    }
  }

  /** Counts one more `{{range}}` iteration or `{{template}}` call. */
  step(): void {
    if (++this.steps > MAX_EXEC_STEPS) {
      throw new LimitError(
        `the template runs more than ${MAX_EXEC_STEPS.toLocaleString('en-US')} loop iterations and template calls (taskrun's limit)`,
        'check the counts of `range` loops and for templates that call themselves',
      );
    }
  }
}

/**
 * The context a helper runs in (handlebars' context): the value of `.`, the variables of the
 * template body being run (slot 0 holds `$`) and the render's budget.
 */
export class DotFrame {
  readonly dot: unknown;
  readonly vars: unknown[];
  readonly budget: ExecBudget;
  constructor(dot: unknown, vars: unknown[], budget: ExecBudget) {
    this.dot = dot;
    this.vars = vars;
    this.budget = budget;
  }

  /** The frame for a block whose `.` is `dot`: same variables. */
  withDot(dot: unknown): DotFrame {
    return new DotFrame(dot, this.vars, this.budget);
  }
}

const UNSET = Symbol('unset');

/** The frame a template body starts in: `$` and `.` are `dot`, its other variables unset. */
export function startFrame(dot: unknown, slotCount: number, budget: ExecBudget): DotFrame {
  const vars: unknown[] = Array.from({ length: slotCount }, () => UNSET);
  vars[0] = dot;
  return new DotFrame(dot, vars, budget);
}

/**
 * `{{break}}`/`{{continue}}` on its way out to its `{{range}}`. It carries the output the
 * iteration wrote before it (Go has written it already), which each program it leaves adds to.
 */
export class LoopSignal {
  readonly kind: 'break' | 'continue';
  output = '';
  constructor(kind: 'break' | 'continue') {
    this.kind = kind;
  }
}

/** An execution failure tied to the action that raised it. */
export class ActionError extends Error {
  readonly at: number;
  readonly hint: string | undefined;
  readonly code: 'template-exec' | 'template-limit';
  constructor(at: number, message: string, hint?: string, code: 'template-exec' | 'template-limit' = 'template-exec') {
    super(message);
    this.name = 'ActionError';
    this.at = at;
    this.hint = hint;
    this.code = code;
  }
}

export interface ExecEvents {
  /** A printed or consumed missing value at action `at`. */
  readonly onMissing: (at: number, missing: MissingValue) => void;
  readonly onWarning: (at: number, code: string, message: string, hint?: string) => void;
}

type Helper = (this: unknown, index: number, options: HelperOptions) => unknown;

function frameOf(context: unknown): DotFrame {
  if (context instanceof DotFrame) return context;
  throw new Error('a template helper ran outside a DotFrame');
}

function isMapParam(fn: GoFunction, index: number): boolean {
  return fn.mapParams === 'all' || (fn.mapParams?.includes(index) ?? false);
}

function isStackOverflow(caught: RangeError): boolean {
  return /call stack/i.test(caught.message);
}

function guard<T>(at: number, run: () => T): T {
  try {
    return run();
  } catch (caught) {
    if (caught instanceof ActionError || caught instanceof LoopSignal) throw caught;
    if (caught instanceof TemplateExecError) throw new ActionError(at, caught.message, caught.hint);
    if (caught instanceof LimitError) throw new ActionError(at, caught.message, caught.hint, 'template-limit');
    if (caught instanceof RangeError && isStackOverflow(caught)) {
      throw new ActionError(at, 'the template nests too deeply to render (taskrun ran out of stack)', 'use fewer nested blocks, parentheses and template calls', 'template-limit');
    }
    // A value too large for a JS string (e.g. a huge `repeat`) is the template's fault, not taskrun's.
    if (caught instanceof RangeError) throw new ActionError(at, `the result is too large: ${caught.message}`, undefined, 'template-limit');
    throw caught;
  }
}

/** The helpers for one render. `defined` holds the `{{define}}`/`{{block}}` templates `{{template}}` calls. */
export function createHelpers(input: {
  root: unknown;
  actions: readonly ActionNode[];
  defined: ReadonlyMap<string, TemplateBody>;
  events: ExecEvents;
}): Record<string, Helper> {
  const { events, actions, defined } = input;
  const root = isGoMap(input.root) ? input.root : {};

  // A missing value used where its value matters is reported once per action and acts as nil.
  const settle = (at: number, value: unknown, isPresenceTest: boolean): unknown => {
    if (value instanceof MissingValue) {
      if (!isPresenceTest) events.onMissing(at, value);
      return null;
    }
    return value;
  };

  const scopeOf = (map: unknown): MissingKey['scope'] => {
    if (map === root) return 'root';
    if (map === root['Values']) return 'Values';
    if (map === root['Run']) return 'Run';
    if (map === root['Build']) return 'Build';
    if (map === root['Secrets']) return 'Secrets';
    return 'other';
  };

  const lookup = (receiver: unknown, names: readonly string[], text: string): unknown => {
    let value = receiver;
    // What `value` is, when it is not one of the root's maps: `Values` for anything under `.Values`.
    let scope: MissingKey['scope'] = 'other';
    let missing: MissingKey | undefined;
    for (const name of names) {
      if (value instanceof MissingValue) return new MissingValue(text, value.key);
      if (value === null || value === undefined) return new MissingValue(text, { name, scope, keys: [] });
      // A Go value's field or argument-less method (`.Major` of a version, `.Unix` of a time).
      if (value instanceof GoObject) {
        const field = value.field(name);
        if (field === undefined) throw new TemplateExecError(`can't evaluate field ${name} in type ${typeNameOf(value)}`);
        value = field;
        scope = 'other';
        continue;
      }
      if (!isGoMap(value)) throw new TemplateExecError(`can't evaluate field ${name} in type ${typeNameOf(value)}`);
      const mapScope: MissingKey['scope'] = scope === 'Values' ? 'Values' : scopeOf(value);
      missing = { name, scope: mapScope, keys: Object.keys(value) };
      if (!Object.hasOwn(value, name)) return new MissingValue(text, missing);
      value = value[name];
      scope = mapScope === 'Values' || value === root['Values'] ? 'Values' : 'other';
    }
    return value === null || value === undefined ? new MissingValue(text, missing) : value;
  };

  // Go's built-in `call`: data values are never functions, so it fails as Go does for them.
  const callBuiltin = (at: number, frame: DotFrame, params: readonly Expr[]): never => {
    const [callee] = params;
    const values = params.map((param) => settle(at, evaluate(at, frame, param), true));
    const fn = values[0];
    if (fn === null || fn === undefined || !callee) throw new TemplateExecError('error calling call: call of nil');
    throw new TemplateExecError(`error calling call: non-function ${describeExpr(callee)} of type ${typeNameOf(fn)}`);
  };

  const callFunction = (at: number, frame: DotFrame, name: string, params: readonly Expr[]): unknown => {
    if (name === 'call') return callBuiltin(at, frame, params);
    const fn = FUNCTIONS.get(name);
    if (!fn) throw new ActionError(at, `unknown template function \`${name}\``);
    if (name === 'and' || name === 'or') {
      let value: unknown = null;
      for (const param of params) {
        value = evaluate(at, frame, param);
        const isDeciding = name === 'and' ? !isTruthy(settle(at, value, true)) : isTruthy(settle(at, value, true));
        if (isDeciding) break;
      }
      return value;
    }
    const isPresenceTest = fn.isPresenceTest === true;
    const args = params.map((param, index) => {
      const value = evaluate(at, frame, param);
      // Go cannot pass nil for a `string` parameter: `{{ upper .Values.unset }}` fails on ACR.
      if (value === null || value === undefined || value instanceof MissingValue) {
        const missing = value instanceof MissingValue ? value : undefined;
        // Go passes a field's nil as a typed `interface {}`, which no map parameter takes; a variable's
        // or `( … )`'s nil is untyped and becomes a nil map.
        const isField = (param.kind === 'field' || param.kind === 'dot') && param.isGrouped !== true;
        const want = fn.stringParams?.includes(index) ? 'string' : isField && isMapParam(fn, index) ? 'map' : undefined;
        if (want) {
          const { message, hint } = describeMissingArgument({ name, want, index, arity: params.length, param, missing });
          throw new ActionError(at, message, hint);
        }
      }
      return settle(at, value, isPresenceTest);
    });
    const context = {
      name,
      warn: (code: string, message: string, hint?: string) => events.onWarning(at, code, message, hint),
    };
    const result = fn.call(args, context);
    // A list or text doubled in a loop stops here, long before it fills the memory.
    frame.budget.meter.check(result, name);
    return result;
  };

  // The value of a parsed Go expression in `frame`; missing keys come back as MissingValue.
  const evaluate = (at: number, frame: DotFrame, expr: Expr): unknown => {
    switch (expr.kind) {
      case 'dot':
        return frame.dot;
      case 'field':
        return lookup(evaluate(at, frame, expr.receiver), expr.names, expr.text);
      case 'variable': {
        const value = frame.vars[expr.slot];
        if (value === UNSET) throw new ActionError(at, `undefined variable: ${expr.name}`);
        return value;
      }
      case 'call':
        return callFunction(at, frame, expr.name, expr.args) ?? null;
      case 'literal':
        return expr.value;
      case 'float':
        return new GoFloat(expr.value);
      case 'assign': {
        const value = evaluate(at, frame, expr.value);
        if (expr.undeclared !== undefined) throw new ActionError(at, `undefined variable: ${expr.undeclared}`);
        frame.vars[expr.slot] = value;
        return value;
      }
    }
  };

  const actionAt = (index: number): ActionNode => {
    const action = actions[index];
    if (!action) throw new Error(`template action ${index} is not in the side table`);
    return action;
  };

  // The settled value of an action's pipeline (a missing value is nil there, without a warning).
  const pipelineValue = (action: ActionNode & { readonly expr?: Expr }, frame: DotFrame): unknown => {
    frame.budget.lastAt = action.at;
    if (!action.expr) return null;
    const expr = action.expr;
    return guard(action.at, () => settle(action.at, evaluate(action.at, frame, expr), true));
  };

  // Runs a block's body one level deeper; recursion stops at MAX_EXEC_DEPTH, well within the JS stack.
  const enter = <T>(at: number, frame: DotFrame, run: () => T): T => {
    const { budget } = frame;
    if (budget.depth >= MAX_EXEC_DEPTH) {
      throw new ActionError(
        at,
        `blocks and template calls nest more than ${MAX_EXEC_DEPTH.toLocaleString('en-US')} deep while rendering (taskrun's limit)`,
        'check for a template that calls itself without end',
        'template-limit',
      );
    }
    budget.depth++;
    try {
      return guard(at, run);
    } finally {
      budget.depth--;
    }
  };

  // What `range` runs over: the list's or map's entries, or (Go 1.22+) a count for `range N`.
  const rangeItems = (action: ActionNode, value: unknown, isTwoVariables: boolean): [unknown, unknown][] | number => {
    if (Array.isArray(value)) return value.map((item, i) => [i, item]);
    if (isGoMap(value)) return sortedKeys(value).map((key) => [key, value[key]]);
    if (kindOf(value) === 'int') {
      if (isTwoVariables) throw new ActionError(action.at, `can't use ${formatValue(value)} to iterate over more than one variable`);
      return Math.max(0, Number(value));
    }
    if (kindOf(value) !== 'nil') throw new ActionError(action.at, `range can't iterate over ${formatValue(value)}`);
    return [];
  };

  return {
    [HELPER_NAMES.output]: function (this: unknown, index: number) {
      const action = actionAt(index);
      const frame = frameOf(this);
      frame.budget.lastAt = action.at;
      if (action.kind !== 'output') return '';
      return guard(action.at, () => {
        const settled = settle(action.at, evaluate(action.at, frame, action.expr), false);
        if (settled === null) return '';
        frame.budget.meter.check(settled, 'the printed value');
        const text = formatValue(settled);
        frame.budget.charge(text.length);
        return markValue(text);
      });
    },
    [HELPER_NAMES.exec]: function (this: unknown, index: number) {
      const action = actionAt(index);
      const frame = frameOf(this);
      frame.budget.lastAt = action.at;
      if (action.kind === 'exec') guard(action.at, () => evaluate(action.at, frame, action.expr));
      return '';
    },
    [HELPER_NAMES.if]: function (this: unknown, index: number, options: HelperOptions) {
      const action = actionAt(index);
      const frame = frameOf(this);
      const value = pipelineValue(action, frame);
      return enter(action.at, frame, () => (isTruthy(value) ? options.fn(frame) : options.inverse(frame)));
    },
    [HELPER_NAMES.with]: function (this: unknown, index: number, options: HelperOptions) {
      const action = actionAt(index);
      const frame = frameOf(this);
      const value = pipelineValue(action, frame);
      return enter(action.at, frame, () => (isTruthy(value) ? options.fn(frame.withDot(value)) : options.inverse(frame)));
    },
    [HELPER_NAMES.range]: function (this: unknown, index: number, options: HelperOptions) {
      const action = actionAt(index);
      const frame = frameOf(this);
      const value = pipelineValue(action, frame);
      if (action.kind !== 'range') return '';
      if (action.undeclared !== undefined) throw new ActionError(action.at, `undefined variable: ${action.undeclared}`);
      const { keySlot, elementSlot } = action;
      // Go sets the declared variables to the whole value first, then each element in turn.
      if (keySlot !== undefined) frame.vars[keySlot] = value;
      if (elementSlot !== undefined) frame.vars[elementSlot] = value;
      const items = rangeItems(action, value, keySlot !== undefined);
      const count = typeof items === 'number' ? items : items.length;
      if (count === 0) return enter(action.at, frame, () => options.inverse(frame));
      return enter(action.at, frame, () => {
        let out = '';
        for (let i = 0; i < count; i++) {
          frame.budget.step();
          const [key, item] = typeof items === 'number' ? [i, i] : (items[i] ?? [i, null]);
          if (keySlot !== undefined) frame.vars[keySlot] = key;
          if (elementSlot !== undefined) frame.vars[elementSlot] = item;
          try {
            out += options.fn(frame.withDot(item));
          } catch (caught) {
            if (!(caught instanceof LoopSignal)) throw caught;
            out += caught.output;
            if (caught.kind === 'break') break;
          }
        }
        return out;
      });
    },
    [HELPER_NAMES.template]: function (this: unknown, index: number, options: HelperOptions) {
      const action = actionAt(index);
      const frame = frameOf(this);
      if (action.kind !== 'template') return '';
      const body = defined.get(action.name);
      if (!body) {
        const names = [...defined.keys()].map((name) => JSON.stringify(name));
        throw new ActionError(
          action.at,
          `template ${JSON.stringify(action.name)} not defined`,
          names.length > 0 ? `the file defines ${names.join(', ')}` : 'define it first: `{{define "name"}} … {{end}}`',
        );
      }
      const value = pipelineValue(action, frame);
      return enter(action.at, frame, () => {
        frame.budget.step();
        // No dynamic scoping: the called template sees only `$` and `.`, both the value passed.
        return options.fn(startFrame(value, body.slotCount, frame.budget));
      });
    },
    [HELPER_NAMES.break]: function () {
      throw new LoopSignal('break');
    },
    [HELPER_NAMES.continue]: function () {
      throw new LoopSignal('continue');
    },
  };
}

/** How an argument is written, for `call`'s message (Go prints the node). */
function describeExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'dot':
      return '.';
    case 'field':
      return expr.text;
    case 'variable':
      return expr.name;
    case 'call':
      return expr.name;
    case 'literal':
      return typeof expr.value === 'string' ? JSON.stringify(expr.value) : String(expr.value);
    case 'float':
      return String(expr.value);
    case 'assign':
      return describeExpr(expr.value);
  }
}
