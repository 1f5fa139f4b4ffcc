import { DingTalkAuthError } from '../errors'
import { generateState, hashState, statesEqual } from '../login/state'
import { LOGIN_STATE_KEY_PREFIX } from '../state/StateStore'
import type { StateStore } from '../state/StateStore'
import { serializeCookie } from './cookies'
import type { HandlerSettings } from './handlerOptions'
import { hostCookieName } from './requestContext'
import type { RequestContext } from './requestContext'

/** A login state as stored (under the hash of the state). */
export interface StoredLoginState {
  /** The instance the login is for. */
  instance: string
  /** SHA-256 of the browser-binding nonce: the state is only good in the browser it was issued to. */
  browser: string
  /** The validated returnTo of a redirect login. */
  returnTo?: string
}

/** A well-formed state from the request and the hash of this browser's binding nonce (`null` without one). */
export interface BrowserState {
  state: string
  browser: string | null
}

/** Login states bound to one browser-binding cookie per browser. */
export interface LoginStates {
  /** A fresh state for this browser, and the `Set-Cookie` that (re)sets the browser binding. */
  issue(
    ctx: RequestContext,
    record: Omit<StoredLoginState, 'browser'>,
  ): Promise<{ state: string; cookie: string }>
  /**
   * The request's state (`invalid_state` when missing or malformed) and its browser binding, if any: a repeat
   * after the login ended the binding may still be the same browser by the session it holds.
   */
  browserStateOf(ctx: RequestContext, state: unknown): BrowserState
  /** The hash of this browser's binding nonce, or `null` without one. */
  browserOf(ctx: RequestContext): string | null
  /** Checks the state without using it up. */
  peek(state: BrowserState): Promise<StoredLoginState>
  /** Checks and uses up the state (atomic across processes). */
  take(state: BrowserState): Promise<StoredLoginState>
  /** The `Set-Cookie` that ends the browser binding (login, logout): a replay from this browser is refused. */
  clearCookie(ctx: RequestContext): string
}

const NONCE_PATTERN = /^[A-Za-z0-9_-]{43}$/

function parseStored(raw: string): StoredLoginState | null {
  try {
    const record = JSON.parse(raw) as Partial<StoredLoginState>
    return typeof record.instance === 'string' && typeof record.browser === 'string'
      ? (record as StoredLoginState)
      : null
  } catch {
    return null
  }
}

/**
 * The login states. Each browser holds one long-lived HttpOnly binding cookie (a random nonce, reused while
 * present), and every state records its hash: a second tab, a second QR component or a refresh each get their
 * own state and all of them keep working. The state travels in URLs and bodies; only the nonce is in the cookie
 * and the store keeps hashes of both, so a leaked state (a logged callback URL) is useless in another browser.
 */
export function createLoginStates(stateStore: StateStore, settings: HandlerSettings): LoginStates {
  const cookieNameOf = (ctx: RequestContext) => hostCookieName(settings.stateCookieName, ctx.secure)
  const cookiePathOf = (name: string) => (name.startsWith('__Host-') ? '/' : settings.basePath)
  const keyOf = (state: string) => `${LOGIN_STATE_KEY_PREFIX}${hashState(state)}`

  const nonceOf = (ctx: RequestContext) => {
    const nonce = ctx.cookies.get(cookieNameOf(ctx))
    return nonce && NONCE_PATTERN.test(nonce) ? nonce : null
  }

  const check = (raw: string | null, browser: string | null): StoredLoginState => {
    if (browser === null) {
      throw new DingTalkAuthError('invalid_state', { detail: 'missing or malformed browser binding' })
    }
    const record = raw === null ? null : parseStored(raw)
    if (!record) throw new DingTalkAuthError('invalid_state', { detail: 'unknown, expired or used state' })
    if (!statesEqual(record.browser, browser)) {
      throw new DingTalkAuthError('invalid_state', { detail: 'state does not match the browser binding' })
    }
    return record
  }

  return {
    async issue(ctx, record) {
      const state = generateState()
      const nonce = nonceOf(ctx) ?? generateState()
      const stored: StoredLoginState = { ...record, browser: hashState(nonce) }
      if (!(await stateStore.set(keyOf(state), JSON.stringify(stored), settings.stateTtlMs, 'nx'))) {
        throw new DingTalkAuthError('server_error', { detail: 'state collision' })
      }
      const name = cookieNameOf(ctx)
      // Renewed with every state, the binding outlives every state of the browser.
      const cookie = serializeCookie(name, nonce, {
        path: cookiePathOf(name),
        maxAge: Math.ceil(settings.stateTtlMs / 1000),
        secure: ctx.secure,
      })
      return { state, cookie }
    },
    browserStateOf(ctx, state) {
      if (typeof state !== 'string' || !NONCE_PATTERN.test(state)) {
        throw new DingTalkAuthError('invalid_state', { detail: 'missing or malformed state' })
      }
      const nonce = nonceOf(ctx)
      return { state, browser: nonce ? hashState(nonce) : null }
    },
    browserOf(ctx) {
      const nonce = nonceOf(ctx)
      return nonce ? hashState(nonce) : null
    },
    async peek({ state, browser }) {
      return check(browser === null ? null : await stateStore.get(keyOf(state)), browser)
    },
    async take({ state, browser }) {
      return check(browser === null ? null : await stateStore.take(keyOf(state)), browser)
    },
    clearCookie(ctx) {
      const name = cookieNameOf(ctx)
      return serializeCookie(name, '', { path: cookiePathOf(name), maxAge: 0, secure: ctx.secure })
    },
  }
}
