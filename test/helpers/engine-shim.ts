// Test support: an engine CLI that writes down every command line it is given, then runs the real
// CLI with it (exec: same process, same exit status and signals). Tests read back exactly which
// engine commands taskrun ran.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface EngineShim {
  /** The shim's path: use it as the engine binary (TASKRUN_DOCKER, TASKRUN_PODMAN, Engine.binary). */
  readonly binary: string;
  /** Every command line run so far, as argv without the binary. */
  readonly commands: () => string[][];
  readonly remove: () => void;
}

// Arguments are separated by US (0x1f) and commands end with RS (0x1e): neither occurs in the tests' words.
export function createEngineShim(realBinary: string): EngineShim {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskrun-engine-shim-'));
  const log = path.join(dir, 'commands.log');
  const binary = path.join(dir, 'engine');
  writeFileSync(log, '');
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  writeFileSync(binary, `#!/bin/sh\nprintf '%s\\037' "$@" >> ${quote(log)}\nprintf '\\036' >> ${quote(log)}\nexec ${quote(realBinary)} "$@"\n`);
  chmodSync(binary, 0o755);
  return {
    binary,
    commands: () =>
      readFileSync(log, 'utf8')
        .split('\u001e')
        .filter((entry) => entry !== '')
        .map((entry) => entry.split('\u001f').slice(0, -1)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The value after `flag` in an argv (`--name x` → x). */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}
