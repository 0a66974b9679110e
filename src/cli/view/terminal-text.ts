// CLI view: text as a terminal shows it — how many columns a string takes, cutting it to a
// width, making engine output safe to draw on one line, and colours that can be switched off.

const ANSI_SEQUENCE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// C0 and C1 controls other than tab; tabs are expanded first.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const ANSI_AT = new RegExp(ANSI_SEQUENCE.source, 'y');
const ELLIPSIS = '…';

/** Colours for statuses; every function is the identity when colour is off. */
export interface Palette {
  readonly isOn: boolean;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const paint = (code: string) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
const plain = (text: string) => text;

export const COLOURS: Palette = { isOn: true, bold: paint('1'), dim: paint('2'), red: paint('31'), green: paint('32'), yellow: paint('33'), cyan: paint('36') };
export const NO_COLOURS: Palette = { isOn: false, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };

/** https://no-color.org: any non-empty NO_COLOR turns colour off. */
export function paletteFor(input: { isTty: boolean; env: NodeJS.ProcessEnv }): Palette {
  return input.isTty && !input.env.NO_COLOR ? COLOURS : NO_COLOURS;
}

/**
 * One line of engine output as it can be drawn inside a live area: what a `\r` progress
 * update left visible, tabs expanded, colour codes and other control characters removed.
 */
export function toDisplayLine(text: string): string {
  const lastUpdate = text.replace(/\r+$/, '').split('\r').pop() ?? '';
  return lastUpdate.replace(ANSI_SEQUENCE, '').replace(/\t/g, '    ').replace(CONTROL, '');
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

/** Columns a code point takes: 0 for combining marks, 2 for wide (CJK, emoji), else 1. */
function codePointWidth(codePoint: number): number {
  if ((codePoint >= 0x300 && codePoint <= 0x36f) || (codePoint >= 0x200b && codePoint <= 0x200f) || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)) return 0;
  const isWide =
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd);
  return isWide ? 2 : 1;
}

/** Columns the text takes on a terminal (colour codes take none). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += codePointWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** The text cut to at most `width` columns, `…` marking a cut; colour codes are kept whole and closed. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const room = width - 1;
  let used = 0;
  let out = '';
  let hasColour = false;
  let index = 0;
  while (index < text.length) {
    ANSI_AT.lastIndex = index;
    const sequence = ANSI_AT.exec(text);
    if (sequence) {
      out += sequence[0];
      hasColour = true;
      index += sequence[0].length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(index) ?? 0);
    const charWidth = codePointWidth(char.codePointAt(0) ?? 0);
    if (used + charWidth > room) break;
    out += char;
    used += charWidth;
    index += char.length;
  }
  return `${out}${ELLIPSIS}${hasColour ? '\x1b[0m' : ''}`;
}

/** The text padded with spaces to `width` columns. */
export function padToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** `0.4s`, `12.3s`, `2m05s`. */
export function formatElapsed(durationMs: number): string {
  const ms = Math.max(0, durationMs);
  // Rounded as the summary table rounds, so a step shows the same duration in both.
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
