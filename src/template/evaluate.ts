// Template stage: the handlebars helpers that carry Go text/template semantics. Expression
// helpers return lazy values, so the statement helper that forces them evaluates arguments
// in Go's order and `and`/`or` short-circuit; statement helpers print, branch and loop.

import type { HelperOptions } from 'handlebars';
import { FUNCTIONS, TemplateExecError } from './functions.js';
import { formatValue, isGoMap, isTruthy, kindOf, sortedKeys, typeNameOf, GoFloat } from './go-values.js';
import { escapeMarkers } from './origins.js';

export const HELPER_NAMES = {
  output: 'go_output',
  exec: 'go_exec',
  if: 'go_if',
  with: 'go_with',
  range: 'go_range',
  field: 'go_field',
  variable: 'go_variable',
  call: 'go_call',
  float: 'go_float',
  assign: 'go_assign',
} as const;

/** The value of `.` inside a block (handlebars' context). */
export class DotFrame {
  readonly dot: unknown;
  constructor(dot: unknown) {
    this.dot = dot;
  }
}

/** A key that is not there (`missingkey=zero`); renders empty with a warning where it is printed. */
export class MissingValue {
  readonly expression: string;
  constructor(expression: string) {
    this.expression = expression;
  }
}

class Lazy {
  readonly run: () => unknown;
  constructor(run: () => unknown) {
    this.run = run;
  }
}

/** An execution failure tied to the action that raised it. */
export class ActionError extends Error {
  readonly at: number;
  constructor(at: number, message: string) {
    super(message);
    this.name = 'ActionError';
    this.at = at;
  }
}

export interface ExecEvents {
  /** A printed or consumed missing value at action `at`. */
  readonly onMissing: (at: number, expression: string) => void;
  readonly onWarning: (at: number, code: string, message: string, hint?: string) => void;
}

const UNSET = Symbol('unset');

type Helper = (...args: unknown[]) => unknown;

function resolve(value: unknown): unknown {
  if (value instanceof Lazy) return value.run();
  if (value instanceof DotFrame) return value.dot;
  return value === undefined ? null : value;
}

function optionsOf(args: unknown[]): HelperOptions {
  return args[args.length - 1] as HelperOptions;
}

function atOf(options: HelperOptions): number {
  return Number(options.hash['at']);
}

function guard<T>(at: number, run: () => T): T {
  try {
    return run();
  } catch (caught) {
    if (caught instanceof ActionError) throw caught;
    if (caught instanceof TemplateExecError) throw new ActionError(at, caught.message);
    throw caught;
  }
}

