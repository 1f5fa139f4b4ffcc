import { loadInstances } from './config/loadInstances'
import {
  DDInnerClient,
  DINGTALK_API_BASE,
  DINGTALK_LOGIN_BASE,
  DINGTALK_OAPI_BASE,
} from './dingtalk/DingTalkClient'
import { createMemoryTokenCache } from './dingtalk/tokenCache'
import { createDoctorInput } from './doctor/createDoctorInput'
import { describeStore, logDingTalkProblems, runDoctor } from './doctor/index'
import type { DoctorReport } from './doctor/index'
import { DingTalkAuthError, isDingTalkAuthError } from './errors'
import { createConsoleLogger, createMaskingLogger } from './logger'
import { DD_INNER_AUTH_SVC, DDInnerAuth } from './login/DDInnerAuth'
import { DDInnerAuthSvc } from './login/DDInnerAuthSvc'
import type { OnMemberLogin } from './login/MemberLogin'
import type { DingTalkAuthCore, ResolvedDingTalkSettings } from './DingTalkAuthCore'
import { createDingTalkHandler } from './http/createDingTalkHandler'
import type { DingTalkHandler } from './http/createDingTalkHandler'
import type { DingTalkHttpHandler, DingTalkSessionSource } from './http/DingTalkHttpHandler'
import { createSessionIndex } from './session/sessionIndex'
import type { SessionIndex } from './session/sessionIndex'
import { createStateStore } from './state/createStateStore'
import type { StateStoreSpec } from './state/createStateStore'
import type { StateStore } from './state/StateStore'
import { toTokenCache } from './state/toTokenCache'
import type { BindingStore } from './store/BindingStore'
import { createBindingStore } from './store/createBindingStore'
import type { DingTalkDirectory } from './directory/DingTalkDirectory'
import type { SessionRevoker } from './directory/SessionRevoker'
import { createAuthDirectory } from './directory/createAuthDirectory'
import { createUnconfiguredHandler } from './http/createUnconfiguredHandler'
import type { DingTalkAuthOptions } from './DingTalkAuthOptions'
import { createDingTalkSessions } from './session/createDingTalkSessions'
import type { DingTalkSessions } from './session/createDingTalkSessions'

/** What {@link createDingTalkAuth} returns: the login core plus its web-standard HTTP handler. */
export interface DingTalkAuth extends DingTalkAuthCore, DingTalkHttpHandler {
  /**
   * Serves the login HTTP routes (`/config`, `/login/qr`, `/login/workbench`, `/authorize`, `/callback`,
   * `/session`, `/logout`) and, with `directory.events: 'callback'`, DingTalk's callbacks (`POST /events`) under
   * `basePath` (`Request` → `Response`, never throws). Without `session` or `onLogin` in the options the login
   * routes answer `config_error`.
   */
  handler(request: Request): Promise<Response>
  /** The state store in use. */
  readonly stateStore: StateStore
  /** The organisation: sync, look-ups, events and the schedule (`start()` / `stop()`). */
  readonly directory: DingTalkDirectory
  /**
   * Asks DingTalk and the deployment what is wrong: for each instance the credentials, the published app, the corp,
   * the agentId (where DingTalk tells), the permissions each login feature needs, with `directory` the directory
   * sync's permissions and its events (a Stream ticket, or the callback keys and URL), the registered redirect URI,
   * the IP allow-list, the clock and throttling; locally the stores, the session secret, cookies and the public
   * origin.
   */
  doctor(): Promise<DoctorReport>
  /** Every session of a user or a DingTalk person: list them, and end them everywhere at once. */
  readonly sessions: DingTalkSessions
  /**
   * The signed-in person of a web `Request` (session cookie or `Authorization: Bearer`), or `null`: no session, a
   * tampered or expired one, or one ended by logout or revocation (checked in the state store on every call).
   */
  getSession(request: Request): ReturnType<DingTalkSessionSource['getSession']>
}

/**
 * Creates the DingTalk login core: validates the instances, opens (and migrates) the store, builds one
 * {@link DDInnerClient} per instance. Throws `DingTalkConfigError` (code `config_error`) for bad configuration.
 *
 * @example
 * const auth = await createDingTalkAuth({ instances: './auths/loginTypes', store: 'sqlite:./data/login.sqlite' })
 * const svc = auth.getElement('auths.loginTypes.DDInnerType.services.DDInnerAuthSvc')
 * const result = await svc.loginByWorkbench({ corpId, authCode, platform: 'ios' })
 */
