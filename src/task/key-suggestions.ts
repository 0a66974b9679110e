// Stage 3, validate: the known key a mistyped or foreign one most likely means. Beside spelling
// (`bulid` → `build`), the words other CI systems use for the same thing (GitHub Actions'
// `run:` and `continue-on-error:`, Azure Pipelines' `continueOnError:` and `dependsOn:`, …).

import { didYouMean } from '../diagnostics.js';

const FOREIGN_KEYS: Readonly<Record<string, string>> = {
  run: 'cmd',
  script: 'cmd',
  command: 'cmd',
  commands: 'cmd',
  continueOnError: 'ignoreErrors',
  'continue-on-error': 'ignoreErrors',
  allow_failure: 'ignoreErrors',
  dependsOn: 'when',
  depends_on: 'when',
  needs: 'when',
  environment: 'env',
  variables: 'env',
  timeoutInSeconds: 'timeout',
  'timeout-minutes': 'timeout',
  working_dir: 'workingDirectory',
  'working-directory': 'workingDirectory',
  workingDir: 'workingDirectory',
  workdir: 'workingDirectory',
  retry: 'retries',
};

/** The known key `key` most likely means, or undefined. */
export function suggestKey(key: string, known: Iterable<string>): string | undefined {
  const candidates = [...known];
  const foreign = FOREIGN_KEYS[key];
  if (foreign !== undefined && candidates.includes(foreign)) return foreign;
  return didYouMean(key, candidates);
}
