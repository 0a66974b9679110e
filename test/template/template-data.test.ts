import { describe, expect, it } from 'vitest';
import { buildTemplateData, shellQuote } from '../../src/template/template-data.js';
import { RUN } from './render-helpers.js';

describe('shellQuote (base_render_options_test.go)', () => {
  it.each([
    ['double quotes', "'double quotes'"],
    ["''", `''"'"''"'"''`],
    ['nothingtoescape', 'nothingtoescape'],
    ['', "''"],
    ['a_^@=+%,:./-Z9', 'a_^@=+%,:./-Z9'],
    ['{"a":1}', `'{"a":1}'`],
  ])('%j → %s', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});

describe('buildTemplateData', () => {
  const values = {
    research: 'radioactivity',
    last: 'Curie',
    awards: ['Nobel Prize in Physics', 'Davy Medal', 'Albert Medal'],
    born: 1867,
    first: 'Marie',
    from: 'Poland',
  };
  const data = buildTemplateData({ run: { ...RUN, TriggeredBy: "it's <me> & co" }, values, secrets: { s: 'v' } });

  it('serialises .Values like Go encoding/json and shell-quotes it (curie)', () => {
    expect(data.ValuesJSON).toBe(
      `'{"awards":["Nobel Prize in Physics","Davy Medal","Albert Medal"],"born":1867,"first":"Marie","from":"Poland","last":"Curie","research":"radioactivity"}'`,
    );
  });

  it('serialises .Run with sorted keys, HTML-safe escapes and quoted apostrophes', () => {
    expect(data.RunJSON).toBe(
      `'{"Architecture":"amd64","Branch":"main","Commit":"c0ffee","Date":"20261123-075100z","GitTag":"","ID":"abc","OS":"linux","OSVersion":"","Registry":"localhost:5000","RegistryName":"localhost:5000","Repository":"repo","SharedVolume":"vol","TaskName":"demo","TriggeredBy":"it'"'"'s \\u003cme\\u003e \\u0026 co"}'`,
    );
  });

  it('fills Build.ID from Run.ID and passes values and secrets through', () => {
    expect(data.Build).toEqual({ ID: 'abc' });
    expect(data.Values).toBe(values);
    expect(data.Secrets).toEqual({ s: 'v' });
  });
});
