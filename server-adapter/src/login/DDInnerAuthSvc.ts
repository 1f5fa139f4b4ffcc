import { randomUUID } from 'node:crypto'
import { DingTalkApiError } from '../dingtalk/DingTalkApiError'
import type { DDInnerClient } from '../dingtalk/DingTalkClient'
import type { DingTalkCurrentUser, DingTalkUserDetail } from '../dingtalk/wireTypes'
import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { BindingProfile, BindingStore, DDInnerAuthModel, LocalUser } from '../store/BindingStore'
import type { DDInnerAuth } from './DDInnerAuth'
import type { DingTalkLoginFlow, DingTalkLoginResult, DingTalkUser, ResolvedLocalUser } from './loginResult'
import { toBindingView } from './toBindingView'
import { toDingTalkAuthError } from './toDingTalkAuthError'

export type {
  DingTalkLoginBinding,
  DingTalkLoginFlow,
  DingTalkLoginResult,
  DingTalkUser,
  ResolvedLocalUser,
} from './loginResult'

/** Per-call options of the login methods. */
export interface LoginCallOptions {
  /** Aborts the DingTalk calls of this login. */
  signal?: AbortSignal
}

/** Parameters of {@link DDInnerAuthSvc.loginByWorkbench}. */
export interface WorkbenchLoginParams extends LoginCallOptions {
  corpId: string
  /** The free-login code from `dd.requestAuthCode`. */
  authCode: string
  /** The client platform (`ios`, `android`, `pc`, …), for logs. */
  platform?: string
}

/** Parameters of {@link DDInnerAuthSvc.loginByQrCode}. */
export interface QrLoginParams extends LoginCallOptions {
  /** The OAuth authCode from the QR / login page. */
  code: string
  /** `web` or `mobile`, for logs. */
  platform?: string
  /** Picks the instance by corp (needed when several instances exist and `instance` is not given). */
  corpId?: string
  /** Picks the instance by name. */
  instance?: string
}

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
}

/** `contact_type` of `getbyunionid`: 1 is an external contact, never a member. */
const EXTERNAL_CONTACT = 1
/** getuserinfo: "不存在的临时授权码", the code is unknown (used, expired, or of another corp). */
const UNKNOWN_FREE_LOGIN_CODE = 40078

/** What a profile sync needs: the person as DingTalk described them in this login. */
interface SyncInput {
  instance: DDInnerAuth
  flow: DingTalkLoginFlow
  existing: DDInnerAuthModel | null
  detail: DingTalkUserDetail
  me: DingTalkCurrentUser | null
  knownUnionId: string | undefined
  /** From `getbyunionid` in this login or recorded with the binding: kept with the profile. */
  contactType: number
}

/**
 * The contact type recorded with a binding when DingTalk confirmed it (`getbyunionid`), or `null` when the
 * binding predates the record: then the login asks DingTalk again.
 */
function contactTypeOf(binding: DDInnerAuthModel | null): number | null {
  if (!binding?.rawProfile) return null
  try {
    const recorded = (JSON.parse(binding.rawProfile) as { contactType?: unknown }).contactType
    return typeof recorded === 'number' && recorded !== EXTERNAL_CONTACT ? recorded : null
  } catch {
    return null
  }
}

const CODE_PATTERN = /^[\x21-\x7e]{1,512}$/
const PLATFORM_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/

function requireCode(value: unknown, field: string): string {
  if (typeof value !== 'string' || !CODE_PATTERN.test(value)) {
    throw new DingTalkAuthError('invalid_request', {
      field,
      detail: `${field} must be a non-empty code of printable ASCII`,
    })
  }
  return value
}

function optionalPlatform(value: unknown): string {
  if (value === undefined || value === null) return 'unknown'
  if (typeof value !== 'string' || !PLATFORM_PATTERN.test(value)) {
    throw new DingTalkAuthError('invalid_request', {
      field: 'platform',
      detail: 'platform must be a short name such as "web"',
    })
  }
  return value
}

