import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultFixture } from 'dingtalk-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { emulator } from './helpers'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM')
})

function run(args: string[]): {
  child: ChildProcess
  firstLine: Promise<string>
  exit: Promise<{ code: number | null; stderr: string }>
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString()
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!)
    })
    child.on('exit', () => reject(new Error(`exited: ${stderr}`)))
  })
  firstLine.catch(() => undefined)
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  )
  return { child, firstLine, exit }
}

describe('dingtalk-emulator CLI', () => {
  it('prints its base URL and serves DingTalk with the given fixture and latency', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'))
    const file = join(dir, 'fixture.json')
    const fixture = structuredClone(defaultFixture)
    fixture.corps[0]!.name = '自定义组织'
    await writeFile(file, JSON.stringify(fixture))
    const { firstLine } = run(['--port', '0', '--fixture', file, '--latency', '50'])
    const url = await firstLine
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const loaded = (await (await fetch(`${url}/__emulator/fixture`)).json()) as typeof defaultFixture
    expect(loaded.corps[0]!.name).toBe('自定义组织')
    const start = Date.now()
    const app = fixture.apps[0]!
    const token = await (
      await fetch(`${url}/gettoken?appkey=${app.clientId}&appsecret=${app.clientSecret}`)
    ).json()
    expect(token).toMatchObject({ errcode: 0 })
    expect(Date.now() - start).toBeGreaterThanOrEqual(45)
  })

  it('says in one line when the port is taken', async () => {
    const taken = await emulator()
    const { exit } = run(['--port', new URL(taken.url).port])
    const { code, stderr } = await exit
    expect(code).toBe(1)
    expect(stderr.trim()).toBe(
      `dingtalk-emulator: port ${new URL(taken.url).port} on 127.0.0.1 is already in use (try --port 0)`,
    )
  })

  it('rejects bad arguments and bad fixtures without a stack', async () => {
    const bad = await run(['--port', 'abc']).exit
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--port must be 0-65535')
    const missing = await run(['--fixture', '/nonexistent.json']).exit
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^dingtalk-emulator: cannot load fixture \/nonexistent.json/)
    expect(missing.stderr).not.toMatch(/\n\s+at /)
  })
})
