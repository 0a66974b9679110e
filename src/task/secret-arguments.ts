// Stage 3, validate: a secret written into a step's own command line (`cmd: app --token {{.Secrets.t}}`)
// reaches the engine's command line, which any local user can read (`ps`). Env items and build
// args are passed outside it by the executor; this is the rest.

import { warning, type Diagnostic } from '../diagnostics.js';
import type { Task } from './types.js';

function wordsOnCommandLine(words: readonly string[]): string[] {
  // `--build-arg KEY=value` values go by environment (steps/secret-env.ts).
  return words.filter((word, index) => words[index - 1] !== '--build-arg' && !word.startsWith('--build-arg='));
}

export function checkSecretsOnCommandLines(task: Task, secrets: Readonly<Record<string, string>>): Diagnostic[] {
  const named = Object.entries(secrets).filter(([, value]) => value !== '');
  if (named.length === 0) return [];
  return task.steps.flatMap((step) => {
    if (step.kind === 'push') return [];
    // Every engine command of a cmd list (builtins run in taskrun and reach no command line).
    const cmdWords = (): string[] =>
      step.kind === 'cmd' ? [...step.words, ...step.rest.flatMap((item) => (item.command.kind === 'builtin' ? [] : item.command.words))] : [];
    const words = wordsOnCommandLine(step.kind === 'cmd' ? cmdWords() : step.args);
    return named
      .filter(([, value]) => words.some((word) => word.includes(value)))
      .map(([id]) =>
        warning(
          'secret-on-command-line',
          `secret \`${id}\` is part of step \`${step.id}\`'s command line, which any user of this machine can read while it runs (ps)`,
          step.location,
          step.kind === 'cmd' ? 'pass it in the step\'s `env:` (taskrun hands env values to the engine outside its command line) and read it there' : 'pass it with `--build-arg NAME=…`, whose value taskrun hands to the engine outside its command line',
        ),
      );
  });
}
