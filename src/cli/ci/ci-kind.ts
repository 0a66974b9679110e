// CLI: which CI service the output is for. Each one folds and annotates logs its own way
// (markers.ts); `--ci` picks one, `auto` reads the variables the service sets.

export type CiKind = 'github' | 'gitlab' | 'azure';
export type CiChoice = 'auto' | CiKind | 'none';
export const CI_CHOICES: readonly CiChoice[] = ['auto', 'github', 'gitlab', 'azure', 'none'];

const isTrue = (value: string | undefined) => value !== undefined && value.toLowerCase() === 'true';

/** GitHub Actions sets GITHUB_ACTIONS=true, GitLab CI sets GITLAB_CI=true, Azure Pipelines sets TF_BUILD=True. */
export function detectCi(env: NodeJS.ProcessEnv): CiKind | undefined {
  if (isTrue(env.GITHUB_ACTIONS)) return 'github';
  if (isTrue(env.GITLAB_CI)) return 'gitlab';
  if (isTrue(env.TF_BUILD)) return 'azure';
  return undefined;
}

/** The CI to write for: the one named by `--ci`, the detected one for `auto`, none for `none`. */
export function resolveCi(choice: CiChoice | undefined, env: NodeJS.ProcessEnv): CiKind | undefined {
  if (choice === undefined || choice === 'auto') return detectCi(env);
  return choice === 'none' ? undefined : choice;
}
