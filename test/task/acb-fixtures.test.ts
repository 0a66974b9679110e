// Our own fixtures for the behaviours acb-spec §7 lists (the files of Azure/acr-builder and its
// inline Go test cases), run through the real pipeline (prepareTask, planTask) and checked
// against the results §7 (with §1, §3, §5) gives.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { planTask } from '../../src/plan/plan.js';
import { prepareTask } from '../../src/task/prepare.js';
import type { PrepareInput, PreparedTask } from '../../src/task/prepare.js';
import type { BuildStep, CmdStep, PushStep, Step } from '../../src/task/types.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/acb/', import.meta.url));
const NOW = new Date('2026-01-02T03:04:05Z');

/** A fixture path as a user in the repository's root folder types it (vitest runs there). */
function fixture(relative: string): string {
  return path.relative(process.cwd(), path.join(fixturesDir, relative));
}

function prepare(relative: string, options: Partial<PrepareInput> = {}): Promise<PreparedTask> {
  return prepareTask({
    file: fixture(relative),
    runId: 'r1',
    runVarFlags: { commit: 'c0ffee', branch: 'main' },
    now: NOW,
    env: {},
    ...options,
  });
}

/** `code line:col` of every error the file yields (an empty list when it prepares cleanly). */
async function errorsOf(relative: string, options: Partial<PrepareInput> = {}): Promise<string[]> {
  try {
    await prepare(relative, options);
    return [];
  } catch (caught) {
    if (!(caught instanceof InputError)) throw caught;
    return caught.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.location?.line ?? 0}:${d.location?.col ?? 0}`);
  }
}

function codesOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.location?.line ?? 0}:${d.location?.col ?? 0}`);
}

