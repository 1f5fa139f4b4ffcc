// A login server as one process of a deployment runs it: node:http + toNodeHandler, bindings in PostgreSQL,
// states, used codes and the app-token cache (with its lock) in Redis or PostgreSQL. Started by multiprocess.test.ts with tsx.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeHandler } from '../../src/adapters/node'
import { createDingTalkAuth } from '../../src/createDingTalkAuth'
import type { DingTalkInstanceInput } from '../../src/config/loadInstances'
import { createRedisStateStore } from '../../src/state/createRedisStateStore'

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required`)
  return value
}

const emulatorUrl = env('EMULATOR_URL')
const instances = JSON.parse(env('INSTANCES')) as DingTalkInstanceInput[]
const auth = await createDingTalkAuth({
  instances,
  store: env('STORE_URL') as `postgres://${string}`,
  tablePrefix: env('TABLE_PREFIX'),
  // Redis, or (a SQL-only deployment) the same PostgreSQL database as the bindings.
  stateStore: env('STATE_URL').startsWith('redis')
    ? await createRedisStateStore({ url: env('STATE_URL'), keyPrefix: env('REDIS_PREFIX') })
    : (env('STATE_URL') as `postgres://${string}`),
  session: { secret: env('SESSION_SECRET') },
  dingtalk: { apiBase: emulatorUrl, oapiBase: emulatorUrl, loginBase: emulatorUrl, timeoutMs: 10_000 },
  http: { defaultInstance: instances[0]!.name },
  logger: {
    debug() {},
    info() {},
    warn: (o) => console.error(JSON.stringify(o)),
    error: (o) => console.error(JSON.stringify(o)),
  },
})
const server = createServer(toNodeHandler(auth))
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`)
})
process.on('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => {
    void auth.close().then(() => process.exit(0))
  })
})
