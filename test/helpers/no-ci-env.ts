// Vitest setup: the suite itself runs in CI, whose variables would switch taskrun's CI output on
// in every CLI the tests start (and append to the job's real summary). Tests that want a CI's
// output set its variables, or `--ci`, themselves.
for (const name of ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE', 'GITLAB_CI', 'TF_BUILD', 'BUILD_SOURCESDIRECTORY']) {
  delete process.env[name];
}
