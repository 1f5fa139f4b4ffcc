#!/usr/bin/env node
import { runCli } from './runCli'

const io = {
  env: process.env,
  stdout: (text: string) => process.stdout.write(`${text}\n`),
  stderr: (text: string) => process.stderr.write(`${text}\n`),
  ...(process.stderr.isTTY ? { progress: (text: string) => process.stderr.write(`\r\x1b[2K${text}`) } : {}),
}

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    io.stderr(`dingtalk-login-server: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)
