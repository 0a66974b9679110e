import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { fromOriginal } from '../../src/source-text.js';
import { isValidImageReference } from '../../src/task/image-reference.js';
import { waitedForSteps } from '../../src/task/image-use.js';
import { parseTask } from '../../src/task/parse-task.js';
import { parse, toRow, yaml } from './helpers.js';

const IMAGE_FLOW_CODES = ['manifest-unknown-list', 'manifest-duplicate-platform', 'image-race', 'invalid-image-reference'];

function findings(text: string) {
  return parse(text)
    .diagnostics.map(toRow)
    .filter((row) => IMAGE_FLOW_CODES.includes(row.code))
    .map((row) => [row.at, row.code, row.message]);
}

describe('image-flow lint', () => {
  it('sees the images of every command of a cmd list', () => {
    const pushFindings = (text: string) => parse(text).diagnostics.filter((d) => d.code === 'push-unknown-image').map((d) => d.message);
    expect(pushFindings(yaml('steps:', '  - cmd: docker build -t r.io/a:1 . && docker push r.io/a:1'))).toEqual([]);
    expect(pushFindings(yaml('steps:', '  - cmd: busybox true && docker push r.io/b:1 || true'))).toEqual([
      'step `acb_step_0` pushes `r.io/b:1`, which no earlier step builds, tags or pulls',
    ]);
    expect(findings(yaml('steps:', '  - cmd: busybox true; docker manifest push r.io/list:1'))).toEqual([
      ['t.yaml:2:10', 'manifest-unknown-list', 'step `acb_step_0` uses the manifest list `r.io/list:1`, which no earlier step creates'],
    ]);
  });

  it('finds a manifest list pushed under another name than it was created, with a did-you-mean', () => {
    const text = yaml(
      'steps:',
      '  - build: --platform linux/amd64 -t r.io/a:1-amd64 .',
      '  - push: [r.io/a:1-amd64]',
      '  - cmd: docker manifest create r.io/multi-arch:1 r.io/a:1-amd64',
      '  - cmd: docker manifest push r.io/multi-arch:latest',
      '  - cmd: docker manifest inspect r.io/multi-arch:lates',
      '  - cmd: docker manifest inspect localhost:5000/busybox:latest',
    );
    expect(findings(text)).toEqual([
      ['t.yaml:5:10', 'manifest-unknown-list', 'step `acb_step_3` uses the manifest list `r.io/multi-arch:latest`, which no earlier step creates'],
      ['t.yaml:6:10', 'manifest-unknown-list', 'step `acb_step_4` inspects the manifest list `r.io/multi-arch:lates`, which no earlier step creates'],
    ]);
    expect(parse(text).diagnostics[0]?.hint).toBe('did you mean `r.io/multi-arch:1` (created by step `acb_step_2`, line 4)?');
  });

  it('finds two entries of one platform, also when neither build names its platform', () => {
    const text = yaml(
      'steps:',
      '  - build: -t r.io/a:amd64 .',
      '  - build: -t r.io/a:arm32 -f Dockerfile.arm32 .',
      '  - build: --platform linux/arm64 -t r.io/a:arm64 .',
      '  - build: --platform=linux/arm64 -t r.io/a:arm64-2 .',
      '  - push: [r.io/a:amd64, r.io/a:arm32, r.io/a:arm64, r.io/a:arm64-2]',
      '  - cmd: docker manifest create r.io/a:latest r.io/a:amd64 r.io/a:arm32 r.io/a:arm64 r.io/a:arm64-2',
    );
    expect(findings(text).map(([at, code, message]) => [at, code, message?.slice(0, 120)])).toEqual([
      ['t.yaml:7:10', 'manifest-duplicate-platform', '`docker manifest create` in step `acb_step_5` lists `r.io/a:amd64` and `r.io/a:arm32`, all built with no `--platform`: a'],
      ['t.yaml:7:10', 'manifest-duplicate-platform', '`docker manifest create` in step `acb_step_5` lists `r.io/a:arm64` and `r.io/a:arm64-2`, all built for linux/arm64: the '],
    ]);
  });

  it('finds a step that uses an image of a step it does not wait for', () => {
    const text = yaml(
      'steps:',
      '  - id: build',
      '    build: -t r.io/app:1 .',
      '  - id: test',
      '    cmd: r.io/app:1 run-tests',
      '    when: ["-"]',
      '  - id: push',
      '    push: [r.io/app:1]',
      '    when: [build]',
      '  - id: smoke',
      '    cmd: docker run --rm -e X=1 r.io/app:1 smoke',
      '    when: [push]',
      '  - id: list',
      '    cmd: docker manifest create r.io/app:latest r.io/app:1',
      '    when: [build]',
    );
    expect(findings(text)).toEqual([
      ['t.yaml:5:10', 'image-race', 'step `test` uses `r.io/app:1`, which step `build` builds, but does not wait for it: the two run in parallel'],
      ['t.yaml:14:10', 'image-race', 'step `list` uses `r.io/app:1`, which step `push` pushes, but does not wait for it: the two run in parallel'],
    ]);
  });

  it('finds references a value rendered empty, and names the values of the line as written', () => {
    const source = fromOriginal('t.yaml', yaml('steps:', '  - build: -t {{.Values.registry}}/hello:{{.Run.ID}} .', '  - build: -t :v1 .', '  - push: ["r.io/App:1"]'));
    const rendered = { ...source, text: yaml('steps:', '  - build: -t /hello:abc .', '  - build: -t :v1 .', '  - push: ["r.io/App:1"]') };
    const diagnostics = parseTask({ source: rendered }).diagnostics.filter((d) => d.code === 'invalid-image-reference');
    expect(diagnostics.map((d) => [d.severity, `${d.location?.line}:${d.location?.col}`, d.message, d.hint])).toEqual([
      ['error', '2:12', 'step `acb_step_0` names `/hello:abc`, which is not a valid image reference: its registry is empty', 'line 2 builds it from `{{.Values.registry}}`, `{{.Run.ID}}`: check that each has a value (--set, --values, a run variable)'],
      ['error', '3:12', 'step `acb_step_1` names `:v1`, which is not a valid image reference: its repository is empty', 'write it as `[registry/]repository[:tag]`, in lowercase'],
      ['error', '4:12', 'step `acb_step_2` names `r.io/App:1`, which is not a valid image reference: repository names are lowercase', 'write it as `[registry/]repository[:tag]`, in lowercase'],
    ]);
  });

  it('checks references with Docker\'s grammar', () => {
    expect(['busybox', 'localhost:5000/a/b_c.d-e:v1.0', '127.0.0.1:5000/x@sha256:' + 'a'.repeat(64), 'mcr.microsoft.com/acr/bash:sha-1'].map(isValidImageReference)).toEqual([true, true, true, true]);
    expect(['/a', ':1', 'a//b', 'A', 'a:', 'a:b:c', 'a-/b', '-a'].map(isValidImageReference)).toEqual(Array(8).fill(false));
  });

  it('follows `when` through every ancestor', () => {
    const steps = parse(yaml('steps:', '  - id: a', '    cmd: x', '  - id: b', '    cmd: x', '    when: ["-"]', '  - id: c', '    cmd: x', '    when: [a, b]', '  - id: d', '    cmd: x')).task?.steps ?? [];
    expect(waitedForSteps(steps).map((set) => [...set].sort())).toEqual([[], [], [0, 1], [0, 1, 2]]);
  });
});