export async function createDingTalkAuth(options: DingTalkAuthOptions): Promise<DingTalkAuth> {
  const resolved = loadInstances(options.instances, options.env ?? process.env)
  const logger = createMaskingLogger(options.logger ?? createConsoleLogger('warn'))
  const now = options.now ?? (() => Date.now())
  const { store: stateStore, owned: ownsStateStore } = await createStateStore(
    (options.stateStore ?? 'memory') as StateStoreSpec,
    {
      now,
      logger,
      ...(options.tablePrefix ? { tablePrefix: options.tablePrefix } : {}),
    },
  )
  // A shared state store also shares app tokens, so several processes fetch each one once between them.
  const tokenCache =
    options.tokenCache ?? (options.stateStore ? toTokenCache(stateStore) : createMemoryTokenCache())
  const dt = options.dingtalk ?? {}
  const settings: ResolvedDingTalkSettings = {
    apiBase: dt.apiBase ?? DINGTALK_API_BASE,
    oapiBase: dt.oapiBase ?? DINGTALK_OAPI_BASE,
    loginBase: dt.loginBase ?? DINGTALK_LOGIN_BASE,
    timeoutMs: dt.timeoutMs ?? 5_000,
    scope: options.scope ?? 'openid corpid',
  }
  const storeSpec = options.store ?? 'sqlite:./data/dingtalk-login.sqlite'
  let store: BindingStore
  try {
    store = await createBindingStore(
      storeSpec,
      options.tablePrefix ? { tablePrefix: options.tablePrefix } : {},
    )
  } catch (error) {
    if (ownsStateStore) await stateStore.close?.()
    if (isDingTalkAuthError(error)) throw error
    throw new DingTalkAuthError('config_error', {
      cause: error,
      detail: `store: could not open ${typeof storeSpec === 'string' ? storeSpec.split(':')[0] : 'the given'} store: ${
        error instanceof Error ? error.message : String(error)
      }`,
    })
  }
  const instances = resolved.map(
    (instance) =>
      new DDInnerAuth(
        instance,
        new DDInnerClient(
          {
            appKey: instance.authConfig.appKey,
            appSecret: instance.authConfig.appSecret,
            corpId: instance.authConfig.corpId,
          },
          {
            apiBase: settings.apiBase,
            oapiBase: settings.oapiBase,
            loginBase: settings.loginBase,
            timeoutMs: settings.timeoutMs,
            now,
            tokenCache,
            logger,
            ...(options.fetch ? { fetch: options.fetch } : {}),
            ...(dt.retry ? { retry: dt.retry } : {}),
            ...(dt.tokenRefreshMarginMs !== undefined
              ? { tokenRefreshMarginMs: dt.tokenRefreshMarginMs }
              : {}),
          },
        ),
      ),
  )
  // A leaver's sessions (and those of a binding whose userid DingTalk handed on) end through the session index,
  // which exists even where this process issues no sessions itself (the sync CLI): the revocation lands in the
  // shared state store the servers read. Set once the index exists, below.
  let revoker: SessionRevoker | null = null
  // A login of someone the directory recorded as left tells it they are back. Set once the directory exists, below.
  let onMemberLogin: OnMemberLogin | null = null
  const service = new DDInnerAuthSvc(instances, {
    store,
    logger,
    now,
    revoker: () => revoker,
    onMemberLogin: (login) => onMemberLogin?.(login),
    ...(options.profileMaxAgeMs !== undefined ? { profileMaxAgeMs: options.profileMaxAgeMs } : {}),
    ...(options.onUnbound ? { onUnbound: options.onUnbound } : {}),
    ...(options.resolveUser ? { resolveUser: options.resolveUser } : {}),
  })
  const byFullName = new Map(instances.map((i) => [i.fullName, i]))
  const ownsStore = typeof storeSpec === 'string'

  function getElement(fullName: typeof DD_INNER_AUTH_SVC): DDInnerAuthSvc
  function getElement(fullName: `auths.loginTypes.${string}`): DDInnerAuth | null
  function getElement(fullName: string): DDInnerAuth | DDInnerAuthSvc | null
  function getElement(fullName: string): DDInnerAuth | DDInnerAuthSvc | null {
    if (fullName === DD_INNER_AUTH_SVC) return service
    return byFullName.get(fullName) ?? null
  }

  const core: DingTalkAuthCore = {
    getElement,
    instances,
    service,
    store,
    logger,
    now,
    tokenCache,
    stateStore,
    settings,
    async close() {
      if (ownsStore) await store.close?.()
      if (ownsStateStore) await stateStore.close?.()
    },
  }
  let directory: DingTalkDirectory
  let http: DingTalkHttpHandler & Partial<Pick<DingTalkHandler, 'getSession' | 'sessions'>>
  try {
    const authDirectory = createAuthDirectory(
      options.directory,
      options.fetch,
      core,
      stateStore,
      () => revoker,
    )
    directory = authDirectory.directory
    onMemberLogin = authDirectory.onMemberLogin
    http =
      options.session || options.onLogin || directory.receivesCallbacks
        ? createDingTalkHandler(core, {
            ...options.http,
            stateStore,
            directory,
            ...(options.basePath !== undefined ? { basePath: options.basePath } : {}),
            ...(options.session ? { session: options.session } : {}),
            ...(options.onLogin ? { onLogin: options.onLogin } : {}),
          })
        : createUnconfiguredHandler(options.basePath, logger)
  } catch (error) {
    await core.close()
    throw error
  }
  const basePath = http.basePath
  const publicOrigin = options.http?.publicOrigin
  const sessionManager = http.sessions ?? null
  const index: SessionIndex =
    sessionManager?.index ??
    createSessionIndex({ stateStore, now, maxAgeMs: (options.session?.maxAgeSeconds ?? 604_800) * 1000 })
  const sessions = createDingTalkSessions({ store, index, verifier: sessionManager })
  const getSession = http.getSession ?? (async () => null)
  revoker = { revokeBinding: (bindingId) => index.revoke({ bindingId }) }
  const doctorInput = createDoctorInput({
    instances: resolved,
    settings,
    now,
    fetch: options.fetch,
    publicOrigin,
    basePath,
    directory: options.directory,
  })
  if (options.verifyOnStart) await logDingTalkProblems(doctorInput, logger)
  const doctor = () =>
    runDoctor(doctorInput, {
      store,
      storeName: describeStore(storeSpec),
      stateStore,
      stateStoreName: describeStore(options.stateStore ?? 'memory'),
      session: options.session,
      ownSessions: Boolean(options.onLogin),
      publicOrigin,
      trustProxy: Boolean(options.http?.trustProxy),
      production: process.env.NODE_ENV === 'production',
    })
  return {
    ...core,
    getElement,
    handler: (request) => http.handler(request),
    basePath,
    stateStore,
    sessions,
    getSession: (request) => getSession(request),
    doctor,
    directory,
    async close() {
      await directory.stop()
      await core.close()
    },
  }
}
