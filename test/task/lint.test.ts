import { describe, it, expect } from 'vitest';
import { isDockerCliImage } from '../../src/task/image-use.js';
import { architecturesIn } from '../../src/task/lint.js';
import { rows, yaml } from './helpers.js';

const w = (at: string, code: string, message: string, hint: string) => ({ at: `t.yaml:${at}`, severity: 'warning', code, message, hint });

// The multi-architecture example of the ACR docs, with its two mistakes.
const ARTICLE = yaml(
  'version: v1.1.0',
  'steps:',
  '  - build: -t {{.Run.Registry}}/myimage:{{.Run.ID}}-amd64 -f dockerfile.arm64 .',
  '  - build: -t {{.Run.Registry}}/myyimage:{{.Run.ID}}-arm64 -f dockerfile.arm64 .',
  '  - push:',
  '    - {{.Run.Registry}}/myimage:{{.Run.ID}}-amd64',
  '    - {{.Run.Registry}}/myimage:{{.Run.ID}}-arm64',
  '  - cmd: >-',
  '      docker manifest create {{.Run.Registry}}/myimage:{{.Run.ID}}',
  '      {{.Run.Registry}}/myimage:{{.Run.ID}}-arm64',
  '      {{.Run.Registry}}/myimage:{{.Run.ID}}-amd64',
  '  - cmd: docker manifest push --purge {{.Run.Registry}}/myimage:{{.Run.ID}}',
).replace(/\{\{\.Run\.Registry\}\}/g, 'reg.io').replace(/\{\{\.Run\.ID\}\}/g, 'cf1');

