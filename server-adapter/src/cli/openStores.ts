import { describeError } from '../describeError'
import { describeStore } from '../doctor/describeStore'
import { isDingTalkAuthError } from '../errors'
import { sqlFlavorOf } from '../sql/sqlFlavorOf'
import { createStateStore } from '../state/createStateStore'
import type { StateStoreSpec } from '../state/createStateStore'
import type { StateStore } from '../state/StateStore'
import type { BindingStore } from '../store/BindingStore'
import { createBindingStore } from '../store/createBindingStore'
import type { BindingStoreSpec } from '../store/createBindingStore'
import { DEFAULT_STORE, UsageError } from './commonOptions'
import type { CommonOptions } from './commonOptions'

/**
 * A store a command cannot use, found before it did anything: the message names the store (its kind and host,
 * never a user or a password), says what failed and what to do. The command prints it and exits 1.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

/** The stores the flags name, open and answering; the command hands them to `createDingTalkAuth` and closes them. */
export interface CliStores {
  store: BindingStore
  /** `undefined` without `--state-store` (nor REDIS_URL): `createDingTalkAuth` then keeps state in memory. */
  stateStore: StateStore | undefined
  close(): Promise<void>
}

const quietly = async (close: (() => unknown) | undefined) => {
  await Promise.resolve(close?.()).catch(() => undefined)
}

function unavailable(what: string, spec: string, flag: string, env: string, error: unknown) {
  return new StoreUnavailableError(
    `the ${what} (${describeStore(spec)}) does not answer: ${describeError(error)}\n` +
      `Nothing was synced. Check ${flag} (or ${env}) and that its server is up.`,
    { cause: error },
  )
}

async function openStateStore(spec: string): Promise<StateStore> {
  let opened: StateStore | undefined
  try {
    opened = (await createStateStore(spec as StateStoreSpec)).store
    await opened.get('dingtalk:cli-probe')
    return opened
  } catch (error) {
    await quietly(opened?.close?.bind(opened))
    // A spec of an unknown kind is a configuration mistake, already worded by createStateStore.
    if (isDingTalkAuthError(error) && error.code === 'config_error') throw error
    throw unavailable('state store', spec, '--state-store', 'REDIS_URL', error)
  }
}

async function openBindingStore(spec: string): Promise<BindingStore> {
  if (spec !== 'memory' && !sqlFlavorOf(spec))
    throw new UsageError(
      `--store: expected memory, sqlite:<path>, postgres://… or mysql://…, found ${spec.split(':')[0]}:…`,
    )
  let opened: BindingStore | undefined
  try {
    opened = await createBindingStore(spec as BindingStoreSpec)
    await opened.findBinding({ id: 'dingtalk-cli-probe' })
    return opened
  } catch (error) {
    await quietly(opened?.close?.bind(opened))
    throw unavailable('binding store', spec, '--store', 'DATABASE_URL', error)
  }
}

/**
 * Opens the binding store and the state store the flags name and reads each once, before any DingTalk call. Done
 * here rather than left to `createDingTalkAuth`: a Redis state store connects lazily, and the app token is cached
 * in it, so one that is down would otherwise surface inside the crawl as DingTalk failing.
 */
export async function openStores(options: Pick<CommonOptions, 'store' | 'stateStore'>): Promise<CliStores> {
  const stateStore = options.stateStore === undefined ? undefined : await openStateStore(options.stateStore)
  let store: BindingStore
  try {
    store = await openBindingStore(options.store ?? DEFAULT_STORE)
  } catch (error) {
    await quietly(stateStore?.close?.bind(stateStore))
    throw error
  }
  return {
    store,
    stateStore,
    async close() {
      await quietly(store.close?.bind(store))
      await quietly(stateStore?.close?.bind(stateStore))
    },
  }
}
