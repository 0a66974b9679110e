// Template stage: Sprig v2.22's defaults and tests (`default`, `empty`, `coalesce`, `ternary`).

import { typeNameOf } from '../go-values.js';
import { fail, fn, isEmpty, MANY } from './support.js';
import type { FunctionFamily } from './types.js';

export const DEFAULT_FUNCTIONS: FunctionFamily = {
  default: fn(1, 2, (args) => (args.length < 2 || isEmpty(args[1]) ? args[0] : args[1]), true),
  empty: fn(1, 1, (args) => isEmpty(args[0]), true),
  coalesce: fn(0, MANY, (args) => args.find((arg) => !isEmpty(arg)) ?? null, true),
  ternary: fn(3, 3, (args) => {
    if (typeof args[2] !== 'boolean' && args[2] !== null) fail(`wrong type for value; expected bool; got ${typeNameOf(args[2])}`);
    return args[2] === true ? args[0] : args[1];
  }, true),
};
