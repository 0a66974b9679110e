import { describe, it, expect } from 'vitest';
import { expandCommandWord, substituteAliases } from '../../src/load/alias-substitution.js';
import { listGlobalAliases } from '../../src/load/aliases.js';
import { fromOriginal, locate } from '../../src/source-text.js';

const substitute = (text: string, aliases: ReadonlyMap<string, string>, directive = '$') =>
  substituteAliases(fromOriginal('acr-task.yaml', text), { aliases, directive });

const globals = listGlobalAliases('linux');

describe('substituteAliases: acb preprocessor_test TestProcessString', () => {
  it('replaces a defined alias and keeps the trailing space', () => {
    expect(substitute('build: -t $foo ', new Map([['foo', 'bar']])).text).toBe('build: -t bar ');
  });

  it('replaces custom and global aliases and leaves undefined ones', () => {
    const aliases = new Map([
      ...globals,
      ['reg', '{{.Run.Registry}}'],
      ['foo', '.Values.bar'],
      ['acb', 'mcr.microsoft.com/acb:zzz'],
    ]);
    const input = [
      '',
      '- build: -t $reg/$repo:$ID .',
      '- cmd: $acb exec {{$foo}}',
      '- push:',
      '\t- {{.Run.Registry}}/hello-world:$ID',
      '\t- $Registry/hello-world:$ID2',
    ].join('\n');
    const expected = [
      '',
      '- build: -t {{.Run.Registry}}/$repo:{{.Run.ID}} .',
      '- cmd: mcr.microsoft.com/acb:zzz exec {{.Values.bar}}',
      '- push:',
      '\t- {{.Run.Registry}}/hello-world:{{.Run.ID}}',
      '\t- {{.Run.Registry}}/hello-world:$ID2',
    ].join('\n');
    const result = substitute(input, aliases);
    expect(result.text).toBe(expected);
    expect(result.origins).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('substituteAliases: acb-spec §3.4 table (globals, $ directive)', () => {
  const table: readonly (readonly [string, string])[] = [
    ['${ID}', '${ID}'],
    ['$ID.', '{{.Run.ID}}.'],
    ['$ID-x', '{{.Run.ID}}-x'],
    ['tag:$ID_$Date', 'tag:{{.Run.ID}}_{{.Run.Date}}'],
    ['$ID$Date', '{{.Run.ID}}{{.Run.Date}}'],
    ['$IDfoo', '$IDfoo'],
    ['$x$ID', '$x$ID'],
    ['$$', '$'],
    ['$$$ID', '${{.Run.ID}}'],
    ['$ID$$', '{{.Run.ID}}$'],
    ['$ID$', '{{.Run.ID}}$'],
    ['$', '$'],
    ['100$', '100$'],
    ['cost $5', 'cost $5'],
    ['echo $$ and $HOME', 'echo $ and $HOME'],
    ['{{ $bash := 1 }}', '{{ mcr.microsoft.com/acr/bash:2ff604c := 1 }}'],
    ['$é', '$é'],
    ['$id', '$id'],
    ['a ', 'a '],
    ['', ''],
  ];

  it.each(table)('%j → %j', (input, expected) => {
    expect(substitute(input, globals).text).toBe(expected);
  });

  it('handles an astral directive and identity aliases (🐳 stress example)', () => {
    const identity = new Map([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].map((c) => [c, c]));
    expect(substitute('🐳i🐳d: x 8🐳0🐳0🐳0 -🐳f', identity, '🐳').text).toBe('id: x 8000 -f');
    expect(substitute('  - id: 🐳C\n    when: [🐳C]\n    ports: ["8080:8🐳0🐳8🐳0"]', identity, '🐳').text).toBe(
      '  - id: C\n    when: [C]\n    ports: ["8080:8080"]',
    );
  });

  it('escapes $$name even when name is defined (stress "Escape")', () => {
    const aliases = new Map([
      ['puller', 'break'],
      ['azure', 'break'],
      ['images', 'break'],
      ['docker', 'break'],
    ]);
    const input = '  - id: $$puller\n    cmd: $$azure/$$images/$$docker pull ubuntu\n    entryPoint: $$someEntryPoint\n';
    expect(substitute(input, aliases).text).toBe(
      '  - id: $puller\n    cmd: $azure/$images/$docker pull ubuntu\n    entryPoint: $someEntryPoint\n',
    );
  });

  it('changes nothing for defined but unused aliases (stress "Alias No Use")', () => {
    const aliases = new Map([
      ['id', 'break'],
      ['build', 'break'],
      ['puller', 'break'],
    ]);
    const input = 'steps:\n  - id: puller\n    build: -t x .\n';
    expect(substitute(input, aliases).text).toBe(input);
  });

  it('uses a custom directive, leaves $ alone and escapes with the new directive', () => {
    const aliases = new Map([['img', 'alpine']]);
    expect(substitute('cmd: &img echo $img &&x', aliases, '&').text).toBe('cmd: alpine echo $img &x');
  });
});

describe('substituteAliases: origins', () => {
  it('gives the extra lines of a multi-line value the line of the reference', () => {
    const aliases = new Map([
      ['Puller', 'id: puller\n    cmd: docker pull ubuntu\n'],
      ['C', 'id: C\n    cmd: blah'],
    ]);
    const result = substitute('version: v1.1.0\nsteps:\n  - $Puller\n  - $C', aliases);
    expect(result.text).toBe(
      'version: v1.1.0\nsteps:\n  - id: puller\n    cmd: docker pull ubuntu\n\n  - id: C\n    cmd: blah',
    );
    expect(result.origins).toEqual([1, 2, 3, 3, 3, 4, 4]);
  });

  it('maps through the previous stage and points a column at the reference', () => {
    const previous = { ...fromOriginal('acr-task.yaml', '# c\nsteps:\n  - cmd: $bash echo\n'), text: 'steps:\n  - cmd: $bash echo\n', origins: [2, 3, 4] };
    const result = substituteAliases(previous, { aliases: globals, directive: '$' });
    expect(result.text).toBe('steps:\n  - cmd: mcr.microsoft.com/acr/bash:2ff604c echo\n');
    expect(result.origins).toEqual([2, 3, 4]);
    expect(locate(result, 2, 12)).toEqual({ file: 'acr-task.yaml', line: 3, col: 10 });
  });

  it('keeps origins when an undefined name ends at a newline', () => {
    const result = substitute('a: $nope\nb: $$\nc: $ID', globals);
    expect(result.text).toBe('a: $nope\nb: $\nc: {{.Run.ID}}');
    expect(result.origins).toEqual([1, 2, 3]);
  });
});

describe('expandCommandWord (acb preprocessor_test TestPreProcessSteps)', () => {
  const purge = new Map([['purge', 'acr purge']]);
  const cmd = `purge --registry {{.Run.Registry}} --filter 'samples/devimage1:.*' --filter 'samples/devimage2:.*' --ago 0d --untagged --dry-run"`;
  const expanded = `acr purge --registry {{.Run.Registry}} --filter 'samples/devimage1:.*' --filter 'samples/devimage2:.*' --ago 0d --untagged --dry-run"`;

  it('replaces the first word', () => {
    expect(expandCommandWord(cmd, purge)).toBe(expanded);
  });

  it('trims surrounding spaces when it replaces', () => {
    expect(expandCommandWord(`        ${cmd}            `, purge)).toBe(expanded);
  });

  it('leaves a command without an alias untouched (not trimmed)', () => {
    const acr = new Map([['acr', 'acr expanded']]);
    expect(expandCommandWord('fakealias --wait 300', acr)).toBe('fakealias --wait 300');
    expect(expandCommandWord('acrmixedin --wait 300', acr)).toBe('acrmixedin --wait 300');
    expect(expandCommandWord('  other  x ', acr)).toBe('  other  x ');
  });

  it('inserts global values unrendered and keeps inner double spaces', () => {
    expect(expandCommandWord('bash  echo hi', globals)).toBe('mcr.microsoft.com/acr/bash:2ff604c  echo hi');
    expect(expandCommandWord('ID', globals)).toBe('{{.Run.ID}}');
  });
});
