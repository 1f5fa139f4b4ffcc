/** What a command reads and writes, so tests can run commands in-process. */
export interface CliIo {
  env: Record<string, string | undefined>
  stdout(text: string): void
  stderr(text: string): void
}