function stepById(prepared: PreparedTask, id: string): Step {
  const step = prepared.task.steps.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

function cmdOf(step: Step | undefined): CmdStep {
  if (step?.kind !== 'cmd') throw new Error(`expected a cmd step, got ${String(step?.kind)}`);
  return step;
}

function buildOf(step: Step | undefined): BuildStep {
  if (step?.kind !== 'build') throw new Error(`expected a build step, got ${String(step?.kind)}`);
  return step;
}

function pushOf(step: Step | undefined): PushStep {
  if (step?.kind !== 'push') throw new Error(`expected a push step, got ${String(step?.kind)}`);
  return step;
}

/** Each step's id with the ids it waits for (empty: it starts at the virtual root). */
function edgesOf(prepared: PreparedTask): Record<string, readonly string[]> {
  return Object.fromEntries(planTask(prepared.task).nodes.map((node) => [node.step.id, node.dependsOn]));
}

describe('acb.yaml and acb.windows.yaml at the repository root (§7.1)', () => {
  it('renders the run variables into the tag; the context is `.`', async () => {
    const prepared = await prepare('root/build-self.yaml', { registry: 'myregistry.azurecr.io', runId: 'abc' });
    const build = buildOf(prepared.task.steps[0]);
    expect(build.context).toBe('.');
    expect(build.tags).toEqual(['myregistry.azurecr.io/acb:linux-abc']);
    expect(build.dockerfile).toBeUndefined();
  });

  it('reads the Windows Dockerfile from -f', async () => {
    const build = buildOf((await prepare('root/build-self-windows.yaml')).task.steps[0]);
    expect(build.dockerfile).toBe('Windows.Dockerfile');
    expect(build.context).toBe('.');
    expect(build.tags).toEqual(['localhost:5000/acb:windows-r1']);
  });
});

describe('graph/testdata/acb.yaml: defaults and DAG (§5.1, §7.1)', () => {
  const load = () => prepare('graph/full-schema.yaml');

  it('has version v1.0.0 and seven steps in list order', async () => {
    const prepared = await load();
    expect(prepared.task.version).toBe('v1.0.0');
    expect(prepared.task.steps.map((step) => step.id)).toEqual(['puller', 'build-qux', 'C', 'B', 'build-foo', 'build-qaz', 'build-bar']);
  });

  it('applies the defaults: timeout 600, retryDelay 5 unless 90, network host only where written', async () => {
    const prepared = await load();
    expect(prepared.task.steps.map((step) => step.timeoutSeconds)).toEqual([600, 600, 600, 600, 600, 600, 600]);
    const retryDelays = prepared.task.steps.map((step) => (step.kind === 'push' ? undefined : step.retryDelaySeconds));
    expect(retryDelays).toEqual([90, 5, 5, 5, 5, 5, 5]);
    // Steps without `network` get the run's default network (acb_default_network) when the run starts.
    const networks = prepared.task.steps.map((step) => (step.kind === 'push' ? undefined : (step.network ?? 'default')));
    expect(networks).toEqual(['default', 'default', 'default', 'default', 'default', 'host', 'default']);
    expect(prepared.task.networks).toEqual([]);
  });

  it('appends the task env foo=taskEnv unless the step sets foo', async () => {
    const prepared = await load();
    const envs = prepared.task.steps.map((step) => (step.kind === 'push' ? [] : step.env));
    expect(envs).toEqual([['eric=foo', 'foo=bar'], ['foo=taskEnv'], ['foo=taskEnv'], ['foo=taskEnv'], ['foo=taskEnv'], ['foo=taskEnv'], ['foo=taskEnv']]);
  });

  it('keeps every step option', async () => {
    const prepared = await load();
    const puller = cmdOf(stepById(prepared, 'puller'));
    expect([puller.entryPoint, puller.workingDirectory, puller.retries, puller.pull, puller.words]).toEqual([
      'someEntryPoint',
      'pullDir',
      5,
      true,
      ['azure/images/docker', 'pull', 'ubuntu'],
    ]);
    const qux = cmdOf(stepById(prepared, 'build-qux'));
    expect([qux.detach, qux.startDelaySeconds]).toEqual([true, 50]);
    const c = cmdOf(stepById(prepared, 'C'));
    expect([c.ports, c.expose, c.keep, c.isolation]).toEqual([['8000:8000', '8080:8080'], ['80', '81'], true, 'default']);
    const b = cmdOf(stepById(prepared, 'B'));
    expect([b.ignoreErrors, b.disableWorkingDirectoryOverride]).toEqual([true, true]);
    const qaz = buildOf(stepById(prepared, 'build-qaz'));
    expect([qaz.privileged, qaz.user, qaz.repeat, qaz.dockerfile, qaz.context]).toEqual([true, 'root', 2, 'Dockerfile', 'https://github.com/ehotinger/qaz']);
  });

  it('builds root→{puller,C,build-qux,build-bar}, C→B, build-qux→build-foo→build-qaz', async () => {
    expect(edgesOf(await load())).toEqual({
      puller: [],
      'build-qux': [],
      C: [],
      B: ['C'],
      'build-foo': ['build-qux'],
      'build-qaz': ['build-foo'],
      'build-bar': [],
    });
  });

  it('warns that exitedWith and exitedWithout have no effect (§5.6)', async () => {
    expect(codesOf((await load()).diagnostics)).toEqual(['no-effect 13:5', 'no-effect 14:5']);
  });
});

describe('graph/testdata/buildx.yaml (§7.1)', () => {
  it('generates acb_step_0 and acb_step_1, keeps myCustomStepID, reads cache case-insensitively', async () => {
    const prepared = await prepare('graph/buildx-cache.yaml');
    expect(prepared.task.steps.map((step) => [step.id, buildOf(step).cache])).toEqual([
      ['acb_step_0', 'enabled'],
      ['acb_step_1', 'enabled'],
      ['myCustomStepID', 'enabled'],
    ]);
    // taskrun builds with the engine's own builder: each `cache: enabled` is reported as having no effect.
    // (The fixture folder has no Dockerfiles: build-file-missing is beside the point here.)
    expect(codesOf(prepared.diagnostics.filter((d) => d.code !== 'build-file-missing'))).toEqual(['cache-ignored 5:12', 'cache-ignored 7:12', 'cache-ignored 10:12']);
  });
});

describe('graph/testdata/preprocessor (§3, §7.1)', () => {
  it('chains a unicode directive through single-character aliases from a src file', async () => {
    const prepared = await prepare('preprocessor/unicode-directive.yaml');
    expect(prepared.rendered.text).toBe(
      ['version: v1.1.0', 'steps:', '  - id: puller', '    cmd: alpine echo 8000 -f', '  - id: C', '    cmd: alpine echo c', '  - cmd: alpine echo d', '    when: [C]', ''].join('\n'),
    );
    expect(edgesOf(prepared)).toEqual({ puller: [], C: ['puller'], acb_step_2: ['C'] });
  });

  it('expands multi-line aliases into whole steps', async () => {
    const prepared = await prepare('preprocessor/multiline-alias.yaml');
    expect(prepared.task.steps.map((step) => step.id)).toEqual(['puller', 'builder']);
    expect(cmdOf(prepared.task.steps[0]).cmd).toBe('azure/images/docker pull ubuntu');
    expect(buildOf(prepared.task.steps[1]).tags).toEqual(['localhost:5000/app:r1']);
  });

  it('turns $$ into a literal $ even before defined names', async () => {
    const step = cmdOf((await prepare('preprocessor/escape.yaml')).task.steps[0]);
    expect(step.words).toEqual(['alpine', 'echo', '$puller', '$azure/$images/$docker']);
    expect(step.entryPoint).toBe('$someEntryPoint');
  });

  it('leaves a v1.1.0 file without aliases unchanged', async () => {
    const text = readFileSync(path.join(fixturesDir, 'preprocessor/no-alias.yaml'), 'utf8');
    expect((await prepare('preprocessor/no-alias.yaml')).rendered.text).toBe(text);
  });

  it('changes nothing for defined but unused aliases, even ones named `id` and `build`', async () => {
    const prepared = await prepare('preprocessor/unused-alias.yaml');
    expect(prepared.rendered.text).toBe(['version: v1.1.0', 'steps:', '  - id: a', '    build: -t localhost:5000/a:v1 .', ''].join('\n'));
  });

  it('loads a local src file of three aliases (one value with a space) and expands the cmd word', async () => {
    const prepared = await prepare('preprocessor/local-src.yaml');
    expect(cmdOf(prepared.task.steps[0]).words).toEqual(['alpine/git:2.45', 'clone', 'https://example.com/repo.git']);
    expect(cmdOf(prepared.task.steps[1]).cmd).toBe('mcr.microsoft.com/oryx/pack:stable build myapp');
    expect(buildOf(prepared.task.steps[2]).tags).toEqual(['localhost:5000/qux:r1']);
  });

  it('loads an empty src file with no definitions and keeps the inline values', async () => {
    expect(cmdOf((await prepare('preprocessor/empty-src.yaml')).task.steps[0]).cmd).toBe('alpine echo hello');
  });

  it('fails on a malformed src file, pointing into that file', async () => {
    try {
      await prepare('preprocessor/invalid-src.yaml');
      expect.unreachable('an InputError');
    } catch (caught) {
      if (!(caught instanceof InputError)) throw caught;
      expect(caught.diagnostics.map((d) => [d.code, d.severity, path.basename(d.location?.file ?? ''), d.location?.line])).toEqual([
        ['alias-decode', 'error', 'invalid-external.yaml', 1],
      ]);
    }
  });

  it('valid-alias.yaml is v1.0.0: the alias block and `test:` are ignored and `$qux` stays literal', async () => {
    const prepared = await prepare('preprocessor/aliases-off-v1.0.0.yaml');
    expect(prepared.task.steps.map((step) => cmdOf(step).cmd)).toEqual(['$qux', 'bash echo hi']);
    expect(codesOf(prepared.diagnostics)).toEqual(['unknown-key 2:1', 'unknown-key 5:1', 'host-shell 7:10']);
  });

  it('replaces the first word of cmd when it is exactly an alias name (§3.5)', async () => {
    const prepared = await prepare('preprocessor/command-words.yaml');
    expect(prepared.task.steps.map((step) => cmdOf(step).cmd)).toEqual([
      'mcr.microsoft.com/acr/bash:2ff604c echo hi',
      "acr purge --filter 'hello:.*' --ago 1d",
      'fakealias --wait 300',
      'acrmixedin --help',
    ]);
  });

  it('runs the worked example of §4.11', async () => {
    const prepared = await prepare('preprocessor/worked-example.yaml', { registry: 'r.azurecr.io', runId: 'abc' });
    expect(prepared.task.steps.map((step) => step.id)).toEqual(['build', 'test', 'acb_step_2']);
    expect(buildOf(prepared.task.steps[0]).tags).toEqual(['r.azurecr.io/hello:abc']);
    expect(cmdOf(prepared.task.steps[1]).cmd).toBe('r.azurecr.io/hello:abc');
    expect(pushOf(prepared.task.steps[2]).images).toEqual(['r.azurecr.io/hello:abc']);
    expect(edgesOf(prepared)).toEqual({ build: [], test: ['build'], acb_step_2: ['test'] });
  });
});

describe('templating/testdata (§2, §7.1)', () => {
  it('caching: values inside a quoted id and a flow-sequence when; the text is otherwise unchanged', async () => {
    const prepared = await prepare('templating/caching/cache.yaml', { valuesFiles: [fixture('templating/caching/values.yaml')] });
    const source = readFileSync(path.join(fixturesDir, 'templating/caching/cache.yaml'), 'utf8');
    expect(prepared.rendered.text).toBe(source.replaceAll('{{.Values.id}}', 'puller'));
    expect(prepared.rendered.text).toContain('  - id: "puller"\n');
    expect(prepared.rendered.text).toContain('    when: ["puller"]\n');
    expect(edgesOf(prepared)).toEqual({ puller: [], acb_step_1: ['puller'] });
  });

  it('caching: an empty file renders to "" without error and runs nothing', async () => {
    const prepared = await prepare('templating/caching/empty.yaml');
    expect(prepared.rendered.text).toBe('');
    expect(prepared.task.steps).toEqual([]);
    expect(codesOf(prepared.diagnostics)).toEqual(['no-steps 1:1']);
  });

  it('curie: the second values file wins per key; lists print Go-style; ValuesJSON and RunJSON are sorted and shell-quoted', async () => {
    const prepared = await prepare('templating/curie/curie.yaml', {
      registry: 'myregistry.azurecr.io',
      valuesFiles: [fixture('templating/curie/values.yaml'), fixture('templating/curie/values-override.yaml')],
      runVarFlags: { commit: 'c0ffee', branch: 'main', sharedVolume: 'acb_vol_1' },
    });
    const [curie, valuesJson, runJson] = prepared.task.steps.map((step) => cmdOf(step).cmd);
    expect(curie).toBe('alpine echo Marie born 1867 won [Nobel Prize in Physics Davy Medal Albert Medal]');
    expect(valuesJson).toBe(`alpine echo '{"awards":["Nobel Prize in Physics","Davy Medal","Albert Medal"],"born":1867,"name":"Marie"}'`);
    const { OS, Architecture } = prepared.runVars;
    expect(runJson).toBe(
      `alpine echo '{"Architecture":"${Architecture}","Branch":"main","Commit":"c0ffee","Date":"20260102-030405z","GitTag":"","ID":"r1",` +
        `"OS":"${OS}","OSVersion":"","Registry":"myregistry.azurecr.io","RegistryName":"myregistry","Repository":"",` +
        `"SharedVolume":"acb_vol_1","TaskName":"","TriggeredBy":""}'`,
    );
  });

  it('fruits: a values file with a comment, a list and a nested mapping', async () => {
    const prepared = await prepare('templating/fruits-task.yaml', { valuesFiles: [fixture('templating/fruits.yaml')] });
    expect(cmdOf(prepared.task.steps[0]).cmd).toBe('alpine echo fruit basket 3 star');
  });

  it('thames: pipes upper and lower; the non-existent .Run.Tag renders empty (with a warning)', async () => {
    const prepared = await prepare('templating/thames/thames.yaml', { valuesFiles: [fixture('templating/thames/values.yaml')] });
    expect(prepared.rendered.text).toBe('steps:\n  - cmd: alpine echo THAMES london tag-\n');
    expect(codesOf(prepared.diagnostics)).toEqual(['missing-value 3:77']);
  });

  it('helloworld/context-build: three sequential cmd steps; `build` is just an image name', async () => {
    const prepared = await prepare('templating/helloworld/context-build.yaml', { valuesFiles: [fixture('templating/helloworld/values.yaml')] });
    expect(prepared.task.steps.map((step) => [cmdOf(step).words[0], cmdOf(step).workingDirectory])).toEqual([
      ['git', ''],
      ['bash', 'hello-world'],
      ['build', ''],
    ]);
    expect(edgesOf(prepared)).toEqual({ acb_step_0: [], acb_step_1: ['acb_step_0'], acb_step_2: ['acb_step_1'] });
  });

  it('helloworld/git-build: the push image is already tagged', async () => {
    const prepared = await prepare('templating/helloworld/git-build.yaml');
    expect(cmdOf(prepared.task.steps[0]).cmd).toBe('build -f Dockerfile -t acr-builder:r1 https://github.com/example/acr-builder.git');
    expect(pushOf(prepared.task.steps[1]).images).toEqual(['acr-builder:r1']);
  });

  it('helloworld/manifest: seven sequential cmd steps on the docker image', async () => {
    const prepared = await prepare('templating/helloworld/manifest.yaml');
    expect(prepared.task.steps.map((step) => cmdOf(step).words.slice(0, 3).join(' '))).toEqual([
      'docker push localhost:5000/hello:amd64',
      'docker push localhost:5000/hello:arm64',
      'docker manifest create',
      'docker manifest annotate',
      'docker manifest annotate',
      'docker manifest push',
      'docker manifest inspect',
    ]);
    expect(planTask(prepared.task).groups).toEqual([['acb_step_0'], ['acb_step_1'], ['acb_step_2'], ['acb_step_3'], ['acb_step_4'], ['acb_step_5'], ['acb_step_6']]);
  });

  it('helloworld/tar-build parses; an empty values file is ignored', async () => {
    const prepared = await prepare('templating/helloworld/tar-build.yaml', { valuesFiles: [fixture('templating/helloworld/values.yaml')] });
    expect(cmdOf(prepared.task.steps[0]).words).toEqual(['build', 'https://example.com/archives/hello.tar.gz', '-f', 'Dockerfile', '-t', 'hello:r1']);
    expect(prepared.diagnostics).toEqual([]);
  });

  it('mounts/mounts_multistep: b64enc renders the stated values; steps mount one or both volumes', async () => {
    const prepared = await prepare('templating/mounts/mounts-multistep.yaml');
    expect(prepared.task.volumes).toEqual([
      { name: 'mysecrets1', secret: { mysecret1: 'LS0tLS1TRUNSRVQgVkFMVUUgMS0tLS0tLQ==' } },
      { name: 'mysecrets2', secret: { mysecret2: 'LS0tLS1TRUNSRVQgVkFMVUUgMi0tLS0tLQ==' } },
    ]);
    expect(prepared.task.steps.map((step) => cmdOf(step).volumeMounts.map((mount) => mount.name))).toEqual([['mysecrets1'], ['mysecrets1', 'mysecrets2']]);
  });

  it('mounts/mounts_secrets: the non-secret value renders dGhpcyBpcyBhIG5vbiBlbmNvZGVkIHN0cmluZw==', async () => {
    const prepared = await prepare('templating/mounts/mounts-secrets.yaml', { secrets: { sampleSecret: 'value from key vault' } });
    expect(prepared.task.volumes).toEqual([
      { name: 'mysecrets', secret: { mysecret1: 'dmFsdWUgZnJvbSBrZXkgdmF1bHQ=', mysecret2: 'dGhpcyBpcyBhIG5vbiBlbmNvZGVkIHN0cmluZw==' } },
    ]);
  });
});

describe('§7.2 step validation matrix (step_test.go)', () => {
  it.each([
    ['steps/empty-step.yaml', ['step-without-kind 2:5']],
    ['steps/id-with-space.yaml', ['invalid-step-id 2:9']],
    ['steps/self-when.yaml', ['when-self 4:12']],
    ['steps/dash-and-id.yaml', ['when-start-mixed 6:11']],
    ['steps/cmd-and-push.yaml', ['step-with-several-kinds 3:11']],
    ['steps/cmd-and-build.yaml', ['step-with-several-kinds 3:12']],
    ['steps/build-and-push.yaml', ['step-with-several-kinds 3:11']],
    ['steps/repeat-negative.yaml', ['invalid-value 3:13']],
    ['steps/retries-negative.yaml', ['invalid-value 3:14']],
    ['steps/mounts-on-push.yaml', ['mounts-on-push-step 7:5']],
    ['steps/duplicate-mount-path.yaml', ['duplicate-mount-path 14:20']],
    ['steps/same-volume-two-paths.yaml', []],
  ])('%s', async (file, expected) => {
    expect(await errorsOf(file)).toEqual(expected);
  });
});

describe('§7.2 task secrets (task_test.go)', () => {
  it('accepts a Key Vault secret and a managed-identity secret', async () => {
    const prepared = await prepare('secrets/valid-pair.yaml');
    expect(prepared.task.secrets.map(({ location: _location, ...secret }) => secret)).toEqual([
      { id: 'mysecret', keyvault: 'https://myvault.vault.azure.net/secrets/mysecret' },
      { id: 'myregistry.azurecr.io', clientID: 'c72a4b6e-3c8f-4d5e-9b1a-2f3e4d5c6b7a' },
    ]);
  });

  it.each([
    ['secrets/missing-keyvault.yaml', ['secret-without-source 2:5']],
    ['secrets/duplicate-id.yaml', ['duplicate-secret-id 4:9']],
    ['secrets/empty-secrets.yaml', []],
    ['secrets/empty-doc.yaml', []],
    ['secrets/step-named-secrets.yaml', []],
  ])('%s', async (file, expected) => {
    expect(await errorsOf(file)).toEqual(expected);
  });

  it('a step named `secrets` declares no secrets', async () => {
    const prepared = await prepare('secrets/step-named-secrets.yaml');
    expect([prepared.task.secrets, prepared.task.steps.map((step) => step.id)]).toEqual([[], ['secrets']]);
  });
});

describe('§7.2 versions (task_test.go) and alias activation (§1.8)', () => {
  it.each([
    ['versions/v1.0.0-alpha.yaml', ['invalid-version 1:10']],
    ['versions/foo.yaml', ['invalid-version 1:10']],
  ])('%s is rejected', async (file, expected) => {
    expect(await errorsOf(file)).toEqual(expected);
  });

  it('an empty version takes the default v1.0.0 before validation, as acb exec does', async () => {
    expect((await prepare('versions/empty-string.yaml')).task.version).toBe('v1.0.0');
  });

  it('versions match case-insensitively', async () => {
    expect((await prepare('versions/preview.yaml')).task.version).toBe('1.0-preview-1');
  });

  it('V1.1.0 is valid but does not enable aliases (string comparison)', async () => {
    const prepared = await prepare('versions/upper-case.yaml');
    expect([prepared.task.version, cmdOf(prepared.task.steps[0]).cmd]).toEqual(['v1.1.0', 'bash echo $ID']);
  });

  it('a templated version enables aliases', async () => {
    const prepared = await prepare('versions/templated.yaml', { set: ['v=v1.1.0'] });
    expect([prepared.task.version, cmdOf(prepared.task.steps[0]).cmd]).toEqual(['v1.1.0', 'mcr.microsoft.com/acr/bash:2ff604c echo r1']);
  });
});
