import { parseArgs } from 'node:util'
import type { DingTalkAuthOptions } from '../DingTalkAuthOptions'

/** The flags every command shares (`doctor`, and `sync` of the directory): where the instances, store and DingTalk are. */
export interface CommonOptions {
  instances: string
  store: string | undefined
  stateStore: string | undefined
  publicOrigin: string | undefined
  dingtalkBase: string | undefined
  json: boolean
}

/** `parseArgs` option specs of {@link CommonOptions}, for commands to spread into their own. */
export const COMMON_FLAGS = {
  instances: { type: 'string' },
  store: { type: 'string' },
  'state-store': { type: 'string' },
  'public-origin': { type: 'string' },
  'dingtalk-base': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

/** The binding store without `--store` or DATABASE_URL (the same as `createDingTalkAuth`'s). */
export const DEFAULT_STORE = 'sqlite:./data/dingtalk-login.sqlite'

export const COMMON_USAGE = `  --instances <dir>       login instances folder (auths/loginTypes)   [default: ./auths/loginTypes]
  --store <url>           binding store: sqlite:<path>, postgres://…, mysql://…, memory   [default: env DATABASE_URL, else ${DEFAULT_STORE}]
  --state-store <url>     state store: redis://…, a SQL URL, memory   [default: env REDIS_URL, else memory]
  --public-origin <url>   the origin users open (https://app.example.com)   [default: env PUBLIC_ORIGIN]
  --dingtalk-base <url>   one origin for DingTalk's api, oapi and login hosts (the emulator)   [default: env DINGTALK_BASE_URL]
  --json                  print { ok, checks } as JSON`

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Parses the shared flags (plus a command's own) and fills defaults from the environment. */
export function parseCommonOptions(
  args: readonly string[],
  env: Record<string, string | undefined>,
): CommonOptions & { help: boolean } {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...args],
      options: COMMON_FLAGS,
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined)
  const dingtalkBase = text('dingtalk-base') ?? (env.DINGTALK_BASE_URL || undefined)
  if (dingtalkBase !== undefined && !/^https?:\/\/[^/]/.test(dingtalkBase)) {
    throw new UsageError(`--dingtalk-base: expected an http(s) URL, found ${JSON.stringify(dingtalkBase)}`)
  }
  return {
    instances: text('instances') ?? './auths/loginTypes',
    store: text('store') ?? (env.DATABASE_URL || undefined),
    stateStore: text('state-store') ?? (env.REDIS_URL || undefined),
    publicOrigin: text('public-origin') ?? (env.PUBLIC_ORIGIN || undefined),
    dingtalkBase: dingtalkBase?.replace(/\/+$/, ''),
    json: values.json === true,
    help: values.help === true,
  }
}

/** The `createDingTalkAuth` options the shared flags stand for. */
export function toAuthOptions(
  options: CommonOptions,
): Pick<DingTalkAuthOptions, 'instances' | 'store' | 'stateStore' | 'dingtalk'> {
  return {
    instances: options.instances,
    ...(options.store ? { store: options.store as DingTalkAuthOptions['store'] } : {}),
    ...(options.stateStore ? { stateStore: options.stateStore as DingTalkAuthOptions['stateStore'] } : {}),
    ...(options.dingtalkBase
      ? {
          dingtalk: {
            apiBase: options.dingtalkBase,
            oapiBase: options.dingtalkBase,
            loginBase: options.dingtalkBase,
          },
        }
      : {}),
  }
}
