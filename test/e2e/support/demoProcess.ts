import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/** `npm start` as a user runs it: its own process group, so a signal reaches it as Ctrl-C in a terminal does. */
export interface StartedDemo {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves once every process of the group closed its output: the exit code of `npx`, or its signal. */
  exited: Promise<number | string | null>
}

/** What `npm start` printed once ready. */
export interface DemoUrls {
  page: string
  phone: string
  directory: string
}

/** Starts `demo/start.ts` with these environment variables added. */
export function startDemoProcess(env: Record<string, string>): StartedDemo {
  const child = spawn('npx', ['tsx', 'demo/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
  // 'close', not 'exit': npx may end before the demo process under it has finished writing and stopping.
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal)),
  )
  return { child, stdout: () => out, stderr: () => err, exited }
}

/** Waits for the URLs `npm start` prints once ready (up to 90 s). */
export async function readyUrls(demo: StartedDemo): Promise<DemoUrls> {
  const deadline = Date.now() + 90_000
  for (;;) {
    const page = /Demo page:\s+(http:\S+)/.exec(demo.stdout())?.[1]
    const phone = /Phone \(scan here\):\s+(http:\S+)/.exec(demo.stdout())?.[1]
    const directory = /Directory \(live\):\s+(http:\S+)/.exec(demo.stdout())?.[1]
    if (page && phone && directory) return { page, phone, directory }
    if (demo.child.exitCode !== null || demo.child.signalCode !== null || Date.now() > deadline) {
      throw new Error(`npm start did not become ready:\n${demo.stdout()}\n${demo.stderr()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Ctrl-C: SIGINT to the whole process group, as a terminal sends it. npm's `npx` itself dies of the signal; the demo
 * must print that it stopped and give its ports back.
 */
export async function interrupt(demo: StartedDemo, ports: number[]): Promise<void> {
  process.kill(-demo.child.pid!, 'SIGINT')
  expect([0, 'SIGINT']).toContain(await demo.exited)
  expect(demo.stdout()).toContain('SIGINT: stopping')
  expect(demo.stdout()).toContain('Stopped.')
  for (const port of ports) expect(await isFree(port)).toBe(true)
}

/** Kills what is still running of a demo the test could not stop (after a failure). */
export function killDemo(demo: StartedDemo): void {
  if (demo.child.exitCode !== null || demo.child.signalCode !== null) return
  try {
    process.kill(-demo.child.pid!, 'SIGKILL')
  } catch {
    // already gone
  }
}

export async function isFree(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
