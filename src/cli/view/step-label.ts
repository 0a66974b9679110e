// CLI view: a step as its task file says it, in one line — what the live area shows for a
// running step until it prints something (the engine's full argv is in --dry-run and the record).

import type { Step } from '../../task/types.js';

export function stepLabel(step: Step): string {
  switch (step.kind) {
    case 'cmd':
      return step.cmd;
    case 'build':
      return `build ${step.build}`;
    case 'push':
      return `push ${step.images.join(' ')}`;
  }
}
