import { describe, it, expect } from 'vitest';
import { deriveText, fromOriginal } from '../../src/source-text.js';
import { parseYaml } from '../../src/task/parse-yaml.js';
import { fieldTypeAt } from '../../src/task/schema.js';
import { toRow, yaml } from './helpers.js';
import type { Row } from './helpers.js';

const typeAt = (path: readonly (string | number)[]) => fieldTypeAt('v1.1.0', path);

function syntaxErrors(text: string): Row[] {
  return parseYaml({ source: fromOriginal('t.yaml', text), typeAt })
    .diagnostics.filter((d) => d.code === 'yaml-syntax')
    .map(toRow);
}

function brief(text: string): string[] {
  return syntaxErrors(text).map((row) => `${row.at} ${row.message}`);
}

function syntaxError(at: string, message: string, hint: string): Row {
  return { at, severity: 'error', code: 'yaml-syntax', message, hint };
}

describe('an unclosed quote', () => {
  it('is reported at its opening `"`, not at the end of the file', () => {
    expect(syntaxErrors(yaml('steps:', '  - id: a', '    cmd: "alpine echo a', '  - id: b', '    cmd: alpine echo b'))).toEqual([
      syntaxError('t.yaml:3:10', 'missing closing "quote', 'add the closing " where the value ends, e.g. `cmd: "alpine echo a"`'),
    ]);
  });

  it("is reported at its opening `'`", () => {
    expect(syntaxErrors(yaml('steps:', "  - cmd: 'alpine echo a", '    id: a'))).toEqual([
      syntaxError('t.yaml:2:10', "missing closing 'quote", "add the closing ' where the value ends, e.g. `cmd: 'alpine echo a'`"),
    ]);
  });

  it('gives no example when the quote ends its line', () => {
    expect(syntaxErrors(yaml('steps:', '  - cmd: "', '    id: a'))).toEqual([
      syntaxError('t.yaml:2:10', 'missing closing "quote', 'add the closing " where the value ends'),
    ]);
  });
});

describe('an unclosed flow collection', () => {
  it('is reported at its `[`, not past the end of the file', () => {
    const text = yaml('version: v1.1.0', 'steps:', '  - id: a', '    cmd: alpine echo a', '  - id: b', '    cmd: alpine echo b', '    when: [a');
    expect(syntaxErrors(text)).toEqual([
      syntaxError(
        't.yaml:7:11',
        'flow sequence in block collection must be sufficiently indented and end with a ]',
        'close the list with `]` on the same line, e.g. `when: [a]`, or write one `- item` per line below `when:`',
      ),
    ]);
  });

  it('is reported at its `{`, without the misread lines after it', () => {
    const text = yaml('steps:', '  - cmd: alpine echo a', '    env: {A: b', '  - id: b', '    cmd: alpine echo b', '    when: a');
    expect(syntaxErrors(text)).toEqual([
      syntaxError(
        't.yaml:3:10',
        'flow map in block collection must be sufficiently indented and end with a }',
        'close the mapping with `}` on the same line, e.g. `env: {A: b}`, or write one `key: value` per line below `env:`',
      ),
    ]);
  });

  it('is reported at its `[` at the top level', () => {
    expect(brief(yaml('[a, b'))).toEqual(['t.yaml:1:1 flow sequence must end with a ]']);
  });
});

describe('a key at the wrong indentation', () => {
  it('names the key and both indentations when it is indented less than the keys of its step', () => {
    expect(syntaxErrors(yaml('steps:', '  - id: a', '    cmd: alpine echo a', '   timeout: 30'))).toEqual([
      syntaxError(
        't.yaml:4:4',
        '`timeout` is indented by 3 spaces, but the keys of this step are indented by 4',
        'line `timeout` up with the other keys of this step: indent it by 4 spaces',
      ),
    ]);
  });

  it('names the key when it is indented more than the keys of its step', () => {
    expect(brief(yaml('steps:', '  - id: a', '    cmd: alpine echo a', '     timeout: 30'))).toEqual([
      't.yaml:4:6 `timeout` is indented by 5 spaces, but the keys of this step are indented by 4',
    ]);
  });

  it('names the mapping by its key inside a nested mapping, one space too far either way', () => {
    const above = ['steps:', '  - cmd: alpine echo a', 'volumes:', '  - name: certs', '    secret:', '      ca.crt: Y2E='];
    expect(syntaxErrors(yaml(...above, '       tls.crt: dGxz'))).toEqual([
      syntaxError(
        't.yaml:7:8',
        '`tls.crt` is indented by 7 spaces, but the keys of `secret` are indented by 6',
        'line `tls.crt` up with the other keys of `secret`: indent it by 6 spaces',
      ),
    ]);
    expect(brief(yaml(...above, '     tls.crt: dGxz'))).toEqual([
      't.yaml:7:6 `tls.crt` is indented by 5 spaces, but the keys of `secret` are indented by 6',
    ]);
  });

  it('names the keys of a secret and of a volume', () => {
    expect(brief(yaml('secrets:', '  - id: token', '     keyvault: https://v.vault.azure.net/secrets/t', 'steps:', '  - cmd: x'))).toEqual([
      't.yaml:3:6 `keyvault` is indented by 5 spaces, but the keys of this secret are indented by 4',
    ]);
    expect(brief(yaml('steps:', '  - cmd: x', 'volumes:', '  - name: v', '   secret:', '      a: Yg=='))).toEqual([
      't.yaml:5:4 `secret` is indented by 3 spaces, but the keys of this volume are indented by 4',
    ]);
  });

  it('says the top-level keys are not indented', () => {
    expect(syntaxErrors(yaml('version: v1.1.0', ' steps:', '  - cmd: x'))).toEqual([
      syntaxError(
        't.yaml:2:2',
        '`steps` is indented by 1 space, but the top-level keys are not indented',
        'line `steps` up with the other top-level keys: do not indent it',
      ),
    ]);
  });
});

