import type { Awaitable } from '../dingtalk/tokenCache'

/**
 * The binding of one DingTalk person in one corp to a local user (the original `DDInnerAuthModel`).
 * Unique on `(thirdCorpId, thirdUserId)` and on `(thirdCorpId, unionId)`.
 */
export interface DDInnerAuthModel {
  /** Binding id (UUID). */
  id: string
  /** The local user id. */
  userId: string
  /** The corp (DingTalk corpId). */
  thirdCorpId: string
  /**
   * The corp-scoped DingTalk userid, or a vacated placeholder (`isVacatedUserId`, longer than any real userid) once
   * DingTalk has handed the userid to another person: the binding stays, found by unionId.
   */
  thirdUserId: string
  /** The DingTalk unionId (stable across the developer's apps). */
  unionId: string
  /** Display name from the corp record. */
  name: string | null
  jobNumber: string | null
  /** Mobile number as DingTalk gives it (needs the matching DingTalk permission). */
  phone: string | null
  /** The org email when there is one, else the personal email. */
  email: string | null
  /** Hire date, epoch ms. */
  hiredDate: number | null
  /** Avatar URL. */
  photo: string | null
  /** Epoch ms. */
  createTime: number
  /** Epoch ms of the last profile sync. */
  updateTime: number
  /** The last raw DingTalk profile (`topapi/v2/user/get` result plus `users/me` fields), as JSON text. */
  rawProfile: string | null
}

/** The profile fields of a binding that a sync rewrites. */
export type BindingProfile = Pick<
  DDInnerAuthModel,
  'name' | 'jobNumber' | 'phone' | 'email' | 'hiredDate' | 'photo' | 'rawProfile'
>

/** A new binding (the store assigns nothing; the caller gives the id and times). */
export type NewBinding = DDInnerAuthModel

/** A local user in the store's own users table (used when no `resolveUser` hook is given). */
export interface LocalUser {
  id: string
  name: string | null
  avatar: string | null
  /** Epoch ms. */
  createTime: number
  /** Epoch ms. */
  updateTime: number
}

/** How to find a binding: by corp + userid, by corp + unionId, or by id. */
export type BindingKey =
  { corpId: string; dingUserId: string } | { corpId: string; unionId: string } | { id: string }

/** What {@link BindingStore.createBinding} did. */
export interface CreateBindingResult {
  /** The binding now in the store: the new one, or the one a concurrent login made first. */
  binding: DDInnerAuthModel
  /** True when this call created it (and the user, when one was given). */
  created: boolean
}

/**
 * Where bindings and local users live. Implementations: memory, SQL (SQLite, PostgreSQL,
 * MySQL/MariaDB). Every implementation passes the same contract test suite.
 */
export interface BindingStore {
  /** The binding for a key, or `null`. */
  findBinding(key: BindingKey): Awaitable<DDInnerAuthModel | null>
  /**
   * Creates a binding, and with it `user` when given, atomically: if a binding for the same
   * `(thirdCorpId, thirdUserId)` or `(thirdCorpId, unionId)` exists (or is being created concurrently), nothing
   * is written and the existing binding is returned with `created: false`.
   */
  createBinding(binding: NewBinding, user?: LocalUser): Awaitable<CreateBindingResult>
  /** Rewrites a binding's profile fields and `updateTime`; returns the updated binding, `null` if it is gone. */
  updateBinding(id: string, profile: BindingProfile, updateTime: number): Awaitable<DDInnerAuthModel | null>
  /** A local user of the store's users table, or `null`. */
  findUser(id: string): Awaitable<LocalUser | null>
  /** Updates a local user's name and avatar (profile sync). */
  updateUser(id: string, patch: Pick<LocalUser, 'name' | 'avatar' | 'updateTime'>): Awaitable<void>
  /** Releases connections. */
  close?(): Awaitable<void>
}
