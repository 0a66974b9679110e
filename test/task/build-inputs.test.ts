import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { checkBuildInputs } from '../../src/task/build-inputs.js';
import { parse, yaml } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-build-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'app'));
writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM scratch\n');
writeFileSync(path.join(dir, 'dockerfile.arm64'), 'FROM scratch\n');

async function findings(...lines: string[]) {
  const task = parse(yaml('steps:', ...lines)).task!;
  return (await checkBuildInputs(task, dir)).map((d) => [d.code, d.location?.line, d.message]);
}

describe('build inputs that do not exist', () => {
  it('finds a missing context folder and a missing Dockerfile, -f relative to the context', async () => {
    expect(await findings('  - build: -t a app', '  - build: -t b -f dockerfile.arm64 .', '  - build: -t c -f dockerfile.amd64 .', '  - build: -t d nope', '  - build: -t e .')).toEqual([
      ['build-file-missing', 4, `step \`acb_step_2\` builds with \`-f dockerfile.amd64\`, but ${path.join(dir, 'dockerfile.amd64')} does not exist`],
      ['build-context-missing', 5, `step \`acb_step_3\` builds from \`nope\`, but ${path.join(dir, 'nope')} is no folder`],
      ['build-file-missing', 6, `step \`acb_step_4\` builds with its Dockerfile, but ${path.join(dir, 'Dockerfile')} does not exist`],
    ]);
  });

  it('trusts builds after a cmd step (it may write their files) and remote contexts', async () => {
    expect(await findings('  - build: -t a https://github.com/org/repo.git', '  - cmd: busybox true', '  - build: -t c -f generated.Dockerfile .')).toEqual([]);
  });
});
