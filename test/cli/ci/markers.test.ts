import { describe, expect, it } from 'vitest';
import { detectCi, resolveCi } from '../../../src/cli/ci/ci-kind.js';
import { formatAnnotation, gitlabSectionName, groupMarkers } from '../../../src/cli/ci/markers.js';
import { azureAnnotations, githubAnnotations, groups } from '../../helpers/ci-markers.js';

describe('CI detection', () => {
  it('reads the variable each service sets', () => {
    expect(detectCi({ GITHUB_ACTIONS: 'true' })).toBe('github');
    expect(detectCi({ GITLAB_CI: 'true' })).toBe('gitlab');
    expect(detectCi({ TF_BUILD: 'True' })).toBe('azure');
    expect(detectCi({ CI: 'true' })).toBeUndefined();
    expect(detectCi({ GITHUB_ACTIONS: 'false' })).toBeUndefined();
  });

  it('lets --ci win over detection', () => {
    expect(resolveCi('none', { GITHUB_ACTIONS: 'true' })).toBeUndefined();
    expect(resolveCi('azure', { GITHUB_ACTIONS: 'true' })).toBe('azure');
    expect(resolveCi('auto', { GITLAB_CI: 'true' })).toBe('gitlab');
    expect(resolveCi(undefined, {})).toBeUndefined();
  });
});

describe('annotations', () => {
  const tricky = { severity: 'error' as const, file: 'dir,1/a:b.yaml', line: 3, col: 7, title: 'yaml-syntax', message: '100% wrong: a, b\nhint: fix; it]' };

  it('escape GitHub data and properties so the message survives whole', () => {
    const line = formatAnnotation('github', tricky);
    expect(line).toBe('::error file=dir%2C1/a%3Ab.yaml,line=3,col=7,title=yaml-syntax::100%25 wrong: a, b%0Ahint: fix; it]\n');
    expect(githubAnnotations(line)).toEqual([
      { severity: 'error', properties: { file: 'dir,1/a:b.yaml', line: '3', col: '7', title: 'yaml-syntax' }, message: tricky.message },
    ]);
  });

  it('escape Azure data and properties', () => {
    const line = formatAnnotation('azure', { ...tricky, severity: 'warning', file: 'a;b].yaml' });
    expect(line).toBe('##vso[task.logissue type=warning;sourcepath=a%3Bb%5D.yaml;linenumber=3;columnnumber=7;code=yaml-syntax]100%AZP25 wrong: a, b%0Ahint: fix; it]\n');
    expect(azureAnnotations(line)).toEqual([
      { severity: 'warning', properties: { sourcepath: 'a;b].yaml', linenumber: '3', columnnumber: '7', code: 'yaml-syntax' }, message: tricky.message },
    ]);
  });

  it('are plain lines on GitLab', () => {
    expect(formatAnnotation('gitlab', tricky)).toBe('dir,1/a:b.yaml:3:7: error: 100% wrong: a, b\n  hint: fix; it]\n');
  });

  it('leave out what is not known', () => {
    expect(formatAnnotation('github', { severity: 'warning', message: 'm' })).toBe('::warning::m\n');
    expect(formatAnnotation('azure', { severity: 'error', message: 'm' })).toBe('##vso[task.logissue type=error]m\n');
  });
});

describe('groups', () => {
  it('are one line each, titles on one line', () => {
    const github = groupMarkers('github');
    expect(github.start('n', 'step a\nb', 0)).toBe('::group::step a b\n');
    expect(github.end('n', 0)).toBe('::endgroup::\n');
    const azure = groupMarkers('azure');
    expect(azure.start('n', 'step a', 0) + 'x\n' + azure.end('n', 0)).toBe('##[group]step a\nx\n##[endgroup]\n');
  });

  it('are GitLab sections with a valid name, collapsed, with start and end times', () => {
    const gitlab = groupMarkers('gitlab');
    const text = gitlab.start('taskrun_1_build:amd64', 'step build', 1_700_000_000_400) + 'line\n' + gitlab.end('taskrun_1_build:amd64', 1_700_000_007_900);
    expect(text).toBe('\x1b[0Ksection_start:1700000000:taskrun_1_build_amd64[collapsed=true]\r\x1b[0Kstep build\nline\n\x1b[0Ksection_end:1700000007:taskrun_1_build_amd64\r\x1b[0K\n');
    expect(groups(text, 'gitlab')).toEqual([{ title: 'step build', lines: ['line'] }]);
    expect(gitlabSectionName('a b/c.d-e_f')).toBe('a_b_c.d-e_f');
  });
});