function optionalName(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || value.length > 128) {
    throw new DingTalkAuthError('invalid_request', { field, detail: `${field} must be a string` })
  }
  return value
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
  readonly #logger: Logger
  readonly #now: () => number
  readonly #profileMaxAgeMs: number
  readonly #onUnbound: 'create' | 'reject'
  readonly #resolveUser: DDInnerAuthSvcOptions['resolveUser']
  readonly #generateId: () => string
  /** Configuration warnings already logged, so a wrong corpId is said once, not on every login. */
  readonly #warned = new Set<string>()

  constructor(instances: readonly DDInnerAuth[], options: DDInnerAuthSvcOptions) {
    this.#instances = instances
    this.#byCorp = new Map(instances.map((i) => [i.corpId, i]))
    this.#byName = new Map(instances.map((i) => [i.name, i]))
    this.#store = options.store
    this.#logger = options.logger
    this.#now = options.now
    this.#profileMaxAgeMs = options.profileMaxAgeMs ?? 0
    this.#onUnbound = options.onUnbound ?? 'create'
    this.#resolveUser = options.resolveUser
    this.#generateId = options.generateId ?? randomUUID
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
      const existing = await this.#store.findBinding({ corpId, dingUserId: info.userid })
      let contactType = contactTypeOf(existing)
      let detail: DingTalkUserDetail | null = null
      let unionId = info.unionid ?? existing?.unionId
      if (contactType === null) {
        if (!unionId) {
          detail = await client.getUser(info.userid, call)
          unionId = detail.unionid
        }
        if (!unionId)
          throw new DingTalkAuthError('upstream_error', { detail: 'DingTalk gave no unionId for the person' })
        contactType = await this.#requireInternal(client, unionId, call)
      }
      const result =
        existing && this.#isFresh(existing)
          ? this.#resultFor(instance, existing, false)
          : await this.#bindAndSync({
              instance,
              flow: 'workbench',
              existing,
              detail: detail ?? (await client.getUser(info.userid, call)),
              me: null,
              knownUnionId: unionId,
              contactType,
            })
      this.#logSuccess('workbench', instance, platform, result, started)
      return result
    } catch (error) {
      throw this.#fail('workbench', instance, error, started)
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
        this.#warnForeignCorp(instance, userToken.corpId)
        throw new DingTalkAuthError('corp_mismatch', {
          detail: 'the user chose another organisation than the instance corp',
        })
      }
      const me = await client.getCurrentUser(userToken.accessToken, call)
      const existing = await this.#store.findBinding({ corpId, unionId: me.unionId })
      let contactType = contactTypeOf(existing)
      let userid = existing?.thirdUserId
      // The chosen corp proves membership; the contact type of a known binding was recorded when it was made.
      if (userToken.corpId !== corpId || contactType === null || !userid) {
        const found = await this.#requireMember(client, me.unionId, call)
        contactType = found.contactType
        userid = found.userid
      }
      const result =
        existing && this.#isFresh(existing)
          ? this.#resultFor(instance, existing, false)
          : await this.#bindAndSync({
              instance,
              flow: 'qr',
              existing,
              detail: await client.getUser(userid, call),
              me,
              knownUnionId: me.unionId,
              contactType,
            })
      this.#logSuccess('qr', instance, platform, result, started)
      return result
    } catch (error) {
      throw this.#fail('qr', instance, error, started)
    }
  }

  /** `getbyunionid`: the person's userid in the instance corp; not a member (60121) or external: `not_corp_member`. */
  async #requireMember(
    client: DDInnerClient,
    unionId: string,
    call: LoginCallOptions,
  ): Promise<{ userid: string; contactType: number }> {
    const found = await client.getUserIdByUnionId(unionId, call)
    if (found.contactType === EXTERNAL_CONTACT) {
      throw new DingTalkAuthError('not_corp_member', {
        detail: 'the person is an external contact of the corp',
      })
    }
    return { userid: found.userid, contactType: found.contactType }
  }

  async #requireInternal(client: DDInnerClient, unionId: string, call: LoginCallOptions): Promise<number> {
    return (await this.#requireMember(client, unionId, call)).contactType
  }

  /** `getuserinfo`; a code DingTalk does not know for this corp gets one warning naming the configuration. */
  async #getUserInfo(instance: DDInnerAuth, authCode: string, call: LoginCallOptions) {
    try {
      return await instance.getClient().getUserInfoByCode(authCode, call)
    } catch (error) {
      if (error instanceof DingTalkApiError && error.errcode === UNKNOWN_FREE_LOGIN_CODE) {
        this.#warnOnce(`workbench:${instance.name}`, {
          instance: instance.name,
          configuredCorpId: instance.corpId,
          dingtalkReported: `errcode ${UNKNOWN_FREE_LOGIN_CODE}: the free-login code is unknown in this corp`,
          fix: 'if every workbench login fails like this, the code comes from another corp: make the page call requestAuthCode({ corpId }) with the corpId of this instance, or set authConfig.corpId to the corp whose workbench opens the app',
        })
      }
      throw error
    }
  }

  #warnForeignCorp(instance: DDInnerAuth, reportedCorpId: string): void {
    if (this.#byCorp.has(reportedCorpId)) return
    this.#warnOnce(`qr:${instance.name}:${reportedCorpId}`, {
      instance: instance.name,
      configuredCorpId: instance.corpId,
      dingtalkReported: reportedCorpId,
      fix: `if people of your organisation are refused with corp_mismatch, the configured corpId is wrong: set authConfig.corpId of "${instance.name}" to the corpId DingTalk reported`,
    })
  }

  #warnOnce(key: string, entry: Record<string, unknown>): void {
    if (this.#warned.has(key)) return
    if (this.#warned.size < 1_000) this.#warned.add(key)
    this.#logger.warn(entry, 'dingtalk login: the configured corpId does not match what DingTalk reported')
  }

  #isFresh(binding: DDInnerAuthModel): boolean {
    return this.#profileMaxAgeMs > 0 && this.#now() - binding.updateTime < this.#profileMaxAgeMs
  }

  async #bindAndSync({
    instance,
    flow,
    existing,
    detail,
    me,
    knownUnionId,
    contactType,
  }: SyncInput): Promise<DingTalkLoginResult> {
    const now = this.#now()
    const person = toDingTalkUser(instance, flow, detail, me, knownUnionId ?? existing?.unionId)
    const profile = toProfile(person, contactType)
    if (existing) {
      const updated = (await this.#store.updateBinding(existing.id, profile, now)) ?? {
        ...existing,
        ...profile,
      }
      await this.#store.updateUser(updated.userId, {
        name: person.name,
        avatar: person.avatar,
        updateTime: now,
      })
      return this.#resultFor(instance, updated, false)
    }
    const resolved = await this.#resolveLocalUser(person)
    const binding: DDInnerAuthModel = {
      id: randomUUID(),
      userId: resolved.id,
      thirdCorpId: person.corpId,
      thirdUserId: person.userid,
      unionId: person.unionId,
      ...profile,
      createTime: now,
      updateTime: now,
    }
    const newUser: LocalUser | undefined = resolved.create
      ? { id: resolved.id, name: person.name, avatar: person.avatar, createTime: now, updateTime: now }
      : undefined
    const { binding: stored, created } = await this.#store.createBinding(binding, newUser)
    if (!created) {
      // A concurrent first login of the same person won: use its binding, and keep its profile current.
      const updated = (await this.#store.updateBinding(stored.id, profile, now)) ?? stored
      return this.#resultFor(instance, updated, false)
    }
    return this.#resultFor(instance, stored, resolved.isNew)
  }

  async #resolveLocalUser(person: DingTalkUser): Promise<{ id: string; create: boolean; isNew: boolean }> {
    if (this.#resolveUser) {
      const found = await this.#resolveUser(person)
      const resolved = typeof found === 'string' ? { id: found } : found
      if (resolved) {
        if (typeof resolved.id !== 'string' || resolved.id === '' || resolved.id.length > 191) {
          throw new DingTalkAuthError('server_error', { detail: 'resolveUser returned an invalid id' })
        }
        return { id: resolved.id, create: false, isNew: resolved.isNew === true }
      }
    }
    if (this.#onUnbound === 'reject') {
      throw new DingTalkAuthError('user_not_bound', {
        detail: 'no local user is bound to this DingTalk person',
      })
    }
    return { id: this.#generateId(), create: true, isNew: true }
  }

  // The users table is only written by this sync, so the binding's name and photo are the local user's: no read.
  #resultFor(instance: DDInnerAuth, binding: DDInnerAuthModel, isNewUser: boolean): DingTalkLoginResult {
    return {
      userId: binding.userId,
      isNewUser,
      instance: instance.name,
      binding: toBindingView(binding),
      user: { id: binding.userId, name: binding.name, avatar: binding.photo },
    }
  }

  #logSuccess(
    flow: DingTalkLoginFlow,
    instance: DDInnerAuth,
    platform: string,
    result: DingTalkLoginResult,
    started: number,
  ): void {
    this.#logger.info(
      {
        flow,
        instance: instance.name,
        corpId: instance.corpId,
        platform,
        userId: result.userId,
        isNewUser: result.isNewUser,
        ms: this.#now() - started,
      },
      'dingtalk login succeeded',
    )
  }

  #fail(
    flow: DingTalkLoginFlow,
    instance: DDInnerAuth | undefined,
    error: unknown,
    started: number,
  ): DingTalkAuthError {
    const mapped = toDingTalkAuthError(error)
    const entry = {
      flow,
      instance: instance?.name,
      reason: mapped.code,
      requestId: mapped.requestId,
      ms: this.#now() - started,
      err: mapped.cause ?? mapped,
    }
    if (mapped.status >= 500) this.#logger.error(entry, 'dingtalk login failed')
    else this.#logger.warn(entry, 'dingtalk login rejected')
    return mapped
  }
}

