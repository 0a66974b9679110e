// node:crypto, loaded on the first call of a function that needs it: loading it at start-up
// (17 of Node's internal modules) costs every validate and render, and few tasks hash or sign.

import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';

let loaded: typeof NodeCrypto | undefined;

export function nodeCrypto(): typeof NodeCrypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof NodeCrypto;
  return loaded;
}
