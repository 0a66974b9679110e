import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { InputError } from '../../src/diagnostics.js';
import { prepareTask } from '../../src/task/prepare.js';

const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-value-structure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codesFor(lines: readonly string[], input: { set?: string[]; secrets?: Record<string, string> }): Promise<string[]> {
  const file = path.join(dir, 'acr-task.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const prepared = await prepareTask({ file, runId: 'r1', ...input });
    return prepared.diagnostics.map((d) => d.code);
  } catch (caught) {
    if (!(caught instanceof InputError)) throw caught;
    return caught.diagnostics.map((d) => `${d.code}@${d.location?.line}`);
  }
}

describe('values with line breaks', () => {
  it('refuse a --set value that adds a step where it is rendered, by name', async () => {
    const codes = await codesFor(['steps:', '  - cmd: busybox echo {{.Values.msg}}'], { set: ['msg=hi\n  - cmd: busybox rm -rf /workspace'] });
    expect(codes).toEqual(['value-changes-structure@2']);
  });

  it('refuse a secret that adds a key, naming the secret, never its value', async () => {
    const file = ['steps:', '  - cmd: busybox echo {{.Secrets.token}}'];
    const codes = await codesFor(file, { secrets: { token: 'x\n    privileged: true' } });
    expect(codes).toEqual(['value-changes-structure@2']);
  });

  it('keep a line break that stays text: in a block scalar with the value indented, or quoted by a template', async () => {
    expect(await codesFor(['steps:', '  - cmd: |', '      busybox echo "{{.Values.msg | indent 6 | trim}}"'], { set: ['msg=a\nb'] })).toEqual([]);
    expect(await codesFor(['steps:', '  - cmd: busybox echo {{ .Values.msg | quote }}'], { set: ['msg=a\nb'] })).toEqual([]);
  });
});
