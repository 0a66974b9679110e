import { describe, it, expect } from 'vitest';
import { deriveText, fromOriginal } from '../../src/source-text.js';
import { parseYaml } from '../../src/task/parse-yaml.js';
import { fieldTypeAt } from '../../src/task/schema.js';
import { parse, rows, toRow, yaml } from './helpers.js';

const typeAt = (path: readonly (string | number)[]) => fieldTypeAt('v1.1.0', path);

function decode(text: string) {
  return parseYaml({ source: fromOriginal('t.yaml', text), typeAt });
}

describe('parseYaml', () => {
  it('keeps the scalar text of string fields (YAML 1.1 ints, octals and booleans)', () => {
    const { document, diagnostics } = decode(yaml('steps:', '  - id: 0755', '    cmd: yes', '    user: 1000', '    cpus: 1.50'));
    expect(diagnostics).toEqual([]);
    expect(document.written.steps).toEqual([{ id: '0755', cmd: 'yes', user: '1000', cpus: '1.50' }]);
  });

  it('resolves YAML 1.1 booleans and ints for typed fields', () => {
    const { document } = decode(yaml('steps:', '  - cmd: x', '    keep: yes', '    privileged: off', '    timeout: 0x10', '    retries: 010'));
    expect(document.written.steps).toEqual([{ cmd: 'x', keep: true, privileged: false, timeout: 16, retries: 8 }]);
  });

  it('truncates a float in an int field, with a warning', () => {
    const { document, diagnostics } = decode(yaml('steps:', '  - cmd: x', '    timeout: 1.5'));
    expect(document.written.steps).toEqual([{ cmd: 'x', timeout: 1 }]);
    expect(diagnostics.map(toRow)).toEqual([
      {
        at: 't.yaml:3:14',
        severity: 'warning',
        code: 'number-truncated',
        message: '`timeout` must be a whole number; ACR truncates 1.5 to 1',
        hint: 'write `timeout: 1`',
      },
    ]);
  });

  it('treats `key:` and `key: ~` as not written, and null string items as ""', () => {
    const { document } = decode(yaml('steps:', '  - cmd: x', '    timeout:', '    user: ~', '    env: [~, A=b]'));
    expect(document.written.steps).toEqual([{ cmd: 'x', env: ['', 'A=b'] }]);
  });

  it('fills in merge keys without overriding the mapping\'s own keys', () => {
    const { document } = decode(
      yaml('base: &base', '  timeout: 30', '  retries: 2', 'steps:', '  - <<: *base', '    cmd: x', '    retries: 5'),
    );
    expect(document.written.steps).toEqual([{ cmd: 'x', retries: 5, timeout: 30 }]);
  });

  it('maps positions through the origins of a derived text', () => {
    // Line 2 of the original (a comment) was removed before parsing.
    const original = yaml('steps:', '# a comment', '  - cmd: x', '    timeout: "10"');
    const stripped = deriveText(fromOriginal('t.yaml', original), yaml('steps:', '  - cmd: x', '    timeout: "10"'), [1, 3, 4, 5]);
    const { document } = parseYaml({ source: stripped, typeAt });
    expect(document.at('/steps/0/timeout')).toEqual({ file: 't.yaml', line: 4, col: 14 });
    expect(document.at('/steps/0/timeout', 'key')).toEqual({ file: 't.yaml', line: 4, col: 5 });
    expect(document.at('/steps/0/nothing/here')).toEqual({ file: 't.yaml', line: 3, col: 5 });
  });
});

