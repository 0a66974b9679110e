// `taskrun graph --format svg|png` through the real binary: a picture laid out by Graphviz's
// WebAssembly build, drawn to PNG by resvg; no browser, no network, no Graphviz install.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SAMPLE = 'samples/parallel/acr-task.yaml';
const STEP_IDS = ['lint', 'unit', 'docs', 'package', 'announce'];

function pngSize(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(data.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('taskrun graph --format svg|png', () => {
  it('prints an SVG with a box per step and an edge per dependency', async () => {
    const result = await runCli(['graph', SAMPLE, '--format', 'svg']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(result.stdout.trimEnd()).toMatch(/<\/svg>$/);
    const titles = [...result.stdout.matchAll(/<title>([^<]*)<\/title>/g)].map((match) => match[1]!.replace(/&#45;&gt;/g, '->').replace(/&quot;/g, '"'));
    expect(titles).toEqual(expect.arrayContaining([...STEP_IDS, 'run start->lint', 'lint->package', 'unit->package', 'docs->package', 'package->announce']));
    // Text in monospace fonts, whose widths match the layout's.
    expect(result.stdout).toContain('font-family="DejaVu Sans Mono,');
  });

  it('writes a PNG with -o, larger for more steps', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-graph-'));
    const small = path.join(dir, 'small.png');
    const large = path.join(dir, 'large.png');
    expect((await runCli(['graph', SAMPLE, '--format', 'png', '-o', small])).exitCode).toBe(0);
    expect((await runCli(['graph', 'samples/multi-arch/acr-task.yaml', '--format', 'png', '--output', large])).exitCode).toBe(0);
    const parallel = pngSize(readFileSync(small));
    const chain = pngSize(readFileSync(large));
    // Three steps side by side make a wide picture; six in a chain a tall one.
    expect(parallel.width).toBeGreaterThan(parallel.height);
    expect(chain.height).toBeGreaterThan(chain.width);
  });

  it('writes the other formats to -o as well', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-graph-'));
    const file = path.join(dir, 'graph.dot');
    const result = await runCli(['graph', SAMPLE, '--format', 'dot', '-o', file]);
    expect(result.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('"package" -> "announce";');
  });

  it('refuses to draw a PNG without any font, rather than one without text', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-graph-'));
    const config = path.join(dir, 'fonts.conf');
    writeFileSync(config, '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n');
    const result = await runCli(['graph', SAMPLE, '--format', 'png', '-o', path.join(dir, 'g.png')], { env: { FONTCONFIG_FILE: config } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("no font found to draw the PNG's text with");
    expect(existsSync(path.join(dir, 'g.png'))).toBe(false);
  });

  it('refuses an -o it cannot write with exit 2', async () => {
    const result = await runCli(['graph', SAMPLE, '--format', 'svg', '-o', '/nonexistent-folder/graph.svg']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--output /nonexistent-folder/graph.svg: cannot write there (ENOENT)');
  });
});
