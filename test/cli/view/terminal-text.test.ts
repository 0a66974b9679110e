import { describe, expect, it } from 'vitest';
import { COLOURS, displayWidth, formatElapsed, NO_COLOURS, paletteFor, toDisplayLine, truncateToWidth } from '../../../src/cli/view/terminal-text.js';

describe('terminal text', () => {
  it('measures columns: colour codes none, CJK and emoji two, combining marks none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('\x1b[31mred\x1b[0m')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('🚀 go')).toBe(5);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('cuts to a width with an ellipsis, never splitting a wide character, and closes colours', () => {
    expect(truncateToWidth('abcdef', 6)).toBe('abcdef');
    expect(truncateToWidth('abcdef', 4)).toBe('abc…');
    expect(truncateToWidth('日本語', 4)).toBe('日…');
    expect(truncateToWidth('\x1b[32mgreen text\x1b[0m', 6)).toBe('\x1b[32mgreen…\x1b[0m');
    expect(displayWidth(truncateToWidth('x'.repeat(500), 80))).toBe(80);
    expect(truncateToWidth('abc', 0)).toBe('');
  });

  it('makes engine output drawable on one line: the last \\r update, no colours or controls, tabs expanded', () => {
    expect(toDisplayLine('Downloading 10%\rDownloading 55%\r')).toBe('Downloading 55%');
    expect(toDisplayLine('\x1b[1;32mPASS\x1b[0m\ttest\x07')).toBe('PASS    test');
  });

  it('honours NO_COLOR and colours only terminals', () => {
    expect(paletteFor({ isTty: true, env: {} })).toBe(COLOURS);
    expect(paletteFor({ isTty: true, env: { NO_COLOR: '1' } })).toBe(NO_COLOURS);
    expect(paletteFor({ isTty: false, env: {} })).toBe(NO_COLOURS);
    expect(paletteFor({ isTty: true, env: { NO_COLOR: '' } })).toBe(COLOURS);
  });

  it('formats elapsed time', () => {
    expect(formatElapsed(0)).toBe('0.0s');
    expect(formatElapsed(12_345)).toBe('12.3s');
    expect(formatElapsed(125_000)).toBe('2m05s');
  });
});

describe('step labels', () => {
  it('say each step as the task file does', async () => {
    const { stepLabel } = await import('../../../src/cli/view/step-label.js');
    const { buildStep, cmdStep, pushStep } = await import('../../run/make-task.js');
    expect(stepLabel(cmdStep({ id: 'a', cmd: "busybox sh -c 'echo hi'" }))).toBe("busybox sh -c 'echo hi'");
    expect(stepLabel(buildStep({ id: 'b', build: '-t app:1 .' }))).toBe('build -t app:1 .');
    expect(stepLabel(pushStep({ id: 'c', images: ['app:1', 'app:2'] }))).toBe('push app:1 app:2');
  });
});
