// CLI: where the history commands (`runs`, `logs`) write and which environment they read.
// Below both the commands and their helpers, so neither imports the other for it.

import { writeStderr, writeStdout } from './std-write.js';

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export const defaultCommandIo: CommandIo = {
  stdout: writeStdout,
  stderr: writeStderr,
  env: process.env,
};
