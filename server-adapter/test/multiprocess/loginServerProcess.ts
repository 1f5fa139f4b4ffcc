import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createSqlBindingStore } from 'dingtalk-login-server'
import type { DingTalkInstanceInput } from 'dingtalk-login-server'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SERVER = fileURLToPath(new URL('./loginServer.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

/** What one process of a deployment shares with the others (see `loginServer.ts`). */
export interface LoginServerSettings {
  emulatorUrl: string
  instances: DingTalkInstanceInput[]
  /** The bindings' PostgreSQL database. */
  storeUrl: string
  tablePrefix: string
  /** Redis, or (a SQL-only deployment) the bindings' PostgreSQL database. */
  stateUrl: string
  redisPrefix: string
  sessionSecret: string
}

/** A running login server process. */
export interface LoginServerProcess {
  process: ChildProcess
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** What it wrote to stderr (its warnings and errors). */
  stderr: string[]
}

/** Starts `loginServer.ts` under tsx and resolves once it listens (rejects with its stderr if it cannot start). */
export function startLoginServer(settings: LoginServerSettings): Promise<LoginServerProcess> {
  const env = {
    EMULATOR_URL: settings.emulatorUrl,
    INSTANCES: JSON.stringify(settings.instances),
    STORE_URL: settings.storeUrl,
    TABLE_PREFIX: settings.tablePrefix,
    STATE_URL: settings.stateUrl,
    REDIS_PREFIX: settings.redisPrefix,
    SESSION_SECRET: settings.sessionSecret,
  }
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [SERVER], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stderr: string[] = []
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`login server did not start: ${stderr.join('')}`)),
      20_000,
    )
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /LISTENING (\d+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve({ process: child, origin: `http://127.0.0.1:${match[1]}`, stderr })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`login server exited with ${code}: ${stderr.join('')}`))
    })
  })
}

/** Stops a login server (SIGTERM: it closes its connections and its auth) and resolves once it exited. */
export function stopLoginServer(server: LoginServerProcess): Promise<void> {
  if (server.process.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    server.process.removeAllListeners('exit')
    server.process.once('exit', () => resolve())
    server.process.kill('SIGTERM')
  })
}

/** Creates the store's tables once up front, as a deployment migrates before it scales out. */
export async function migrateSharedStore(storeUrl: string, tablePrefix: string): Promise<void> {
  const store = await createSqlBindingStore({ url: storeUrl, tablePrefix })
  await store.close()
}

/** Drops the store's tables a test made. */
export async function dropSharedStore(storeUrl: string, tablePrefix: string): Promise<void> {
  const store = await createSqlBindingStore({ url: storeUrl, tablePrefix })
  await store.dropTables()
  await store.close()
}

/** Deletes the Redis keys a test's processes wrote (every key under `keyPrefix`). */
export async function deleteRedisKeys(redisUrl: string, keyPrefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const client = new Redis(redisUrl)
  const keys = await client.keys(`${keyPrefix}*`)
  if (keys.length > 0) await client.del(...keys)
  await client.quit()
}
