// Template stage: Sprig v2.22's type tests — `%T` names and reflect kinds of template values.

import { deepEqual, typeNameOf } from '../go-values.js';
import { asString, fn, reflectKindOf, withStringParams } from './support.js';
import type { FunctionFamily } from './types.js';

const typeOf = (value: unknown) => typeNameOf(value);

export const REFLECTION_FUNCTIONS: FunctionFamily = {
  typeOf: fn(1, 1, (args) => typeOf(args[0]), true),
  typeIs: withStringParams([0], fn(2, 2, (args) => asString(args[0]) === typeOf(args[1]), true)),
  typeIsLike: withStringParams([0], fn(2, 2, (args) => {
    const type = typeOf(args[1]);
    return asString(args[0]) === type || `*${asString(args[0])}` === type;
  }, true)),
  kindOf: fn(1, 1, (args) => reflectKindOf(args[0]), true),
  kindIs: withStringParams([0], fn(2, 2, (args) => asString(args[0]) === reflectKindOf(args[1]), true)),
  deepEqual: fn(2, 2, (args) => deepEqual(args[0], args[1]), true),
};
