import { DingTalkLoginError } from './DingTalkLoginError'
import { compareVersions, detectDingTalkEnv } from './detectDingTalkEnv'
import type { DingTalkEnv, DingTalkPlatform } from './detectDingTalkEnv'

/** What `requestAuthCode` needs. */
export interface RequestAuthCodeOptions {
  /** The corp the user opened the app in. */
  corpId: string
  /** The app's Client ID (AppKey); without it only the old API can be used. */
  clientId?: string
}

/**
 * Our narrow view of the DingTalk JS bridge (style.md C4). Tests and stories pass a fake; the default,
 * {@link createDingTalkBridge}, wraps `dingtalk-jsapi`.
 */
export interface DingTalkBridge {
  /** Where the page runs. Synchronous and cheap: must not load `dingtalk-jsapi`. */
  getEnv(): DingTalkEnv
  /** A free-login code (5 minutes, single use). May never settle: callers add their own timeout. */
  requestAuthCode(options: RequestAuthCodeOptions): Promise<string>
}

// The oldest clients that have the new `requestAuthCode` (jsapi's own `setAPI` table, dingtalk-protocol.md §3.1).
const NEW_API_SINCE: Record<Exclude<DingTalkPlatform, 'not-in-dingtalk'>, string> = {
  ios: '7.0.45',
  android: '7.0.45',
  pc: '7.0.50',
  harmony: '7.0.0',
}

type RequestAuthCodeApi = (params: Record<string, string>) => Promise<unknown>

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
}

// `dingtalk-jsapi` is CommonJS; bundlers hand its default export as `default` or as `default.default`.
function pickApi(mod: unknown): RequestAuthCodeApi {
  const inner = field(mod, 'default')
  const name = 'requestAuthCode$'
  // Read lazily: stop at the first hit.
  for (const read of [
    () => inner,
    () => field(inner, 'default'),
    () => field(mod, name),
    () => field(inner, name),
  ]) {
    const api = read()
    if (typeof api === 'function') return api as RequestAuthCodeApi
  }
  throw new DingTalkLoginError('sdk-load-failed', 'dingtalk-jsapi has no requestAuthCode')
}

const messageOf = (error: unknown) =>
  field(error, 'errorMessage') || (error instanceof Error ? error.message : '')

/** True for the failures that mean "this client has no such API", after which the old API is tried. */
function isUnsupported(error: unknown): boolean {
  const code = String(field(error, 'errorCode'))
  // DingTalk: 4050 = not configured for this platform (jsapi), "1" = the client has no such method.
  return (
    code === '4050' || code === '1' || /not support|not exist|不支持|不存在/i.test(String(messageOf(error)))
  )
}

function toAuthCodeError(error: unknown): DingTalkLoginError {
  if (error instanceof DingTalkLoginError) return error
  const code = field(error, 'errorCode')
  // DingTalk: "-1" is the user cancelling (iOS); other client codes are undocumented.
  const message = String(messageOf(error) || 'requestAuthCode failed')
  return new DingTalkLoginError(
    'auth-code-failed',
    code === undefined ? message : `${message} (${String(code)})`,
    {
      cause: error,
    },
  )
}

async function askFor(load: Promise<unknown>, params: Record<string, string>): Promise<string> {
  const result = await pickApi(await load)(params)
  // DingTalk: documented as `{ code }`; `getAuthCode` variants are typed `{ authCode }`.
  const code = field(result, 'code') || field(result, 'authCode')
  if (typeof code !== 'string' || !code) {
    throw new DingTalkLoginError('auth-code-failed', 'requestAuthCode answered without a code')
  }
  return code
}

/**
 * The default {@link DingTalkBridge} over `dingtalk-jsapi`. The package is imported dynamically, only when
 * `requestAuthCode` runs inside DingTalk, so pages outside DingTalk (and the QR bundle) never load it.
 * The new `requestAuthCode({ corpId, clientId })` is used on clients that have it; older clients (and clients that
 * answer "unsupported") get the old `runtime.permission.requestAuthCode({ corpId })`.
 */
export function createDingTalkBridge(): DingTalkBridge {
  return {
    getEnv: () => detectDingTalkEnv(),
    async requestAuthCode({ corpId, clientId }) {
      const env = detectDingTalkEnv()
      if (!env.inDingTalk) {
        throw new DingTalkLoginError('environment', 'requestAuthCode needs the DingTalk client')
      }
      let dd: unknown
      try {
        // Registers every platform's bridge (PC included); the per-API modules below rely on it.
        dd = await import('dingtalk-jsapi/entry/union')
      } catch (cause) {
        throw new DingTalkLoginError('sdk-load-failed', 'dingtalk-jsapi failed to load', { cause })
      }
      if (field(field(field(dd, 'default') || dd, 'env'), 'platform') === 'notInDingTalk') {
        throw new DingTalkLoginError('environment', 'dingtalk-jsapi found no DingTalk container')
      }
      const since = NEW_API_SINCE[env.platform as keyof typeof NEW_API_SINCE]
      try {
        if (clientId && (!env.version || compareVersions(env.version, since) >= 0)) {
          try {
            return await askFor(import('dingtalk-jsapi/api/union/requestAuthCode'), { corpId, clientId })
          } catch (error) {
            if (!isUnsupported(error)) throw error
          }
        }
        return await askFor(import('dingtalk-jsapi/api/runtime/permission/requestAuthCode'), { corpId })
      } catch (error) {
        throw toAuthCodeError(error)
      }
    },
  }
}
