import { randomUUID } from 'node:crypto'
import type { SessionRevoker } from '../directory/SessionRevoker'
import type { DingTalkCurrentUser, DingTalkUserDetail } from '../dingtalk/wireTypes'
import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { BindingProfile, BindingStore, DDInnerAuthModel, LocalUser } from '../store/BindingStore'
import { canMoveBindings } from '../store/BindingMover'
import { moveBindingToUserId } from '../store/moveBindingToUserId'
import { vacateStaleUserId } from '../store/vacateStaleUserId'
import type { RevokeSessions } from '../store/vacateStaleUserId'
import type { DDInnerAuth } from './DDInnerAuth'
import type { DingTalkLoginFlow, DingTalkLoginResult, DingTalkUser, ResolvedLocalUser } from './loginResult'
import { toProfile } from './storedProfile'
import { toDingTalkUser } from './toDingTalkUser'
import { toLoginResult } from './toLoginResult'

/** What a profile sync needs: the person as DingTalk described them in this login. */
export interface BindingSyncInput {
  instance: DDInnerAuth
  flow: DingTalkLoginFlow
  existing: DDInnerAuthModel | null
  detail: DingTalkUserDetail
  me: DingTalkCurrentUser | null
  knownUnionId: string | undefined
  /** From `getbyunionid` in this login or recorded with the binding: kept with the profile. */
  contactType: number
}

/** The login service's settings the sync follows, with their defaults applied. */
export interface BindingSyncOptions {
  store: BindingStore
  logger: Logger
  now: () => number
  /** Refresh the stored profile when it is at least this old; 0 = every login. */
  profileMaxAgeMs: number
  /** What to do when a person has no binding and `resolveUser` gives none. */
  onUnbound: 'create' | 'reject'
  resolveUser: ((user: DingTalkUser) => Awaitable<ResolvedLocalUser | string>) | undefined
  /** New local user ids. */
  generateId: () => string
  /**
   * Ends a binding's sessions when its userid is vacated (read at each vacating); `null` when the app keeps its own
   * sessions.
   */
  revoker: () => SessionRevoker | null
}

/**
 * Binds a DingTalk person to a local user and keeps the stored profile current: the binding and the local user
 * are created on a first login (through `resolveUser`, else a new user unless `onUnbound` is `'reject'`), and
 * updated on later ones.
 */
export class BindingSync {
  readonly #store: BindingStore
  readonly #logger: Logger
  readonly #now: () => number
  readonly #profileMaxAgeMs: number
  readonly #onUnbound: 'create' | 'reject'
  readonly #resolveUser: BindingSyncOptions['resolveUser']
  readonly #generateId: () => string
  readonly #revoker: () => SessionRevoker | null

  constructor(options: BindingSyncOptions) {
    this.#store = options.store
    this.#logger = options.logger
    this.#now = options.now
    this.#profileMaxAgeMs = options.profileMaxAgeMs
    this.#onUnbound = options.onUnbound
    this.#resolveUser = options.resolveUser
    this.#generateId = options.generateId
    this.#revoker = options.revoker
  }