describe('lint', () => {
  it('says that `cache: enabled` has no effect, and stays quiet about `cache: disabled`', () => {
    const text = yaml('steps:', '  - id: img', '    build: -t reg.io/a:1 .', '    cache: Enabled', '  - build: -t reg.io/b:1 .', '    cache: disabled');
    expect(rows(text)).toEqual([
      w(
        '4:12',
        'cache-ignored',
        "`cache: enabled` has no effect in taskrun: ACR builds step `img` with buildx and a registry cache, taskrun with the engine's own builder and its local layer cache",
        'remove `cache: enabled` to silence this, or add `--cache-from`/`--cache-to` to the build line yourself',
      ),
    ]);
  });

  it('catches the ACR article\'s tag typo and Dockerfile mix-up', () => {
    expect(rows(ARTICLE)).toEqual([
      w(
        '3:12',
        'build-arch-mismatch',
        'step `acb_step_0` tags `reg.io/myimage:cf1-amd64` (amd64) but builds it from `dockerfile.arm64` (arm64)',
        "use the Dockerfile of the tag's architecture, or fix the tag",
      ),
      w(
        '7:7',
        'push-unknown-image',
        'step `acb_step_2` pushes `reg.io/myimage:cf1-arm64`, which no earlier step builds, tags or pulls',
        'did you mean `reg.io/myyimage:cf1-arm64` (from step `acb_step_1`, line 4)?',
      ),
    ]);
  });

  it('flags manifest lists of images no earlier step pushes', () => {
    expect(
      rows(
        yaml(
          'steps:',
          '  - build: -t reg.io/app:amd64 .',
          '  - cmd: docker push reg.io/app:amd64',
          '  - cmd: docker manifest create reg.io/app:1 reg.io/app:amd64 reg.io/app:arm64',
        ),
      ),
    ).toEqual([
      w(
        '4:10',
        'manifest-unpushed-image',
        '`docker manifest create` in step `acb_step_2` lists `reg.io/app:arm64`, which no earlier step pushes',
        'did you mean `reg.io/app:amd64`?',
      ),
    ]);
  });

  it('knows images made by docker build/tag/pull in cmd steps and pushed by buildx --push', () => {
    expect(
      rows(
        yaml(
          'steps:',
          '  - cmd: docker build -t a:1 .',
          '  - cmd: docker tag a:1 b',
          '  - cmd: docker image pull c:2',
          '  - push: [a:1, b, "b:latest", c:2]',
          '  - cmd: docker buildx build --push -t d:1 .',
          '  - cmd: docker manifest create m:1 a:1 d:1',
          '  - cmd: docker push other/thing:9',
        ),
      ).filter((row) => row.code === 'push-unknown-image'),
    ).toEqual([
      w(
        '8:10',
        'push-unknown-image',
        'step `acb_step_6` pushes `other/thing:9`, which no earlier step builds, tags or pulls',
        'build or tag it in an earlier step, or pull it first (`cmd: docker pull …`)',
      ),
    ]);
  });

  it('flags host-shell syntax outside single quotes', () => {
    expect(rows(yaml('steps:', '  - cmd: bash echo $HOME > out.txt && cat `ls`', "  - cmd: alpine sh -c 'echo $HOME > out.txt'", '  - build: -t app:${TAG} .'))).toEqual([
      w(
        '2:10',
        'host-shell',
        '`cmd` uses host-shell syntax (`$HOME`, `>`, backticks): ACR hands the line to `/bin/sh -c` on the agent, taskrun never uses a shell and passes the words literally',
        "to run it in the container's shell, write `bash sh -c 'echo $HOME > out.txt'`",
      ),
      w(
        '4:12',
        'host-shell',
        '`build` uses host-shell syntax (`${TAG}`): ACR hands the line to `/bin/sh -c` on the agent, taskrun never uses a shell and passes the words literally',
        'write values with templates such as `{{.Run.ID}}` instead of shell syntax',
      ),
    ]);
  });

  it('flags redirections inside words, `~`, globs and `#` comments, with a hint that fits the command', () => {
    expect(
      rows(
        yaml(
          'steps:',
          '  - build: -t x:$(date) .',
          '  - cmd: busybox echo a&&b x>y 2>&1',
          '  - cmd: "alpine ls ~/src *.txt [ab].c # list"',
          "  - cmd: alpine echo a#b '~' \"*\" \\?",
        ),
      ),
    ).toEqual([
      w(
        '2:12',
        'host-shell',
        '`build` uses host-shell syntax (`$(…)`): ACR hands the line to `/bin/sh -c` on the agent, taskrun never uses a shell and passes the words literally',
        'write values with templates such as `{{.Run.ID}}` instead of shell syntax',
      ),
      w(
        '3:10',
        'host-shell',
        '`cmd` uses host-shell syntax (`>`, `>&`): ACR hands the line to `/bin/sh -c` on the agent, taskrun never uses a shell and passes the words literally',
        "to run it in the container's shell, write `b sh -c 'x>y 2>&1'`",
      ),
      w(
        '4:10',
        'host-shell',
        '`cmd` uses host-shell syntax (`~`, `*`, `[…]`, a `#` comment): ACR hands the line to `/bin/sh -c` on the agent, taskrun never uses a shell and passes the words literally',
        "to run it in the container's shell, write `alpine sh -c 'ls ~/src *.txt [ab].c # list'`",
      ),
    ]);
  });

  it('flags host-shell syntax in env, workingDirectory, entryPoint and user, at each value', () => {
    const valueWarning = (at: string, what: string, features: string) =>
      w(
        at,
        'host-shell',
        `${what} uses host-shell syntax (${features}): ACR writes it unquoted into the \`/bin/sh -c\` line on the agent, taskrun never uses a shell and passes it literally`,
        'write the value without blanks, quotes or shell syntax; use templates such as `{{.Run.ID}}` for run values',
      );
    expect(
      rows(
        yaml(
          'env: ["A=hello world", B=ok]',
          'workingDirectory: ~/src',
          'steps:',
          '  - cmd: alpine env',
          '    env:',
          '      - C=$HOME',
          '      - D="x"',
          '    workingDirectory: $PWD/sub',
          '    entryPoint: /bin/sh -c',
          '    user: ${UID}',
          '  - build: .',
          '    workingDirectory: /x y',
          '    disableWorkingDirectoryOverride: true',
          '    user: "1000:1000"',
        ),
      ),
    ).toEqual([
      valueWarning('1:7', '`env` item `A=hello world`', 'a blank'),
      valueWarning('2:19', '`workingDirectory` `~/src`', '`~`'),
      valueWarning('6:9', '`env` item `C=$HOME`', '`$HOME`'),
      valueWarning('7:9', '`env` item `D="x"`', 'quotes or backslashes'),
      valueWarning('8:23', '`workingDirectory` `$PWD/sub`', '`$PWD`'),
      valueWarning('9:17', '`entryPoint` `/bin/sh -c`', 'a blank'),
      valueWarning('10:11', '`user` `${UID}`', '`${UID}`'),
    ]);
  });

  it('does not look at env of a task whose steps are all push steps', () => {
    expect(rows(yaml('env: ["A=$X"]', 'steps:', '  - push: [docker.io/library/img1]'))).toEqual([
      w(
        '3:12',
        'push-unknown-image',
        'step `acb_step_0` pushes `docker.io/library/img1:latest`, which no earlier step builds, tags or pulls',
        'build or tag it in an earlier step, or pull it first (`cmd: docker pull …`)',
      ),
    ]);
  });

  it('compares images by canonical reference: `img1` is `docker.io/library/img1:latest`', () => {
    expect(
      rows(
        yaml(
          'steps:',
          '  - build: -t img1 -t user/app:2 .',
          '  - push: [docker.io/library/img1, "docker.io/library/img1:latest", index.docker.io/user/app:2]',
          '  - cmd: docker push docker.io/user/app:2',
          '  - cmd: docker manifest create m:1 img1:latest docker.io/user/app:2',
          '  - push: [docker.io/library/img2]',
        ),
      ).filter((row) => row.code === 'push-unknown-image'),
    ).toEqual([
      w(
        '6:12',
        'push-unknown-image',
        'step `acb_step_4` pushes `docker.io/library/img2:latest`, which no earlier step builds, tags or pulls',
        'did you mean `img1:latest` (from step `acb_step_0`, line 2)?',
      ),
    ]);
  });

  it('recognises architectures as whole tokens', () => {
    expect(architecturesIn('reg/app:1.0-x86_64')).toEqual(['amd64']);
    expect(architecturesIn('Dockerfile.aarch64')).toEqual(['arm64']);
    expect(architecturesIn('dockerfile-armhf')).toEqual(['arm']);
    expect(architecturesIn('app/i386:ppc64le')).toEqual(['386', 'ppc64le']);
    expect(architecturesIn('charm64:v1')).toEqual([]);
    expect(architecturesIn('armada:latest')).toEqual([]);
  });

  it('recognises the docker CLI image', () => {
    expect(['docker', 'docker:27-cli', 'mcr.microsoft.com/acr/docker@sha256:ab', 'azure/images/docker'].map(isDockerCliImage)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['dockerd', 'alpine', 'docker/compose'].map(isDockerCliImage)).toEqual([false, false, false]);
  });
});
