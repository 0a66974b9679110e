// Template stage: the handlebars helpers that carry Go text/template semantics. Each Go action
// is one helper call whose only parameter is the action's index in the side table; the helper
// evaluates the parsed Go expression itself (arguments in Go's order, `and`/`or` short-circuit)
// and prints, branches or loops.

import type { HelperOptions } from 'handlebars';
import { FUNCTIONS, TemplateExecError, type GoFunction } from './functions.js';
import { formatValue, isGoMap, isTruthy, kindOf, sortedKeys, typeNameOf, GoFloat } from './go-values.js';
import { describeMissingArgument } from './missing.js';
import { MissingValue, type MissingKey } from './missing-value.js';
import { escapeMarkers } from './origins.js';
import type { Expr, TemplateNode } from './syntax.js';

export const HELPER_NAMES = {
  output: 'go_output',
  exec: 'go_exec',
  if: 'go_if',
  with: 'go_with',
  range: 'go_range',
} as const;

/** A Go action as the helpers see it: what `translate.ts` puts in the side table. */
export type ActionNode = Exclude<TemplateNode, { readonly kind: 'text' }>;

/** The value of `.` inside a block (handlebars' context). */
export class DotFrame {
  readonly dot: unknown;
  constructor(dot: unknown) {
    this.dot = dot;
  }
}

/** An execution failure tied to the action that raised it. */
export class ActionError extends Error {
  readonly at: number;
  readonly hint: string | undefined;
  constructor(at: number, message: string, hint?: string) {
    super(message);
    this.name = 'ActionError';
    this.at = at;
    this.hint = hint;
  }
}

export interface ExecEvents {
  /** A printed or consumed missing value at action `at`. */
  readonly onMissing: (at: number, missing: MissingValue) => void;
  readonly onWarning: (at: number, code: string, message: string, hint?: string) => void;
}

const UNSET = Symbol('unset');

type Helper = (this: unknown, index: number, options: HelperOptions) => unknown;

function dotOf(context: unknown): unknown {
  const dot = context instanceof DotFrame ? context.dot : context;
  return dot === undefined ? null : dot;
}

function isMapParam(fn: GoFunction, index: number): boolean {
  return fn.mapParams === 'all' || (fn.mapParams?.includes(index) ?? false);
}

function guard<T>(at: number, run: () => T): T {
  try {
    return run();
  } catch (caught) {
    if (caught instanceof ActionError) throw caught;
    if (caught instanceof TemplateExecError) throw new ActionError(at, caught.message, caught.hint);
    // A value too large for a JS string (e.g. a huge `repeat`) is the template's fault, not taskrun's.
    if (caught instanceof RangeError) throw new ActionError(at, `the result is too large: ${caught.message}`);
    throw caught;
  }
}

