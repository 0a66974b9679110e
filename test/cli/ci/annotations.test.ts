import { describe, expect, it } from 'vitest';
import { formatDiagnosticAnnotations, repositoryPath } from '../../../src/cli/ci/annotations.js';
import { error, warning } from '../../../src/diagnostics.js';

describe('diagnostic annotations', () => {
  const diagnostics = [
    warning('unknown-key', 'unknown key `stpes`', { file: '/repo/ci/acr-task.yaml', line: 5, col: 5 }, 'did you mean `steps`?'),
    error('usage', '--set without =', undefined),
  ];

  it('name files relative to the checkout, errors first where no place is known', () => {
    expect(formatDiagnosticAnnotations(diagnostics, 'github', { GITHUB_WORKSPACE: '/repo' })).toBe(
      '::error title=usage::--set without =\n::warning file=ci/acr-task.yaml,line=5,col=5,title=unknown-key::unknown key `stpes`%0Ahint: did you mean `steps`?\n',
    );
    expect(formatDiagnosticAnnotations(diagnostics, 'azure', { BUILD_SOURCESDIRECTORY: '/repo/' })).toContain('sourcepath=ci/acr-task.yaml;linenumber=5;columnnumber=5;code=unknown-key]');
  });

  it('are none on GitLab, whose log has the plain diagnostics', () => {
    expect(formatDiagnosticAnnotations(diagnostics, 'gitlab', {})).toBe('');
  });

  it('keep paths outside the checkout as they are', () => {
    expect(repositoryPath('/elsewhere/a.yaml', '/repo')).toBe('/elsewhere/a.yaml');
    expect(repositoryPath('/repo/a.yaml', undefined)).toBe('/repo/a.yaml');
    expect(repositoryPath('/repo', '/repo')).toBe('/repo');
  });
});
