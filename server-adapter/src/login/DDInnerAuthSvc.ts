import { randomUUID } from 'node:crypto'
import type { DingTalkCurrentUser, DingTalkUserDetail } from '../dingtalk/wireTypes'
import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { BindingProfile, BindingStore, DDInnerAuthModel, LocalUser } from '../store/BindingStore'
import type { DDInnerAuth } from './DDInnerAuth'
import { toBindingView } from './toBindingView'
import { toDingTalkAuthError } from './toDingTalkAuthError'

/** Which login flow produced a result. */
export type DingTalkLoginFlow = 'qr' | 'workbench'

/** The DingTalk person as the flows found them: handed to `resolveUser` on a first login. */
export interface DingTalkUser {
  /** The instance (login type) name. */
  instance: string
  flow: DingTalkLoginFlow
  corpId: string
  /** The corp-scoped userid. */
  userid: string
  unionId: string
  name: string | null
  avatar: string | null
  mobile: string | null
  stateCode: string | null
  /** The org email when there is one, else the personal email. */
  email: string | null
  jobNumber: string | null
  title: string | null
  /** Epoch ms. */
  hiredDate: number | null
  active: boolean | null
  admin: boolean | null
  deptIdList: number[]
  /** The employee record (`topapi/v2/user/get`) as DingTalk sent it. */
  detail: Record<string, unknown>
  /** `users/me` as DingTalk sent it (QR flow only). */
  me: Record<string, unknown> | null
}

/** What `resolveUser` returns: the local user to bind to, or `null` for none. */
export type ResolvedLocalUser = {
  id: string
  name?: string | null
  avatar?: string | null
  isNew?: boolean
} | null

/** The binding part of a login result (design.md §4.2). */
export interface DingTalkLoginBinding {
  corpId: string
  dingUserId: string
  unionId: string
  jobNumber: string | null
  phone: string | null
  email: string | null
  /** Epoch ms. */
  hiredDate: number | null
  photo: string | null
}

/** The result of a login, without the session (the HTTP layer adds `session`). */
export interface DingTalkLoginResult {
  userId: string
  /** True when this login created the local user. */
  isNewUser: boolean
  /** The instance (login type) name that served the login. */
  instance: string
  binding: DingTalkLoginBinding
  user: { id: string; name: string | null; avatar: string | null }
}

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
   * Workbench (in-DingTalk free) login: `topapi/v2/user/getuserinfo` with the cached app token, then
   * `topapi/v2/user/get` unless the stored profile is fresh. Throws {@link DingTalkAuthError}.
   */
  async loginByWorkbench(params: WorkbenchLoginParams): Promise<DingTalkLoginResult> {
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
      const info = await client.getUserInfoByCode(authCode, call)
      const existing = await this.#store.findBinding({ corpId, dingUserId: info.userid })
      const result =
        existing && this.#isFresh(existing)
          ? this.#resultFor(instance, existing, false)
          : await this.#bindAndSync(
              instance,
              'workbench',
              existing,
              await client.getUser(info.userid, call),
              null,
              info.unionid,
            )
      this.#logSuccess('workbench', instance, platform, result, started)
      return result
    } catch (error) {
      throw this.#fail('workbench', instance, error, started)
    }
  }

  /**
   * QR / browser login: `userAccessToken` → `users/me` → corp check → `getbyunionid` → `v2/user/get`; a known
   * person skips the lookups the binding answers, and the profile call while it is fresh. Throws
   * {@link DingTalkAuthError}.
   */
  async loginByQrCode(params: QrLoginParams): Promise<DingTalkLoginResult> {
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
        throw new DingTalkAuthError('corp_mismatch', {
          detail: 'the user chose another organisation than the instance corp',
        })
      }
      const me = await client.getCurrentUser(userToken.accessToken, call)
      const existing = await this.#store.findBinding({ corpId, unionId: me.unionId })
      let result: DingTalkLoginResult
      if (existing && this.#isFresh(existing)) {
        result = this.#resultFor(instance, existing, false)
      } else {
        let userid = existing?.thirdUserId
        if (!userid) {
          const found = await client.getUserIdByUnionId(me.unionId, call)
          if (found.contactType === 1) {
            throw new DingTalkAuthError('not_corp_member', {
              detail: 'the person is an external contact of the corp',
            })
          }
          userid = found.userid
        }
        result = await this.#bindAndSync(
          instance,
          'qr',
          existing,
          await client.getUser(userid, call),
          me,
          me.unionId,
        )
      }
      this.#logSuccess('qr', instance, platform, result, started)
      return result
    } catch (error) {
      throw this.#fail('qr', instance, error, started)
    }
  }

  #isFresh(binding: DDInnerAuthModel): boolean {
    return this.#profileMaxAgeMs > 0 && this.#now() - binding.updateTime < this.#profileMaxAgeMs
  }

  async #bindAndSync(
    instance: DDInnerAuth,
    flow: DingTalkLoginFlow,
    existing: DDInnerAuthModel | null,
    detail: DingTalkUserDetail,
    me: DingTalkCurrentUser | null,
    knownUnionId: string | undefined,
  ): Promise<DingTalkLoginResult> {
    const now = this.#now()
    const person = toDingTalkUser(instance, flow, detail, me, knownUnionId ?? existing?.unionId)
    const profile = toProfile(person)
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

function toProfile(person: DingTalkUser): BindingProfile {
  return {
    name: person.name,
    jobNumber: person.jobNumber,
    phone: person.mobile,
    email: person.email,
    hiredDate: person.hiredDate,
    photo: person.avatar,
    rawProfile: JSON.stringify({ detail: person.detail, me: person.me }),
  }
}
