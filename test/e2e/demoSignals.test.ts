import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

interface NpmStart {
  npm: ChildProcess
  stdout: () => string
  /** Resolves once npm and everything it started closed their output: npm's exit code, or its signal. */
  closed: Promise<number | string | null>
}

/** `npm start` exactly as the README says, in its own process group (as in a terminal). */
function npmStart(): NpmStart {
  const dataDir = mkdtempSync(join(tmpdir(), 'dingtalk-demo-signals-'))
  dirs.push(dataDir)
  const npm = spawn('npm', ['start', '--', '--port', '0', '--emulator-port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  npm.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  npm.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const closed = new Promise<number | string | null>((resolve) =>
    npm.once('close', (code, signal) => resolve(code ?? signal)),
  )
  return { npm, stdout: () => out, closed }
}

async function ready(demo: NpmStart): Promise<{ page: URL; emulator: URL }> {
  const deadline = Date.now() + 120_000
  for (;;) {
    const page = /Demo page:\s+(http:\S+)/.exec(demo.stdout())?.[1]
    const emulator = /DingTalk emulator:\s+(http:\S+)/.exec(demo.stdout())?.[1]
    if (page && emulator && demo.stdout().includes('Ctrl-C'))
      return { page: new URL(page), emulator: new URL(emulator) }
    if (demo.npm.exitCode !== null || Date.now() > deadline)
      throw new Error(`npm start did not start:\n${demo.stdout()}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Opens a keep-alive connection to the page and leaves it open (a browser tab does this). */
function holdKeepAlive(url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { connection: 'keep-alive' }, agent: false }, (res) => {
      res.resume()
      res.once('end', () => resolve())
    })
    req.once('error', reject)
    req.end()
  })
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

describe('stopping npm start', () => {
  it('SIGINT to npm itself stops the demo (not only its inner process): "Stopped.", ports free', async () => {
    const demo = npmStart()
    const { page, emulator } = await ready(demo)
    process.kill(demo.npm.pid!, 'SIGINT')
    await demo.closed
    expect(demo.stdout()).toContain('Stopped.')
    expect(demo.stdout()).not.toContain('Forced exit.')
    expect(await isFree(Number(page.port))).toBe(true)
    expect(await isFree(Number(emulator.port))).toBe(true)
  }, 180_000)

  it('Ctrl-C (SIGINT to the whole group, relayed again by npm) with open keep-alive connections: always "Stopped."', async () => {
    const demo = npmStart()
    const { page, emulator } = await ready(demo)
    await holdKeepAlive(page)
    await holdKeepAlive(new URL('/__emulator/stats', emulator))
    process.kill(-demo.npm.pid!, 'SIGINT')
    await demo.closed
    expect(demo.stdout()).toContain('SIGINT: stopping')
    expect(demo.stdout()).toContain('Stopped.')
    expect(demo.stdout()).not.toContain('Forced exit.')
    expect(await isFree(Number(page.port))).toBe(true)
  }, 180_000)
})