/** The helpers for one render; `slotCount` variables, slot 0 holding `$` (the root data). */
export function createHelpers(input: {
  root: unknown;
  slotCount: number;
  actions: readonly ActionNode[];
  events: ExecEvents;
}): Record<string, Helper> {
  const slots: unknown[] = Array.from({ length: input.slotCount }, () => UNSET);
  slots[0] = input.root;
  const { events, actions } = input;
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
      if (!isGoMap(value)) throw new TemplateExecError(`can't evaluate field ${name} in type ${typeNameOf(value)}`);
      const mapScope: MissingKey['scope'] = scope === 'Values' ? 'Values' : scopeOf(value);
      missing = { name, scope: mapScope, keys: Object.keys(value) };
      if (!Object.hasOwn(value, name)) return new MissingValue(text, missing);
      value = value[name];
      scope = mapScope === 'Values' || value === root['Values'] ? 'Values' : 'other';
    }
    return value === null || value === undefined ? new MissingValue(text, missing) : value;
  };

  const callFunction = (at: number, dot: unknown, name: string, params: readonly Expr[]): unknown => {
    const fn = FUNCTIONS.get(name);
    if (!fn) throw new ActionError(at, `unknown template function \`${name}\``);
    if (name === 'and' || name === 'or') {
      let value: unknown = null;
      for (const param of params) {
        value = evaluate(at, dot, param);
        const isDeciding = name === 'and' ? !isTruthy(settle(at, value, true)) : isTruthy(settle(at, value, true));
        if (isDeciding) break;
      }
      return value;
    }
    const isPresenceTest = fn.isPresenceTest === true;
    const args = params.map((param, index) => {
      const value = evaluate(at, dot, param);
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
    return fn.call(args, context);
  };

  // The value of a parsed Go expression with `dot` as `.`; missing keys come back as MissingValue.
  const evaluate = (at: number, dot: unknown, expr: Expr): unknown => {
    switch (expr.kind) {
      case 'dot':
        return dot;
      case 'field':
        return lookup(evaluate(at, dot, expr.receiver), expr.names, expr.text);
      case 'variable': {
        const value = slots[expr.slot];
        if (value === UNSET) throw new ActionError(at, `undefined variable: ${expr.name}`);
        return value;
      }
      case 'call':
        return callFunction(at, dot, expr.name, expr.args) ?? null;
      case 'literal':
        return expr.value;
      case 'float':
        return new GoFloat(expr.value);
      case 'assign': {
        const value = evaluate(at, dot, expr.value);
        slots[expr.slot] = value;
        return value;
      }
    }
  };

  const actionAt = (index: number): ActionNode => {
    const action = actions[index];
    if (!action) throw new Error(`template action ${index} is not in the side table`);
    return action;
  };

  // The settled value of a block's pipeline (a missing value is nil there, without a warning).
  const condition = (action: ActionNode, context: unknown): unknown =>
    guard(action.at, () => settle(action.at, evaluate(action.at, dotOf(context), action.expr), true));

  return {
    [HELPER_NAMES.output]: function (this: unknown, index: number) {
      const action = actionAt(index);
      return guard(action.at, () => {
        const settled = settle(action.at, evaluate(action.at, dotOf(this), action.expr), false);
        return settled === null ? '' : escapeMarkers(formatValue(settled));
      });
    },
    [HELPER_NAMES.exec]: function (this: unknown, index: number) {
      const action = actionAt(index);
      guard(action.at, () => evaluate(action.at, dotOf(this), action.expr));
      return '';
    },
    [HELPER_NAMES.if]: function (this: unknown, index: number, options: HelperOptions) {
      return isTruthy(condition(actionAt(index), this)) ? options.fn(this) : options.inverse(this);
    },
    [HELPER_NAMES.with]: function (this: unknown, index: number, options: HelperOptions) {
      const value = condition(actionAt(index), this);
      return isTruthy(value) ? options.fn(new DotFrame(value)) : options.inverse(this);
    },
    [HELPER_NAMES.range]: function (this: unknown, index: number, options: HelperOptions) {
      const action = actionAt(index);
      const value = condition(action, this);
      const { keySlot, elementSlot } = action.kind === 'range' ? action : { keySlot: undefined, elementSlot: undefined };
      const entries: [unknown, unknown][] = [];
      if (Array.isArray(value)) value.forEach((item, i) => entries.push([i, item]));
      else if (isGoMap(value)) for (const key of sortedKeys(value)) entries.push([key, value[key]]);
      else if (kindOf(value) !== 'nil') throw new ActionError(action.at, `range can't iterate over ${formatValue(value)}`);
      if (entries.length === 0) return options.inverse(this);
      const parts: string[] = [];
      for (const [key, item] of entries) {
        if (keySlot !== undefined) slots[keySlot] = key;
        if (elementSlot !== undefined) slots[elementSlot] = item;
        parts.push(options.fn(new DotFrame(item)));
      }
      return guard(action.at, () => parts.join(''));
    },
  };
}
