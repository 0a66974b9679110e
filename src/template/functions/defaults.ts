// Template stage: Sprig v2.22's defaults and tests (`default`, `empty`, `coalesce`, `ternary`).

import { typeNameOf } from '../go-values.js';
import { fail, fn, isEmpty, MANY } from './support.js';
import type { FunctionFamily } from './types.js';

export const DEFAULT_FUNCTIONS: FunctionFamily = {
  default: fn(1, 2, (args) => (args.length < 2 || isEmpty(args[1]) ? args[0] : args[1]), true),
  empty: fn(1, 1, (args) => isEmpty(args[0]), true),
  coalesce: fn(0, MANY, (args) => args.find((arg) => !isEmpty(arg)) ?? null, true),
  // Go's `bool` parameter takes no nil: a missing value fails too.
  ternary: fn(3, 3, (args) => {
    const condition = args[2];
    if (typeof condition !== 'boolean') {
      fail(`wrong type for value; expected bool; got ${condition === null || condition === undefined ? 'interface {}' : typeNameOf(condition)}`);
    }
    return condition ? args[0] : args[1];
  }),
};
