// CLI: where the history commands (`runs`, `logs`) write and which environment they read.
// Below both the commands and their helpers, so neither imports the other for it.

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export const defaultCommandIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
};