function toDingTalkUser(
  instance: DDInnerAuth,
  flow: DingTalkLoginFlow,
  detail: DingTalkUserDetail,
  me: DingTalkCurrentUser | null,
  knownUnionId: string | undefined,
): DingTalkUser {
  const unionId = knownUnionId ?? detail.unionid ?? me?.unionId
  if (!unionId)
    throw new DingTalkAuthError('upstream_error', { detail: 'DingTalk gave no unionId for the person' })
  return {
    instance: instance.name,
    flow,
    corpId: instance.corpId,
    userid: detail.userid,
    unionId,
    name: detail.name ?? me?.nick ?? null,
    avatar: detail.avatar ?? me?.avatarUrl ?? null,
    mobile: detail.mobile ?? me?.mobile ?? null,
    stateCode: detail.stateCode ?? me?.stateCode ?? null,
    email: detail.orgEmail ?? detail.email ?? me?.email ?? null,
    jobNumber: detail.jobNumber ?? null,
    title: detail.title ?? null,
    hiredDate: detail.hiredDate ?? null,
    active: detail.active ?? null,
    admin: detail.admin ?? null,
    deptIdList: detail.deptIdList,
    detail: detail.raw,
    me: me?.raw ?? null,
  }
}

function toProfile(person: DingTalkUser, contactType: number): BindingProfile {
  return {
    name: person.name,
    jobNumber: person.jobNumber,
    phone: person.mobile,
    email: person.email,
    hiredDate: person.hiredDate,
    photo: person.avatar,
    rawProfile: JSON.stringify({ detail: person.detail, me: person.me, contactType }),
  }
}
