// CLI: the memory a long `taskrun run` keeps. A run starts a few engine processes per step, and
// each leaves short-lived garbage (execa's streams and promises); while several are under way at
// once (a step, the next one's create, the last one's removal), V8 sees a high survival rate and
// grows the young generation to its maximum (3 × 16 MB), which the process then keeps. Keeping
// it at its starting size costs only more frequent, smaller scavenges (issue 14: a 100-step run
// stays under 100 MB of peak RSS).

import v8 from 'node:v8';

export function keepYoungGenerationSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--optimize-for-size');
}
