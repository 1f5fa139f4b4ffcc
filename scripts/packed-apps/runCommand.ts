import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'

/** Options of {@link runCommand} and {@link startProcess}. */
export interface CommandOptions {
  cwd: string
  env?: Record<string, string | undefined>
  /** Kills the command (its whole process group) after this long. */
  timeoutMs?: number
}

const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n')

/** Runs a command to its end; throws with the last lines of its output when it fails or times out. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = options.timeoutMs
      ? setTimeout(() => {
          output += `\n[killed after ${options.timeoutMs} ms]`
          killGroup(child)
        }, options.timeoutMs)
      : undefined
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(output)
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${tail(output)}`))
    })
  })
}

/** A long-running process (a server) and how to stop it. */
export interface StartedProcess {
  child: ChildProcess
  output(): string
  /** Stops the whole process group and waits for it. */
  stop(): Promise<void>
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

/** Starts a server process in its own process group, so stopping it also stops what it started. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: CommandOptions,
): StartedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
  return {
    child,
    output: () => output,
    async stop() {
      killGroup(child)
      const forced = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000)
      await exited
      clearTimeout(forced)
    },
  }
}

/** Waits until `url` answers (any HTTP status), or throws with the server's output after `timeoutMs`. */
export async function waitForHttp(url: string, server: StartedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`the server exited:\n${tail(server.output())}`)
    try {
      await fetch(url, { signal: AbortSignal.timeout(5_000) })
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${tail(server.output())}`)
}
