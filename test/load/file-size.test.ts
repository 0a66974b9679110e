import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { MAX_TASK_FILE_BYTES } from '../../src/load/file-size.js';
import { readTaskFile } from '../../src/load/read-task-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskrun-size-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('task file size limit', () => {
  it('refuses a file over the limit before reading it, at FILE:1:1', async () => {
    const file = join(dir, 'big.yaml');
    await writeFile(file, `steps:\n  - cmd: echo ${'a'.repeat(MAX_TASK_FILE_BYTES)}\n`);
    const caught = await readTaskFile(file).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(InputError);
    const [diagnostic] = (caught as InputError).diagnostics;
    expect(diagnostic?.code).toBe('task-limit');
    expect(diagnostic?.location).toEqual({ file, line: 1, col: 1 });
    expect(diagnostic?.message).toMatch(/^the task file is 1,048,5\d\d bytes, over taskrun's limit of 1,048,576 bytes \(1 MiB\)$/);
  });

  it('reads a file at the limit', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, `# ${'a'.repeat(MAX_TASK_FILE_BYTES - 3)}\n`);
    expect((await readTaskFile(file)).text).toHaveLength(MAX_TASK_FILE_BYTES);
  });
});