/** The helpers for one render; `slotCount` variables, slot 0 holding `$` (the root data). */
export function createHelpers(input: { root: unknown; slotCount: number; events: ExecEvents }): Record<string, Helper> {
  const slots: unknown[] = Array.from({ length: input.slotCount }, () => UNSET);
  slots[0] = input.root;
  const { events } = input;

  // A missing value used where its value matters is reported once per action and acts as nil.
  const settle = (at: number, value: unknown, isPresenceTest: boolean): unknown => {
    if (value instanceof MissingValue) {
      if (!isPresenceTest) events.onMissing(at, value.expression);
      return null;
    }
    return value;
  };

  const lookup = (receiver: unknown, names: readonly string[], text: string): unknown => {
    let value = receiver;
    for (const name of names) {
      if (value instanceof MissingValue || value === null || value === undefined) return new MissingValue(text);
      if (!isGoMap(value)) throw new TemplateExecError(`can't evaluate field ${name} in type ${typeNameOf(value)}`);
      value = Object.hasOwn(value, name) ? value[name] : new MissingValue(text);
    }
    return value === null || value === undefined ? new MissingValue(text) : value;
  };

  const callFunction = (at: number, name: string, params: unknown[]): unknown => {
    const fn = FUNCTIONS.get(name);
    if (!fn) throw new ActionError(at, `unknown template function \`${name}\``);
    const context = {
      name,
      warn: (code: string, message: string, hint?: string) => events.onWarning(at, code, message, hint),
    };
    if (name === 'and' || name === 'or') {
      let value: unknown = null;
      for (const param of params) {
        value = resolve(param);
        const isDeciding = name === 'and' ? !isTruthy(settle(at, value, true)) : isTruthy(settle(at, value, true));
        if (isDeciding) break;
      }
      return value;
    }
    const args = params.map((param) => settle(at, resolve(param), fn.isPresenceTest === true));
    return fn.call(args, context);
  };

  const printed = (at: number, value: unknown): string => {
    const settled = settle(at, value, false);
    return settled === null ? '' : escapeMarkers(formatValue(settled));
  };

  return {
    [HELPER_NAMES.field]: (...args) => {
      const options = optionsOf(args);
      const [receiver, ...names] = args.slice(0, -1);
      const at = atOf(options);
      const text = String(options.hash['text']);
      return new Lazy(() => guard(at, () => lookup(resolve(receiver), names.map(String), text)));
    },
    [HELPER_NAMES.variable]: (...args) => {
      const options = optionsOf(args);
      const slot = Number(args[0]);
      return new Lazy(() => {
        const value = slots[slot];
        if (value === UNSET) throw new ActionError(atOf(options), `undefined variable: ${String(options.hash['name'])}`);
        return value;
      });
    },
    [HELPER_NAMES.call]: (...args) => {
      const options = optionsOf(args);
      const [name, ...params] = args.slice(0, -1);
      const at = atOf(options);
      return new Lazy(() => guard(at, () => callFunction(at, String(name), params)));
    },
    [HELPER_NAMES.float]: (value) => new GoFloat(Number(value)),
    [HELPER_NAMES.assign]: (...args) => {
      const [slot, value] = args;
      return new Lazy(() => {
        const resolved = resolve(value);
        slots[Number(slot)] = resolved;
        return resolved;
      });
    },
    [HELPER_NAMES.output]: (...args) => {
      const at = atOf(optionsOf(args));
      return guard(at, () => printed(at, resolve(args[0])));
    },
    [HELPER_NAMES.exec]: (...args) => {
      const at = atOf(optionsOf(args));
      guard(at, () => resolve(args[0]));
      return '';
    },
    [HELPER_NAMES.if]: function (this: unknown, ...args: unknown[]) {
      const options = optionsOf(args);
      const at = atOf(options);
      const value = guard(at, () => settle(at, resolve(args[0]), true));
      return isTruthy(value) ? options.fn(this) : options.inverse(this);
    },
    [HELPER_NAMES.with]: function (this: unknown, ...args: unknown[]) {
      const options = optionsOf(args);
      const at = atOf(options);
      const value = guard(at, () => settle(at, resolve(args[0]), true));
      return isTruthy(value) ? options.fn(new DotFrame(value)) : options.inverse(this);
    },
    [HELPER_NAMES.range]: function (this: unknown, ...args: unknown[]) {
      const options = optionsOf(args);
      const at = atOf(options);
      const value = guard(at, () => settle(at, resolve(args[0]), true));
      const keySlot = options.hash['keySlot'] as number | undefined;
      const elementSlot = options.hash['elementSlot'] as number | undefined;
      const entries: [unknown, unknown][] = [];
      if (Array.isArray(value)) value.forEach((item, i) => entries.push([i, item]));
      else if (isGoMap(value)) for (const key of sortedKeys(value)) entries.push([key, value[key]]);
      else if (kindOf(value) !== 'nil') throw new ActionError(at, `range can't iterate over ${formatValue(value)}`);
      if (entries.length === 0) return options.inverse(this);
      let out = '';
      for (const [key, item] of entries) {
        if (keySlot !== undefined) slots[keySlot] = key;
        if (elementSlot !== undefined) slots[elementSlot] = item;
        out += options.fn(new DotFrame(item));
      }
      return out;
    },
  };
}