describe('YAML problems in parseTask', () => {
  it('reports every syntax error at its position, and nothing derived from the broken tree', () => {
    expect(rows(yaml('steps:', '  - cmd: x', '    when: -', '  - id: [a', '    cmd: y', '    when: -')).map((row) => `${row.at} ${row.code}`)).toEqual([
      't.yaml:3:11 yaml-syntax',
      't.yaml:4:9 yaml-syntax',
      't.yaml:6:11 yaml-syntax',
    ]);
  });

  it('explains `when: -`', () => {
    expect(rows(yaml('steps:', '  - cmd: x', '    when: -'))).toEqual([
      {
        at: 't.yaml:3:11',
        severity: 'error',
        code: 'yaml-syntax',
        message: 'unexpected block-seq-ind on same line with key',
        hint: 'a `-` on the same line as its key does not start a list; write the list in brackets, e.g. `when: ["-"]`',
      },
    ]);
  });

  it('warns about a duplicate key at the ignored one and uses the last', () => {
    const result = parse(yaml('steps:', '  - cmd: alpine echo one', '    cmd: alpine echo two'));
    expect(result.diagnostics.map(toRow)).toEqual([
      {
        at: 't.yaml:2:5',
        severity: 'warning',
        code: 'duplicate-key',
        message: '`cmd` is written again on line 3; ACR uses the last one and ignores this one',
        hint: 'remove one of the two `cmd` keys',
      },
    ]);
    expect(result.task?.steps[0]).toMatchObject({ kind: 'cmd', cmd: 'alpine echo two' });
  });

  it('reads only the first document', () => {
    const result = parse(yaml('steps:', '  - cmd: x', '---', 'steps: [oops', ''));
    expect(result.diagnostics.map(toRow)).toEqual([
      {
        at: 't.yaml:3:1',
        severity: 'warning',
        code: 'multiple-documents',
        message: 'the file has more than one YAML document; ACR reads only the first and ignores the rest',
        hint: 'remove the `---` line and everything after it, or move the rest to its own file',
      },
    ]);
    expect(result.task?.steps.map((step) => step.id)).toEqual(['acb_step_0']);
  });

  it('rejects empty step and secret items', () => {
    expect(rows(yaml('secrets: [~]', 'steps:', '  - cmd: x', '  -'))).toEqual([
      {
        at: 't.yaml:1:11',
        severity: 'error',
        code: 'empty-item',
        message: '`secrets` item 1 is empty; ACR crashes on an empty list item',
        hint: 'remove the bare `-` (or `~`) item, or fill it in',
      },
      {
        at: 't.yaml:4:3',
        severity: 'error',
        code: 'empty-item',
        message: '`steps` item 2 is empty; ACR crashes on an empty list item',
        hint: 'remove the bare `-` (or `~`) item, or fill it in',
      },
    ]);
  });

  it('points at the `-` of an empty item, also one written `- ~`', () => {
    expect(rows(yaml('steps:', '  - cmd: x', '  -', '  -   ~', '  - cmd: y')).map((row) => `${row.at} ${row.message}`)).toEqual([
      't.yaml:3:3 `steps` item 2 is empty; ACR crashes on an empty list item',
      't.yaml:4:3 `steps` item 3 is empty; ACR crashes on an empty list item',
    ]);
  });

  it('rejects a file that is not a mapping, without the follow-on "no steps"', () => {
    const notMapping = (got: string) => ({
      at: 't.yaml:1:1',
      severity: 'error',
      code: 'not-a-mapping',
      message: `the task file must be a mapping of keys such as \`version:\` and \`steps:\`, got ${got}`,
      hint: 'start the file with `version: v1.1.0` and a `steps:` list',
    });
    expect(rows(yaml('- cmd: x'))).toEqual([notMapping('a list')]);
    expect(rows(yaml('- a'))).toEqual([notMapping('a list')]);
    expect(rows(yaml('just text'))).toEqual([notMapping('"just text"')]);
  });

  it('reports an empty `push` item at the item, and does not push `:latest`', () => {
    const empty = (at: string, item: number) => ({
      at: `t.yaml:${at}`,
      severity: 'error',
      code: 'empty-item',
      message: `\`push\` item ${item} is empty; ACR pushes it as \`:latest\`, which names no image`,
      hint: 'remove the item, or write the image to push',
    });
    const text = yaml('steps:', '  - build: -t img .', '  - push:', '    - img', '    -', '    - ~', '    - ""', '  - push: [img, ~, "", " "]');
    expect(rows(text)).toEqual([empty('5:5', 2), empty('6:5', 3), empty('7:5', 4), empty('8:17', 2), empty('8:20', 3), empty('8:24', 4)]);
  });

  it('accepts an empty file with a warning', () => {
    expect(parse('').diagnostics.map((d) => d.code)).toEqual(['no-steps']);
    expect(parse('').task?.steps).toEqual([]);
  });
});
