import { describe, it, expect } from 'vitest';
import { render, renderText } from './render-helpers.js';

describe('fields and methods of Go values', () => {
  it('reads a version\'s fields and a time\'s methods, also right after a function (Go\'s chain)', () => {
    expect(renderText('{{ $v := semver "1.2.3-rc.1" }}{{ $v.Major }}.{{ $v.Minor }} {{ $v.Prerelease }} {{ (semver "v2.0").String }}')).toBe('1.2 rc.1 2.0.0');
    expect(renderText('{{ (toDate "2006-01-02" "2024-05-06").Unix }}')).toBe('1714953600');
    expect(renderText('{{ gt now.Unix 1700000000 }}')).toBe('true');
  });

  it('fails as Go does for a field a value does not have, and for a field after a literal', () => {
    expect(render('{{ (semver "1.2.3").Nope }}').diagnostics.map((d) => d.message)).toEqual([expect.stringContaining("can't evaluate field Nope in type *semver.Version")]);
    expect(render('{{ "x".Len }}').diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('unexpected `.Len`')]);
  });
});
