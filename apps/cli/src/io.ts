/** Where the CLI writes: stdout for results, stderr for progress and errors. Injected for tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
};

/** A user-facing failure: main prints the message (no stack) and exits 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
