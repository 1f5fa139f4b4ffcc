import { DingTalkLoginError } from './DingTalkLoginError'
import { compareVersions, detectDingTalkEnv } from './detectDingTalkEnv'
import { toDingTalkLoginError } from './toDingTalkLoginError'
import type { DingTalkEnv } from './detectDingTalkEnv'

/** What `requestAuthCode` needs. */
export interface RequestAuthCodeOptions {
  /** The corp the user opened the app in. */
  corpId: string
  /** The app's Client ID (AppKey); without it only the old API can be used. */
  clientId?: string
}

/**
 * Our narrow view of the DingTalk JS bridge. Tests and stories pass a fake; the default,
 * {@link createDingTalkBridge}, wraps `dingtalk-jsapi`.
 */
export interface DingTalkBridge {
  /** Where the page runs. Synchronous and cheap: must not load `dingtalk-jsapi`. */
  getEnv(): DingTalkEnv
  /** A free-login code (5 minutes, single use). May never settle: callers add their own timeout. */
  requestAuthCode(options: RequestAuthCodeOptions): Promise<string>
}

// The oldest clients that have the new `requestAuthCode` (jsapi's own `setAPI` table).
const NEW_API_SINCE: Record<string, string> = {
  ios: '7.0.45',
  android: '7.0.45',
  pc: '7.0.50',
  harmony: '7.0.0',
}

type RequestAuthCodeApi = (params: Record<string, string>) => Promise<unknown>

/**
 * A `{ errorCode, errorMessage }` container failure (or any error) as `auth-code-failed`, with the client's code;
 * the default bridge's failures and those of an injected one alike.
 */
export function toAuthCodeError(error: unknown): DingTalkLoginError {
  const { errorCode, errorMessage, message } = Object(error)
  // DingTalk: "-1" is the user cancelling (iOS); other client codes are undocumented.
  const clientCode = errorCode === undefined ? '' : ` (${errorCode})`
  return toDingTalkLoginError(
    error,
    'auth-code-failed',
    (errorMessage || message || 'requestAuthCode failed') + clientCode,
  )
}

async function askFor(load: Promise<unknown>, params: Record<string, string>): Promise<string> {
  // `dingtalk-jsapi` is CommonJS; bundlers hand its default export as `default` or as `default.default`.
  const mod = Object(await load)
  const inner = Object(mod.default)
  const fn = (value: unknown) => typeof value === 'function' && (value as RequestAuthCodeApi)
  // Read lazily, stopping at the first hit.
  const api = fn(mod.default) || fn(inner.default) || fn(mod.requestAuthCode$) || fn(inner.requestAuthCode$)
  if (!api) throw new DingTalkLoginError('sdk-load-failed', 'dingtalk-jsapi has no requestAuthCode')
  // DingTalk: documented as `{ code }`; `getAuthCode` variants are typed `{ authCode }`.
  const { code, authCode } = Object(await api(params))
  const result: unknown = code || authCode
  if (!result || typeof result !== 'string') {
    throw new DingTalkLoginError('auth-code-failed', 'requestAuthCode answered without a code')
  }
  return result
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
      const { inDingTalk, version, platform } = detectDingTalkEnv()
      if (!inDingTalk)
        throw new DingTalkLoginError('environment', 'requestAuthCode needs the DingTalk client')
      // Registers every platform's bridge (PC included); the per-API modules below rely on it.
      const dd = Object(
        await import('dingtalk-jsapi/entry/union').catch((cause: unknown) => {
          throw new DingTalkLoginError('sdk-load-failed', 'dingtalk-jsapi failed to load', { cause })
        }),
      )
      if (Object(Object(dd.default || dd).env).platform === 'notInDingTalk') {
        throw new DingTalkLoginError('environment', 'dingtalk-jsapi found no DingTalk container')
      }
      try {
        if (clientId && (!version || compareVersions(version, NEW_API_SINCE[platform]!) >= 0)) {
          try {
            return await askFor(import('dingtalk-jsapi/api/union/requestAuthCode'), { corpId, clientId })
          } catch (error) {
            const { errorCode, errorMessage, message } = Object(error)
            // DingTalk: 4050 = not configured for this platform (jsapi), "1" = the client has no such method.
            if (
              !/^(4050|1)$/.test(errorCode) &&
              !/not support|not exist|不支持|不存在/i.test(errorMessage || message)
            ) {
              throw error
            }
          }
        }
        return await askFor(import('dingtalk-jsapi/api/runtime/permission/requestAuthCode'), { corpId })
      } catch (error) {
        throw toAuthCodeError(error)
      }
    },
  }
}
