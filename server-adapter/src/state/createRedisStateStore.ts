import type { Logger } from '../logger'
import type * as IoRedis from 'ioredis'
import { importOptionalPeer } from '../drivers/importOptionalPeer'
import type { StateStore } from './StateStore'

/**
 * The part of a Redis client the store uses: `EVAL` and `GET` (ioredis' `Redis` and `Cluster` fit, as does any
 * client with the same two methods). Every write is one Lua script, so each operation is atomic on the server.
 */
export interface RedisClientLike {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>
  get(key: string): Promise<string | null>
  quit?(): Promise<unknown>
}

/** Options of {@link createRedisStateStore}. */
export interface RedisStateStoreOptions {
  /** A `redis://` / `rediss://` URL; the store then opens (and on `close()` closes) its own ioredis client. */
  url?: string
  /** Or a client you own (it is not closed by `close()`). */
  client?: RedisClientLike
  /** Prefix of every key, so the store shares a database with the app safely. @default 'dingtalk-login:' */
  keyPrefix?: string
  /**
   * Where the client of `url` says that Redis stopped answering (once per outage) and answers again.
   * @default none: the failed calls still fail, with their own errors
   */
  logger?: Pick<Logger, 'warn' | 'info'>
}

const SET = `
local mode = ARGV[3]
if mode == 'nx' then
  return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') and 1 or 0
elseif mode == 'xx' then
  return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX') and 1 or 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`

// GETDEL needs Redis 6.2; the script works on every version that has Lua.
const TAKE = `
local value = redis.call('GET', KEYS[1])
if value then redis.call('DEL', KEYS[1]) end
return value`

const DELETE = `
if ARGV[1] == '1' and redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
return redis.call('DEL', KEYS[1])`

const EXTEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`

// Sets are sorted sets scored by each member's expiry (the server's clock), so members expire one by one.
const NOW_MS = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`

const ADD_TO_SET = `${NOW_MS}
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`

const SET_MEMBERS = `${NOW_MS}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`

const REMOVE_FROM_SET = `return redis.call('ZREM', KEYS[1], ARGV[1])`

type IoRedisModule = typeof IoRedis

async function openClient(url: string, logger: RedisStateStoreOptions['logger']): Promise<RedisClientLike> {
  const mod = await importOptionalPeer<IoRedisModule>('ioredis')
  const client = new mod.Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false })
  // ioredis emits 'error' at every failed reconnect and, with no listener, prints each one with its stack to
  // stderr. The calls made meanwhile fail with their own errors; one line per outage says the rest.
  let down = false
  client.on('error', (error: Error) => {
    if (down) return
    down = true
    logger?.warn({ err: error }, 'state store: Redis does not answer; reconnecting')
  })
  client.on('ready', () => {
    if (!down) return
    down = false
    logger?.info({}, 'state store: Redis answers again')
  })
  return client as unknown as RedisClientLike
}

/**
 * A {@link StateStore} in Redis (`ioredis`): several server processes share login states, used codes, the
 * app-token cache and its lock, so a state issued by one process is consumed by another and each app token is
 * fetched once between them.
 *
 * @example
 * const stateStore = await createRedisStateStore({ url: process.env.REDIS_URL })
 */
export async function createRedisStateStore(options: RedisStateStoreOptions): Promise<StateStore> {
  if (!options.client && !options.url) throw new TypeError('createRedisStateStore: give `url` or `client`')
  const owned = !options.client
  const client = options.client ?? (await openClient(options.url as string, options.logger))
  const prefix = options.keyPrefix ?? 'dingtalk-login:'
  const k = (key: string) => prefix + key
  const ms = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs))

  return {
    async set(key, value, ttlMs, mode) {
      return (await client.eval(SET, 1, k(key), value, ms(ttlMs), mode ?? '')) === 1
    },
    get: (key) => client.get(k(key)),
    async take(key) {
      const value = await client.eval(TAKE, 1, k(key))
      return typeof value === 'string' ? value : null
    },
    async delete(key, expected) {
      const deleted = await client.eval(DELETE, 1, k(key), expected === undefined ? '0' : '1', expected ?? '')
      return deleted === 1
    },
    async extend(key, expected, ttlMs) {
      return (await client.eval(EXTEND, 1, k(key), expected, ms(ttlMs))) === 1
    },
    async addToSet(setKey, member, ttlMs) {
      await client.eval(ADD_TO_SET, 1, k(`set:${setKey}`), member, ms(ttlMs))
    },
    async setMembers(setKey) {
      const members = await client.eval(SET_MEMBERS, 1, k(`set:${setKey}`))
      return Array.isArray(members) ? members.filter((m): m is string => typeof m === 'string') : []
    },
    async removeFromSet(setKey, member) {
      await client.eval(REMOVE_FROM_SET, 1, k(`set:${setKey}`), member)
    },
    async close() {
      if (owned) await client.quit?.()
    },
  }
}
