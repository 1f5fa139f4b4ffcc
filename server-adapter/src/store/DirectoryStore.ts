import type { Awaitable } from '../dingtalk/tokenCache'
import type { DDInnerAuthModel } from './BindingStore'

/** Whether a person is in the corp now (`active`) or has left it (`left`). */
export type MembershipState = 'active' | 'left'

/** One department of a corp, as the last sync saw it. */
export interface DirectoryDepartment {
  corpId: string
  /** DingTalk's `dept_id`; the root is 1. */
  deptId: number
  name: string
  /** The parent's `dept_id`; `null` for the root. */
  parentId: number | null
  /** Epoch ms of the last write. */
  updateTime: number
}

/**
 * One person of a corp as the directory knows them: their membership (active or left, and when), departments,
 * title and manager. Keyed by `(corpId, unionId)`, so a rehire (the same unionId back) is the same row, and the
 * binding with that unionId is the same local user.
 */
export interface DirectoryPerson {
  corpId: string
  unionId: string
  /**
   * The corp-scoped userid (may change on a rehire). For a person the directory only knows from a binding whose
   * userid was vacated (DingTalk handed it on), the binding's placeholder: `isVacatedUserId` tells.
   */
  dingUserId: string
  name: string | null
  title: string | null
  jobNumber: string | null
  avatar: string | null
  /** The departments the person is in (`dept_id_list`). */
  deptIds: number[]
  /** The departments the person leads (`leader` in that department's member list). */
  leaderInDeptIds: number[]
  /** The manager's userid (`manager_userid`; only a person read on its own carries it). */
  managerUserId: string | null
  /** An administrator of the corp. */
  admin: boolean
  state: MembershipState
  /** Epoch ms when the person was recorded as having left; `null` while active. */
  leftAt: number | null
  /** Epoch ms of the last write. */
  updateTime: number
}

/** How to find a person: by corp + unionId, or by corp + userid. */
export type DirectoryPersonKey = { corpId: string; unionId: string } | { corpId: string; dingUserId: string }

/** The identity part of a binding, for the crawl's "bound but missing" check. */
export interface BoundPersonKey {
  bindingId: string
  dingUserId: string
  unionId: string
}

/**
 * The organisation half of the binding store: departments and people with their membership. Every built-in
 * `BindingStore` (memory, SQLite, PostgreSQL, MySQL/MariaDB) implements it; a store of your own needs it for
 * `directory` to work.
 */
export interface DirectoryStore {
  /** Every stored department of a corp, by `deptId`. */
  listDepartments(corpId: string): Awaitable<DirectoryDepartment[]>
  /** Inserts or rewrites departments (keyed by `(corpId, deptId)`). */
  upsertDepartments(departments: readonly DirectoryDepartment[]): Awaitable<void>
  /** Removes departments of a corp. */
  removeDepartments(corpId: string, deptIds: readonly number[]): Awaitable<void>
  /** A person, or `null`. By userid, the active person wins over one who left with the same userid. */
  findPerson(key: DirectoryPersonKey): Awaitable<DirectoryPerson | null>
  /** Every stored person of a corp (optionally only active or only left ones). */
  listPeople(corpId: string, filter?: { state?: MembershipState }): Awaitable<DirectoryPerson[]>
  /** Inserts or rewrites people (keyed by `(corpId, unionId)`). */
  upsertPeople(people: readonly DirectoryPerson[]): Awaitable<void>
  /** The identities of every binding of a corp. */
  listBoundPeople(corpId: string): Awaitable<BoundPersonKey[]>
  /**
   * Points a binding at the person's new userid (`thirdUserId`) and sets its `updateTime`: DingTalk may give a
   * rehired person a new userid while the unionId stays. Returns the updated binding, `null` if it is gone; throws
   * when another binding of the corp holds that userid (bindings are unique on corp + userid). With
   * `expectedUserId`, the write is conditional (one statement, no read before it): only a binding still holding
   * that userid changes, and `null` means it held another (a concurrent move or vacating came first).
   */
  updateBindingUserId(
    bindingId: string,
    dingUserId: string,
    updateTime: number,
    options?: { expectedUserId?: string },
  ): Awaitable<DDInnerAuthModel | null>
}

const DIRECTORY_METHODS = [
  'listDepartments',
  'upsertDepartments',
  'removeDepartments',
  'findPerson',
  'listPeople',
  'upsertPeople',
  'listBoundPeople',
  'updateBindingUserId',
] as const

/** Whether a store keeps the directory too (every built-in store does). */
export function isDirectoryStore(store: object): store is DirectoryStore {
  const record = store as Record<string, unknown>
  return DIRECTORY_METHODS.every((method) => typeof record[method] === 'function')
}