// Task files with the bugs found in real ones, and their fixed twins (test/fixtures/real-file-bugs).
describe('the real-file bugs', () => {
  const dir = new URL('../fixtures/real-file-bugs/', import.meta.url);
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
  it.each(files.filter((name) => !name.endsWith('.fixed.yaml')))('%s is caught, its fixed twin is clean', (name) => {
    const text = readFileSync(new URL(name, dir), 'utf8');
    const expected = /^# expect: (\S+)/m.exec(text)?.[1];
    expect(parse(text).diagnostics.map((d) => d.code)).toContain(expected);
    const fixed = readFileSync(new URL(name.replace(/\.yaml$/, '.fixed.yaml'), dir), 'utf8');
    expect(parse(fixed).diagnostics.map(toRow)).toEqual([]);
  });
});

describe('hints in the file\'s own words', () => {
  it('show a suggested image as the task file writes it, with its template actions', async () => {
    const { fromOriginal } = await import('../../src/source-text.js');
    const { parseTask } = await import('../../src/task/parse-task.js');
    const written = yaml('steps:', '  - build: -t {{.Run.Registry}}/app:{{.Run.ID}} .', '  - push: ["{{.Run.Registry}}/ap:{{.Run.ID}}"]');
    const source = { ...fromOriginal('t.yaml', written), text: yaml('steps:', '  - build: -t localhost:5000/app:tr1 .', '  - push: ["localhost:5000/ap:tr1"]') };
    const [finding] = parseTask({ source }).diagnostics.filter((d) => d.code === 'push-unknown-image');
    expect(finding?.hint).toBe('did you mean `{{.Run.Registry}}/app:{{.Run.ID}}` (from step `acb_step_0`, line 2)?');
  });
});
