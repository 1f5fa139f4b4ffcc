import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createRedisStateStore } from 'dingtalk-login-server'
import { afterEach, expect, it, vi } from 'vitest'
import { createRecordingLogger } from '../support/emulator'

// A Redis server of this test's own, stopped and started again: the shared one must stay up for the other tests.
const REDIS_SERVER = '/usr/bin/redis-server'
let server: ChildProcess | undefined

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ])
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)))
  })
  return child
}

afterEach(() => {
  server?.kill('SIGKILL')
  vi.restoreAllMocks()
})

it('says once that Redis stopped answering and once that it answers again, and prints nothing of its own', async () => {
  const printed = vi.spyOn(console, 'error')
  const port = await freePort()
  server = await startRedis(port)
  const logger = createRecordingLogger()
  const store = await createRedisStateStore({ url: `redis://127.0.0.1:${port}/0`, logger })
  try {
    await store.set('k', 'v', 60_000)
    server.kill('SIGKILL')
    await once(server, 'exit')
    // A call during the outage fails with its own error.
    await expect(store.get('k')).rejects.toThrow()
    await expect.poll(() => logger.lines.length).toBe(1)
    server = await startRedis(port)
    await expect.poll(() => logger.lines.length, { timeout: 10_000 }).toBe(2)
    // The new server keeps nothing (--save ""): the store works again all the same.
    expect(await store.set('k', 'v2', 60_000)).toBe(true)
    expect(await store.get('k')).toBe('v2')
    expect(logger.lines[0]).toMatch(/^warn .*Redis does not answer/)
    expect(logger.lines[1]).toMatch(/^info .*Redis answers again/)
    expect(printed.mock.calls.filter((args) => String(args[0]).includes('ioredis'))).toEqual([])
  } finally {
    await store.close?.()
  }
})