describe('a key without its `:`', () => {
  it('is named at the key, with the fix', () => {
    expect(syntaxErrors(yaml('version: v1.1.0', 'steps', '  - cmd: alpine echo a'))).toEqual([
      syntaxError('t.yaml:2:1', '`steps` is not followed by `:`', 'write `steps:`'),
    ]);
  });

  it('is reported once in a longer file, without the misread lines under it', () => {
    const text = yaml('version: v1.1.0', 'env:', '  - A=b', 'steps', '  - cmd: alpine echo a', '  - cmd: alpine echo b', 'secrets:', '  - id: x');
    expect(brief(text)).toEqual(['t.yaml:4:1 `steps` is not followed by `:`']);
    expect(brief(yaml('version: v1.1.0', 'steps', '- cmd: alpine echo a', '- cmd: alpine echo b'))).toEqual([
      't.yaml:2:1 `steps` is not followed by `:`',
    ]);
  });

  it('is reported for each key that lacks it', () => {
    expect(brief(yaml('version: v1.1.0', 'steps', '  - cmd: a', 'secrets', '  - id: x'))).toEqual([
      't.yaml:2:1 `steps` is not followed by `:`',
      't.yaml:4:1 `secrets` is not followed by `:`',
    ]);
  });

  it('is found inside a step, with or without lines under the key', () => {
    expect(brief(yaml('steps:', '  - cmd: a', '    env', '      - A=b'))).toEqual(['t.yaml:3:5 `env` is not followed by `:`']);
    expect(brief(yaml('steps:', '  - cmd: a', '    when', '  - cmd: b'))).toEqual(['t.yaml:3:5 `when` is not followed by `:`']);
  });

  it('takes the first word for the key when a value follows it', () => {
    expect(syntaxErrors(yaml('secrets:', '  - id: token', '    keyvault https://v.vault.azure.net/secrets/t', 'steps:', '  - cmd: x'))).toEqual([
      syntaxError('t.yaml:3:5', '`keyvault` is not followed by `:`', 'write `keyvault: https://v.vault.azure.net/secrets/t`'),
    ]);
  });

  it('asks for a space after a `:` glued to the value', () => {
    expect(syntaxErrors(yaml('version:v1.1.0', 'steps:', '  - cmd: a'))).toEqual([
      syntaxError('t.yaml:1:1', '`version` needs a space after its `:`', 'write `version: v1.1.0`'),
    ]);
  });
});

describe('other syntax errors', () => {
  it('keep the library message and a hint by kind', () => {
    expect(syntaxErrors(yaml('steps:', '  - cmd: alpine echo a: b'))).toEqual([
      syntaxError('t.yaml:2:10', 'nested mappings are not allowed in compact mappings', 'quote values that contain `: ` or `#`, e.g. `cmd: "alpine echo a: b"`'),
    ]);
  });
});

describe('positions', () => {
  it('map back to the file through removed comment lines', () => {
    const original = yaml('# a comment', 'version: v1.1.0', 'steps', '  - cmd: alpine echo a');
    const source = deriveText(fromOriginal('t.yaml', original), yaml('version: v1.1.0', 'steps', '  - cmd: alpine echo a'), [2, 3, 4, 5]);
    const { diagnostics } = parseYaml({ source, typeAt });
    expect(diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`)).toEqual(['3:1 `steps` is not followed by `:`']);
  });
});
