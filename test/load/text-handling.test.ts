// ACR's text handling through the whole front end (load → template → parse): the bytes of the
// file reach the rendered text as acb keeps them, and validation still reads the steps.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGoBytes } from '../../src/load/go-bytes.js';
import { prepareTask, renderTask } from '../../src/task/prepare.js';
import type { CmdStep } from '../../src/task/types.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskrun-text-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function taskFile(name: string, content: string | Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

const base = { runId: 'r1', runVarFlags: { commit: 'c', branch: 'b' }, env: {} } as const;

describe('text handling as ACR', () => {
  it('keeps a byte-order mark: `\\uFEFF# x` stays, and the steps still parse', async () => {
    const file = await taskFile('bom.yaml', '\uFEFF# x\nsteps:\n- cmd: {{ "busybox" }} echo hi\n');
    const rendered = await renderTask({ ...base, file });
    expect(rendered.rendered?.text).toBe('\uFEFF# x\nsteps:\n- cmd: busybox echo hi\n');
    const prepared = await prepareTask({ ...base, file });
    expect((prepared.task.steps[0] as CmdStep).cmd).toBe('busybox echo hi');
  });

  it('keeps CRLF in the rendered text; the parsed command has no CR', async () => {
    const file = await taskFile('crlf.yaml', 'steps:\r\n# c\r\n- cmd: busybox echo {{ "x" }}\r\n');
    const rendered = await renderTask({ ...base, file });
    expect(rendered.rendered?.text).toBe('steps:\r\n- cmd: busybox echo x\r\n');
    const prepared = await prepareTask({ ...base, file });
    expect((prepared.task.steps[0] as CmdStep).cmd).toBe('busybox echo x');
  });

  it('renders an invalid UTF-8 byte as that byte', async () => {
    const file = await taskFile('latin1.yaml', Buffer.from('a: \xe9 {{ "x" }}\n', 'latin1'));
    const rendered = await renderTask({ ...base, file });
    expect(encodeGoBytes(rendered.rendered?.text ?? '')).toEqual(Buffer.from('a: \xe9 x\n', 'latin1'));
  });

  it('drops CR in v1.1.0 files, as acb splits them into lines for the alias pass', async () => {
    const file = await taskFile('v11.yaml', 'version: v1.1.0\r\nalias:\r\n  values:\r\n    k: K\r\nsteps:\r\n- cmd: busybox $k\r\n');
    const rendered = await renderTask({ ...base, file });
    expect(rendered.rendered?.text).toBe('version: v1.1.0\nsteps:\n- cmd: busybox K\n');
  });

  it('warns at the values that ACR cannot turn into JSON, and renders them', async () => {
    const file = await taskFile('inf.yaml', 'a: {{ .Values.x }}\n');
    const values = await taskFile('inf.values.yaml', 'x: .inf\n');
    const rendered = await renderTask({ ...base, file, valuesFiles: [values] });
    expect(rendered.rendered?.text).toBe('a: +Inf\n');
    expect(rendered.diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([['acr-values-not-json', 1, 4]]);
  });
});

describe('invalid UTF-8 where ACR parses YAML', () => {
  it('is an error in validate and run (ACR: yaml: invalid leading UTF-8 octet), at the byte', async () => {
    const file = await taskFile('bad-byte.yaml', Buffer.from('steps:\n- cmd: busybox echo a\xffb\n', 'latin1'));
    const failure = await prepareTask({ ...base, file }).then(
      () => undefined,
      (caught: unknown) => caught as { diagnostics: { code: string; location?: { line: number; col: number } }[] },
    );
    expect(failure?.diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([['invalid-utf8', 2, 22]]);
  });

  it('is an error in a values file and in an alias src file', async () => {
    const file = await taskFile('uses-values.yaml', 'version: v1.1.0\nalias:\n  src:\n  - bad-src.yaml\nsteps:\n- cmd: busybox echo $a {{ .Values.a }}\n');
    const values = await taskFile('bad.values.yaml', Buffer.from('a: x\xffy\n', 'latin1'));
    await taskFile('bad-src.yaml', Buffer.from('a: \xff\n', 'latin1'));
    const withValues = await renderTask({ ...base, file, valuesFiles: [values] });
    expect(withValues.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line, d.location?.col])).toEqual([['values-invalid-utf8', values, 1, 5]]);
    const withSrc = await renderTask({ ...base, file });
    expect(withSrc.diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([['alias-decode', 1, 4]]);
    expect(withSrc.rendered).toBeUndefined();
  });
});