  /** What ends the sessions of a binding whose userid is vacated. */
  #revokeSessions(): RevokeSessions {
    const revoker = this.#revoker()
    return revoker ? (bindingId) => revoker.revokeBinding(bindingId) : null
  }

  /** True when the stored profile is young enough (`profileMaxAgeMs`) to skip asking DingTalk for it. */
  isFresh(binding: DDInnerAuthModel): boolean {
    return this.#profileMaxAgeMs > 0 && this.#now() - binding.updateTime < this.#profileMaxAgeMs
  }

  /**
   * Creates or updates the binding (and the local user) from what DingTalk said in this login. A person is only
   * ever given the binding of their own unionId: `existing` must be theirs, and a binding of someone else that
   * still holds their userid is vacated first (DingTalk handed the userid on).
   */
  async bindAndSync({
    instance,
    flow,
    existing,
    detail,
    me,
    knownUnionId,
    contactType,
  }: BindingSyncInput): Promise<DingTalkLoginResult> {
    const now = this.#now()
    const person = toDingTalkUser(instance, flow, detail, me, knownUnionId ?? existing?.unionId)
    const profile = toProfile(person, contactType)
    if (existing) {
      if (existing.unionId !== person.unionId)
        throw new DingTalkAuthError('server_error', {
          detail: 'a binding of another person was offered for the login',
        })
      return this.#update(instance, existing, person, profile, now)
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
    // Twice at most: a stale holder of the userid is vacated before each try (a concurrent write may bring one back).
    for (let attempt = 0; attempt < 2; attempt++) {
      await this.#vacateHeldUserId(person, now)
      const { binding: stored, created } = await this.#store.createBinding(binding, newUser)
      if (created) return toLoginResult(instance, stored, resolved.isNew)
      // A concurrent first login of the same person won: use its binding, and keep its profile current.
      if (stored.unionId === person.unionId) return this.#update(instance, stored, person, profile, now)
      // Otherwise a binding of someone else holds the userid: never theirs to log in to.
    }
    throw new DingTalkAuthError('server_error', {
      detail: "the person's userid is held by another person's binding that could not be vacated",
    })
  }

  /** Updates the person's binding (moved to their userid of now) and local user from this login. */
  async #update(
    instance: DDInnerAuth,
    binding: DDInnerAuthModel,
    person: DingTalkUser,
    profile: BindingProfile,
    now: number,
  ): Promise<DingTalkLoginResult> {
    const current = await this.#followUserId(binding, person.userid, now)
    const updated = (await this.#store.updateBinding(current.id, profile, now)) ?? { ...current, ...profile }
    await this.#store.updateUser(updated.userId, {
      name: person.name,
      avatar: person.avatar,
      updateTime: now,
    })
    return toLoginResult(instance, updated, false)
  }

  /** Frees the person's userid when a binding of someone else still holds it (see {@link vacateStaleUserId}). */
  async #vacateHeldUserId(person: DingTalkUser, now: number): Promise<void> {
    if (!canMoveBindings(this.#store)) {
      const holder = await this.#store.findBinding({ corpId: person.corpId, dingUserId: person.userid })
      if (holder && holder.unionId !== person.unionId)
        this.#logger.warn(
          { corpId: person.corpId, bindingId: holder.id },
          "login: DingTalk gave this binding's userid to another person, but the store has no updateBindingUserId to vacate it, so that person cannot log in: implement it (see DirectoryStore)",
        )
      return
    }
    await vacateStaleUserId(
      this.#store,
      this.#logger,
      {
        corpId: person.corpId,
        dingUserId: person.userid,
        unionId: person.unionId,
        updateTime: now,
        source: 'login',
      },
      this.#revokeSessions(),
    )
  }

  /**
   * DingTalk may give a person who left and came back a new userid while the unionId stays: the binding (found by
   * unionId) moves to the userid DingTalk gives now, so look-ups by userid find the person again. A binding of
   * someone else still holding that userid is vacated.
   */
  async #followUserId(binding: DDInnerAuthModel, userid: string, now: number): Promise<DDInnerAuthModel> {
    if (binding.thirdUserId === userid) return binding
    const where = { corpId: binding.thirdCorpId, bindingId: binding.id }
    if (!canMoveBindings(this.#store)) {
      this.#logger.warn(
        where,
        'login: the person has a new userid (a rehire) but the store has no updateBindingUserId, so the binding keeps the old one: implement it (see DirectoryStore)',
      )
      return binding
    }
    const result = await moveBindingToUserId(
      this.#store,
      this.#logger,
      { binding, dingUserId: userid, updateTime: now, source: 'login' },
      this.#revokeSessions(),
    )
    if (result.outcome === 'gone') return binding
    this.#logger.info(
      { ...where, dingUserId: userid },
      'login: the person came back under a new userid; the binding follows it',
    )
    return result.binding
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
}
