import { randomUUID } from 'node:crypto'
import type { SessionRevoker } from '../directory/SessionRevoker'
import type { DingTalkUserDetail } from '../dingtalk/wireTypes'
import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { BindingStore } from '../store/BindingStore'
import { isVacatedUserId } from '../store/vacatedUserId'
import { BindingSync } from './BindingSync'
import { CorpIdMismatchWarnings } from './CorpIdMismatchWarnings'
import type { DDInnerAuth } from './DDInnerAuth'
import { getBoundPerson } from './getBoundPerson'
import { LoginOutcomeLog } from './LoginOutcomeLog'
import type { OnMemberLogin } from './MemberLogin'
import type { LoginCallOptions, QrLoginParams, WorkbenchLoginParams } from './loginParams'
import { optionalName, optionalPlatform, requireCode } from './loginParams'
import type { DingTalkLoginResult, DingTalkUser, ResolvedLocalUser } from './loginResult'
import { requireCorpMember } from './requireCorpMember'
import { contactTypeOf } from './storedProfile'
import { toLoginResult } from './toLoginResult'

export type {
  DingTalkLoginBinding,
  DingTalkLoginFlow,
  DingTalkLoginResult,
  DingTalkUser,
  ResolvedLocalUser,
} from './loginResult'
export type { LoginCallOptions, QrLoginParams, WorkbenchLoginParams } from './loginParams'

/** Settings of the login service. */
export interface DDInnerAuthSvcOptions {
  store: BindingStore
  logger: Logger
  now: () => number
  /** Refresh the stored profile when it is at least this old; 0 = every login. @default 0 */
  profileMaxAgeMs?: number
  /** What to do when a person has no binding and `resolveUser` gives none. @default 'create' */
  onUnbound?: 'create' | 'reject'
  /** Finds (or creates) the app's own user for a DingTalk person on the first login. */
  resolveUser?: (user: DingTalkUser) => Awaitable<ResolvedLocalUser | string>
  /** New local user ids. @default crypto.randomUUID */
  generateId?: () => string
  /**
   * Ends the sessions of a binding whose userid DingTalk handed to another person (read at each use); `null` or
   * unset when the app keeps its own sessions.
   */
  revoker?: () => SessionRevoker | null
  /**
   * Told of each successful login, both flows, before it resolves (the directory marks someone it recorded as left
   * active again); a throw fails the login.
   */
  onMemberLogin?: OnMemberLogin
}

/**
 * The login service (`auths.loginTypes.DDInnerType.services.DDInnerAuthSvc`): finds instances by corp and runs
 * both login flows to a bound, synced local user.
 */
export class DDInnerAuthSvc {
  readonly #instances: readonly DDInnerAuth[]
  readonly #byCorp: ReadonlyMap<string, DDInnerAuth>
  readonly #byName: ReadonlyMap<string, DDInnerAuth>
  readonly #store: BindingStore
  readonly #now: () => number
  readonly #sync: BindingSync
  readonly #outcomes: LoginOutcomeLog
  readonly #corpIdWarnings: CorpIdMismatchWarnings
  readonly #onMemberLogin: OnMemberLogin | undefined

