import type { CliIo } from './CliIo'
import { UsageError } from './commonOptions'
import { doctorCommand } from './doctorCommand'
import { syncCommand } from './syncCommand'

/** A subcommand: its arguments in, the exit code out. */
export type CliCommand = (args: readonly string[], io: CliIo) => Promise<number>

/** The subcommands of `dingtalk-login-server`; a new one (e.g. the directory `sync`) is one more entry. */
export const COMMANDS: Readonly<Record<string, { summary: string; run: CliCommand }>> = {
  doctor: { summary: 'ask DingTalk and this deployment what is wrong', run: doctorCommand },
  sync: { summary: 'crawl the organisation once and apply it (or --dry-run)', run: syncCommand },
}

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  return `Usage: dingtalk-login-server <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun dingtalk-login-server <command> --help for its options.`
}

/** Runs one command line (without `node` and the script); answers the exit code: 0 ok, 1 a finding, 2 a usage error. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage())
    return name === undefined ? 2 : 0
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!command) {
    io.stderr(`dingtalk-login-server: unknown command ${JSON.stringify(name)}\n\n${usage()}`)
    return 2
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(
        `dingtalk-login-server ${name}: ${error.message}\nRun dingtalk-login-server ${name} --help for the options.`,
      )
      return 2
    }
    throw error
  }
}
