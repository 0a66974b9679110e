// CLI: diagnostics as CI annotations, so GitHub Actions and Azure Pipelines show each error
// and warning at its file:line:col (in the pull request's diff, the run's summary). GitLab has
// no annotations: there the plain `FILE:LINE:COL: error: …` lines printDiagnostics writes are all.

import { isAbsolute, relative, resolve, sep } from 'node:path';
import { sortDiagnostics, type Diagnostic } from '../../diagnostics.js';
import { resolveCi, type CiChoice, type CiKind } from './ci-kind.js';
import { formatAnnotation } from './markers.js';

/** The annotation lines for `diagnostics`, empty when the CI has no annotations. */
export function formatDiagnosticAnnotations(diagnostics: readonly Diagnostic[], kind: CiKind, env: NodeJS.ProcessEnv): string {
  if (kind === 'gitlab') return '';
  const root = repositoryRoot(kind, env);
  return sortDiagnostics(diagnostics)
    .map((d) =>
      formatAnnotation(kind, {
        severity: d.severity,
        message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
        title: d.code,
        ...(d.location && { file: repositoryPath(d.location.file, root), line: d.location.line, col: d.location.col }),
      }),
    )
    .join('');
}

// Annotations name files relative to the checkout, which is where the service looks for them.
function repositoryRoot(kind: CiKind, env: NodeJS.ProcessEnv): string | undefined {
  return kind === 'github' ? env.GITHUB_WORKSPACE : env.BUILD_SOURCESDIRECTORY;
}

export function repositoryPath(file: string, root: string | undefined): string {
  if (!root) return file;
  const inRoot = relative(resolve(root), resolve(file));
  if (inRoot === '' || inRoot.startsWith(`..${sep}`) || inRoot === '..' || isAbsolute(inRoot)) return file;
  return inRoot.split(sep).join('/');
}

/** Writes the annotations of `diagnostics` for the CI `--ci` names (or detects); nothing outside CI. */
export function annotateDiagnostics(input: { diagnostics: readonly Diagnostic[]; ci: CiChoice | undefined; write: (text: string) => void; env?: NodeJS.ProcessEnv }): void {
  const env = input.env ?? process.env;
  const kind = resolveCi(input.ci, env);
  if (kind === undefined || input.diagnostics.length === 0) return;
  const text = formatDiagnosticAnnotations(input.diagnostics, kind, env);
  if (text) input.write(text);
}
