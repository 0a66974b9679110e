// CLI: the program every entry shares (name, --version, help) and the one error boundary that
// turns errors into messages and exit codes (README "Exit codes"). Each entry says which
// commands it registers: main.ts all of them, validate-main.ts and render-main.ts one each.

import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../diagnostics.js';
import { describeDiskErrorCode, isDiskError } from '../record/disk-errors.js';
import { annotateDiagnostics } from './ci/annotations.js';
import type { CiChoice } from './ci/ci-kind.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from './exit-codes.js';
import { printDiagnostics } from './print-diagnostics.js';
import { isOutputWritten, writeStderr, writeStdout } from './std-write.js';

/** Registers an entry's commands on the program. */
export type RegisterCommands = (program: Command) => void;

export async function runProgram(argv: readonly string[], registerCommands: RegisterCommands): Promise<number> {
  const program = buildProgram(registerCommands);
  // The command's `--ci`, for the annotations of the input errors it throws.
  let ci: CiChoice | undefined;
  program.hook('preAction', (_program, command) => {
    ci = command.opts<{ ci?: CiChoice }>().ci;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (caught) {
    return exitCodeFor(caught, ci);
  }
}

/**
 * runProgram for the entries of one command (validate-main.ts, render-main.ts), which end the
 * process once the command is done. It has nothing left running, and everything it printed is
 * written (std-write.ts); left to itself, Node would first run a garbage collection V8 scheduled
 * during the run: a millisecond, a tenth of a small file's render.
 */
export async function runProgramAndExit(argv: readonly string[], registerCommands: RegisterCommands): Promise<number> {
  const exitCode = await runProgram(argv, registerCommands);
  if (isOutputWritten()) process.exit(exitCode);
  return exitCode;
}

function buildProgram(registerCommands: RegisterCommands): Command {
  const program = new Command('taskrun')
    .description('Run ACR Tasks-style multi-step task files (acr-task.yaml) on docker or podman')
    .version(readVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Help, usage errors and --version too go straight to the descriptors (std-write.ts).
    .configureOutput({ writeOut: writeStdout, writeErr: writeStderr })
    .exitOverride();
  registerCommands(program);
  // Subcommands inherit exitOverride only when set on each of them.
  for (const command of program.commands) exitOverrideDeep(command);
  return program;
}

function exitOverrideDeep(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideDeep(sub);
}

function exitCodeFor(caught: unknown, ci: CiChoice | undefined): number {
  if (caught instanceof CommanderError) {
    // Help and --version end "with an error" in commander's exitOverride mode.
    if (caught.code === 'commander.helpDisplayed' || caught.code === 'commander.version' || caught.code === 'commander.help') {
      return EXIT_OK;
    }
    return EXIT_USAGE;
  }
  if (caught instanceof InputError) {
    printDiagnostics(caught.diagnostics, writeStderr);
    annotateDiagnostics({ diagnostics: caught.diagnostics, ci, write: writeStderr });
    return EXIT_USAGE;
  }
  if (caught instanceof ExitError) {
    if (caught.message) writeStderr(`taskrun: ${caught.message}\n`);
    return caught.exitCode;
  }
  if (isDiskError(caught)) {
    // A write refused by the file system that no command caught itself: still the user's disk, not a bug.
    const where = caught.path ?? 'a file';
    writeStderr(`taskrun: cannot write ${where}: ${describeDiskErrorCode(caught.code)}\n`);
    return EXIT_FAILED;
  }
  const detail = caught instanceof Error ? (process.env.TASKRUN_DEBUG ? caught.stack : caught.message) : String(caught);
  writeStderr(`taskrun: internal error: ${detail}\nThis is a bug in taskrun; please report it with the command you ran.\n`);
  return EXIT_FAILED;
}

// Read and parsed, not required: require() would resolve the path and look up package scopes
// first, several times the cost of reading 2 kB at every start.
function readVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
