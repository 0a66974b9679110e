// Test support: runs a command in a detached tmux session of a given size (its own server, on
// a private socket) and reads the screen back as a user would see it (capture-pane).
// Needs the `tmux` package (Debian: tmux).

import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TmuxSession {
  /** The visible screen, trailing blank lines dropped; `withHistory` adds what scrolled off. */
  readonly screen: (options?: { withHistory?: boolean; withEscapes?: boolean; joinWrapped?: boolean }) => Promise<string>;
  /** Polls the screen (with history) until `test` holds; throws with the last screen after `timeoutMs`. */
  readonly waitFor: (test: (screen: string) => boolean, timeoutMs?: number) => Promise<string>;
  readonly resize: (size: { columns: number; rows: number }) => Promise<void>;
  /** Types keys into the pane (`C-c` for Ctrl-C). */
  readonly sendKeys: (...keys: string[]) => Promise<void>;
  readonly close: () => Promise<void>;
}

const POLL_MS = 100;

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `argv` in the session with `env` added; when it ends, `[exit N]` is printed and the
 * pane stays open, so a test can wait for that line and read the final screen.
 */
export async function startInTmux(input: { argv: readonly string[]; env?: Record<string, string>; columns: number; rows: number; cwd?: string; pipeTo?: string }): Promise<TmuxSession> {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskrun-tmux-'));
  const socket = path.join(dir, 'socket');
  const tmux = (args: readonly string[]) => execa('tmux', ['-S', socket, '-f', '/dev/null', ...args], { stdin: 'ignore' });
  const env = Object.entries(input.env ?? {}).map(([key, value]) => quote(`${key}=${value}`));
  const pipe = input.pipeTo ? ` | ${input.pipeTo}` : '';
  const shell = `env ${env.join(' ')} ${input.argv.map(quote).join(' ')}${pipe}; echo "[exit $?]"; exec sleep 3600`;
  await tmux(['-V']).catch((caught: NodeJS.ErrnoException) => {
    throw caught.code === 'ENOENT' ? new Error('tmux is not installed: the terminal tests need it (Debian: apt-get install tmux)') : caught;
  });
  await tmux(['new-session', '-d', '-s', 'taskrun', '-x', String(input.columns), '-y', String(input.rows), ...(input.cwd ? ['-c', input.cwd] : []), shell]);
  // A detached session keeps the size it is given, not that of a (missing) client.
  await tmux(['set-option', '-g', 'window-size', 'manual']);

  const screen: TmuxSession['screen'] = async (options = {}) => {
    const args = ['capture-pane', '-p', '-t', 'taskrun', ...(options.withHistory ? ['-S', '-'] : []), ...(options.withEscapes ? ['-e'] : []), ...(options.joinWrapped ? ['-J'] : [])];
    // -J keeps trailing blanks; a screen's lines never end in a meaningful one.
    return (await tmux(args)).stdout.split('\n').map((line) => line.trimEnd()).join('\n').replace(/\s+$/, '');
  };
  return {
    screen,
    async waitFor(test, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const text = await screen({ withHistory: true });
        if (test(text)) return text;
        if (Date.now() > until) throw new Error(`the screen never matched; it shows:\n${text}`);
        await sleep(POLL_MS);
      }
    },
    async resize({ columns, rows }) {
      await tmux(['resize-window', '-t', 'taskrun', '-x', String(columns), '-y', String(rows)]);
    },
    async sendKeys(...keys) {
      await tmux(['send-keys', '-t', 'taskrun', ...keys]);
    },
    async close() {
      await tmux(['kill-server']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