  constructor(instances: readonly DDInnerAuth[], options: DDInnerAuthSvcOptions) {
    this.#instances = instances
    this.#byCorp = new Map(instances.map((i) => [i.corpId, i]))
    this.#byName = new Map(instances.map((i) => [i.name, i]))
    this.#store = options.store
    this.#now = options.now
    this.#outcomes = new LoginOutcomeLog(options.logger, options.now)
    this.#sync = new BindingSync({
      store: options.store,
      logger: options.logger,
      now: options.now,
      profileMaxAgeMs: options.profileMaxAgeMs ?? 0,
      onUnbound: options.onUnbound ?? 'create',
      resolveUser: options.resolveUser,
      generateId: options.generateId ?? randomUUID,
      revoker: options.revoker ?? (() => null),
    })
    this.#corpIdWarnings = new CorpIdMismatchWarnings(options.logger, (corpId) => this.#byCorp.has(corpId))
    this.#onMemberLogin = options.onMemberLogin
  }

  /** The instance serving a corp, or `null`. */
  getAuthByCorpId(corpId: string): DDInnerAuth | null {
    return typeof corpId === 'string' ? (this.#byCorp.get(corpId) ?? null) : null
  }

  /** The instance with this name, or `null`. */
  getAuthByName(name: string): DDInnerAuth | null {
    return this.#byName.get(name) ?? null
  }

  /**
   * Picks the instance for a request: by `instance` name, else by `corpId`, else the only one. Throws
   * `unknown_corp` for an unknown corp or name, `invalid_request` (field `corpId`) when several instances exist
   * and no hint is given.
   */
  pickInstance(hint: { corpId?: string | undefined; instance?: string | undefined } = {}): DDInnerAuth {
    const name = optionalName(hint.instance, 'instance')
    const corpId = optionalName(hint.corpId, 'corpId')
    if (name) {
      const byName = this.#byName.get(name)
      if (!byName || (corpId && byName.corpId !== corpId))
        throw new DingTalkAuthError('unknown_corp', { detail: 'no such instance' })
      return byName
    }
    if (corpId) {
      const byCorp = this.#byCorp.get(corpId)
      if (!byCorp) throw new DingTalkAuthError('unknown_corp', { detail: 'no instance for this corpId' })
      return byCorp
    }
    if (this.#instances.length === 1) return this.#instances[0]!
    throw new DingTalkAuthError('invalid_request', {
      field: 'corpId',
      detail: 'several instances exist: give corpId or instance',
    })
  }

  /**
   * Workbench (in-DingTalk free) login: `topapi/v2/user/getuserinfo` with the cached app token (a free-login code
   * is issued by the corp to one of its members: it proves the membership), the contact type on a first login,
   * then `topapi/v2/user/get` unless the stored profile is fresh. Throws {@link DingTalkAuthError}.
   *
   * Also callable the seed's way: `loginByWorkbench(corpId, authCode, platform?)`.
   */
  async loginByWorkbench(params: WorkbenchLoginParams): Promise<DingTalkLoginResult>
  async loginByWorkbench(corpId: string, authCode: string, platform?: string): Promise<DingTalkLoginResult>
  async loginByWorkbench(
    first: WorkbenchLoginParams | string,
    authCodeArg?: string,
    platformArg?: string,
  ): Promise<DingTalkLoginResult> {
    const params: WorkbenchLoginParams =
      typeof first === 'string'
        ? {
            corpId: first,
            authCode: authCodeArg as string,
            ...(platformArg ? { platform: platformArg } : {}),
          }
        : first
    const started = this.#now()
    let instance: DDInnerAuth | undefined
    try {
      const corpId = optionalName(params?.corpId, 'corpId')
      if (!corpId)
        throw new DingTalkAuthError('invalid_request', { field: 'corpId', detail: 'corpId is required' })
      const authCode = requireCode(params.authCode, 'authCode')
      const platform = optionalPlatform(params.platform)
      instance = this.getAuthByCorpId(corpId) ?? undefined
      if (!instance) throw new DingTalkAuthError('unknown_corp', { detail: 'no instance for this corpId' })
      const client = instance.getClient()
      const call = params.signal ? { signal: params.signal } : {}
      const info = await this.#getUserInfo(instance, authCode, call)
      let detail: DingTalkUserDetail | null = null
      let unionId = info.unionid
      // DingTalk: getuserinfo normally names the unionId. Without it a binding found by userid proves nothing (the
      // userid may have been handed to someone else), so ask v2/user/get who holds the userid now.
      if (!unionId) {
        detail = await client.getUser(info.userid, call)
        unionId = detail.unionid
      }
      if (!unionId)
        throw new DingTalkAuthError('upstream_error', { detail: 'DingTalk gave no unionId for the person' })
      const byUserId = await this.#store.findBinding({ corpId, dingUserId: info.userid })
      // A binding of another unionId under this userid is stale (DingTalk handed the userid on; the sync vacates
      // it). A person who left and came back may have a new userid (DingTalk's choice); the unionId stays.
      const existing =
        byUserId?.unionId === unionId ? byUserId : await this.#store.findBinding({ corpId, unionId })
      let contactType = contactTypeOf(existing)
      if (contactType === null) {
        // Both are needed for a first login: asked side by side, the login waits for one round trip, not two.
        const [member, fetched] = await Promise.all([
          requireCorpMember(client, unionId, call),
          detail ?? client.getUser(info.userid, call),
        ])
        contactType = member.contactType
        detail = fetched
      }
      const result =
        existing && existing.thirdUserId === info.userid && this.#sync.isFresh(existing)
          ? toLoginResult(instance, existing, false)
          : await this.#sync.bindAndSync({
              instance,
              flow: 'workbench',
              existing,
              detail: detail ?? (await client.getUser(info.userid, call)),
              me: null,
              knownUnionId: unionId,
              contactType,
            })
      await this.#memberLoggedIn(instance, result, started)
      this.#outcomes.succeeded('workbench', instance, platform, result, started)
      return result
    } catch (error) {
      throw this.#outcomes.failed('workbench', instance, error, started)
    }
  }

  /**
   * QR / browser login: `userAccessToken` → `users/me` → membership → `v2/user/get`. Membership is checked on
   * every login: with the `corpid` scope DingTalk reports the corp the person chose (only an active member can
   * choose it), otherwise `getbyunionid` asks the corp. External contacts are refused. Only the profile fields
   * are cached (`profileMaxAgeMs`). Throws {@link DingTalkAuthError}.
   *
   * Also callable the seed's way: `loginByQrCode(code, state?, platform?)` (the state is checked by the HTTP
   * layer, not here).
   */
  async loginByQrCode(params: QrLoginParams): Promise<DingTalkLoginResult>
  async loginByQrCode(code: string, state?: string, platform?: string): Promise<DingTalkLoginResult>
  async loginByQrCode(
    first: QrLoginParams | string,
    _state?: string,
    platformArg?: string,
  ): Promise<DingTalkLoginResult> {
    const params: QrLoginParams =
      typeof first === 'string' ? { code: first, ...(platformArg ? { platform: platformArg } : {}) } : first
    const started = this.#now()
    let instance: DDInnerAuth | undefined
    try {
      const code = requireCode(params?.code, 'code')
      const platform = optionalPlatform(params.platform)
      instance = this.pickInstance({ corpId: params.corpId, instance: params.instance })
      const corpId = instance.corpId
      const client = instance.getClient()
      const call = params.signal ? { signal: params.signal } : {}
      const userToken = await client.getUserAccessToken(code, call)
      // DingTalk: corpId is only in the answer when the login scope had `corpid`; then it is the corp the user chose.
      if (userToken.corpId && userToken.corpId !== corpId) {
        this.#corpIdWarnings.foreignCorp(instance, userToken.corpId)
        throw new DingTalkAuthError('corp_mismatch', {
          detail: 'the user chose another organisation than the instance corp',
        })
      }
      const me = await client.getCurrentUser(userToken.accessToken, call)
      const existing = await this.#store.findBinding({ corpId, unionId: me.unionId })
      // The chosen corp proves membership; the contact type of a known binding was recorded when it was made.
      const recordedType = contactTypeOf(existing)
      const recorded =
        existing?.thirdUserId &&
        !isVacatedUserId(existing.thirdUserId) &&
        recordedType !== null &&
        userToken.corpId === corpId
          ? { userid: existing.thirdUserId, unionId: me.unionId, contactType: recordedType }
          : null
      const member = recorded ?? (await requireCorpMember(client, me.unionId, call))
      const result =
        existing && existing.thirdUserId === member.userid && this.#sync.isFresh(existing)
          ? toLoginResult(instance, existing, false)
          : await this.#sync.bindAndSync({
              instance,
              flow: 'qr',
              existing,
              me,
              knownUnionId: me.unionId,
              ...(recorded
                ? await getBoundPerson(client, recorded, call)
                : { detail: await client.getUser(member.userid, call), contactType: member.contactType }),
            })
      await this.#memberLoggedIn(instance, result, started)
      this.#outcomes.succeeded('qr', instance, platform, result, started)
      return result
    } catch (error) {
      throw this.#outcomes.failed('qr', instance, error, started)
    }
  }

  /** Tells `onMemberLogin` that the person of a login is a member of the instance's corp now. */
  async #memberLoggedIn(instance: DDInnerAuth, result: DingTalkLoginResult, started: number): Promise<void> {
    await this.#onMemberLogin?.({
      instance: instance.name,
      corpId: instance.corpId,
      unionId: result.binding.unionId,
      dingUserId: result.binding.dingUserId,
      at: started,
    })
  }

  /** `getuserinfo`; a code DingTalk does not know for this corp gets one warning naming the configuration. */
  async #getUserInfo(instance: DDInnerAuth, authCode: string, call: LoginCallOptions) {
    try {
      return await instance.getClient().getUserInfoByCode(authCode, call)
    } catch (error) {
      this.#corpIdWarnings.getUserInfoFailed(instance, error)
      throw error
    }
  }
}
