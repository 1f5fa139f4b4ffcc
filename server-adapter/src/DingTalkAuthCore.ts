import type { TokenCache } from './dingtalk/tokenCache'
import type { Logger } from './logger'
import type { DD_INNER_AUTH_SVC, DDInnerAuth } from './login/DDInnerAuth'
import type { DDInnerAuthSvc } from './login/DDInnerAuthSvc'
import type { StateStore } from './state/StateStore'
import type { BindingStore } from './store/BindingStore'

/** The resolved DingTalk settings, for the HTTP layer (`/config`, `/authorize`). */
export interface ResolvedDingTalkSettings {
  apiBase: string
  oapiBase: string
  loginBase: string
  timeoutMs: number
  scope: string
}

/** The login core without HTTP: the element API plus what the HTTP layer builds on. */
export interface DingTalkAuthCore {
  /** `'auths.loginTypes.DDInnerType.services.DDInnerAuthSvc'` → the service. */
  getElement(fullName: typeof DD_INNER_AUTH_SVC): DDInnerAuthSvc
  /** `'auths.loginTypes.<name>'` → that instance (`DDInnerAuth`), or `null`. */
  getElement(fullName: `auths.loginTypes.${string}`): DDInnerAuth | null
  /** Any other name → the element, or `null`. */
  getElement(fullName: string): DDInnerAuth | DDInnerAuthSvc | null
  /** Every instance, in configuration order. */
  readonly instances: readonly DDInnerAuth[]
  /** The login service (same as `getElement(DD_INNER_AUTH_SVC)`). */
  readonly service: DDInnerAuthSvc
  /** The binding store in use. */
  readonly store: BindingStore
  /** The masking logger in use. */
  readonly logger: Logger
  /** The clock in use. */
  readonly now: () => number
  /** The app-token cache in use. */
  readonly tokenCache: TokenCache
  /**
   * The state store its directory revokes leavers' sessions in and its `sessions` read (`createDingTalkAuth` always
   * has one): a handler created over this core keeps its sessions there unless given another.
   */
  readonly stateStore?: StateStore
  /** DingTalk origins and the login scope. */
  readonly settings: ResolvedDingTalkSettings
  /** Closes the store when this object opened it. */
  close(): Promise<void>
}
