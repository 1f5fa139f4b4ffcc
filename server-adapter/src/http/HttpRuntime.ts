import type { DingTalkAuthCore } from '../DingTalkAuthCore'
import type { DirectoryCallbackReceiver } from '../directory/createCallbackReceiver'
import type { Awaitable } from '../dingtalk/tokenCache'
import type { DingTalkLoginResult } from '../login/loginResult'
import type { SessionManager } from '../session/createSessionManager'
import type { StateStore } from '../state/StateStore'
import type { HandlerSettings } from './handlerOptions'
import type { LoginStates } from './loginStates'
import type { RateLimiter } from './rateLimiter'
import type { RequestContext } from './requestContext'

/** What every route works with: the login core, the resolved settings and the HTTP layer's parts. */
export interface HttpRuntime {
  core: DingTalkAuthCore
  settings: HandlerSettings
  stateStore: StateStore
  /** Built-in sessions, or `null` when the host takes logins with `onLogin`. */
  sessions: SessionManager | null
  onLogin: ((result: DingTalkLoginResult, request: Request) => Awaitable<Response | void>) | null
  /** DingTalk's HTTP callbacks of the directory (`POST /events`), or `null` when nothing receives them. */
  callbacks: DirectoryCallbackReceiver | null
  loginStates: LoginStates
  rateLimiter: RateLimiter
  /** Warns (once per pair) when the calling page is on another origin than the `redirectUri`. */
  warnOriginMismatch(ctx: RequestContext, redirectUri: string): void
}

/** One route: a request in, a response out; refusals are thrown as `DingTalkAuthError`. */
export type Route = (runtime: HttpRuntime, ctx: RequestContext) => Promise<Response>
