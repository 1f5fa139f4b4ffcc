/** What a command reads and writes, so tests can run commands in-process. */
export interface CliIo {
  env: Record<string, string | undefined>
  stdout(text: string): void
  stderr(text: string): void
  /** Rewrites one status line in place (a progress bar); only given when stderr is a terminal. */
  progress?(text: string): void
}
