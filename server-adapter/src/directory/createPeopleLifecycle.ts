import type { Logger } from '../logger'
import type { MemberLogin } from '../login/MemberLogin'
import type { BindingStore, DDInnerAuthModel } from '../store/BindingStore'
import type { DirectoryPerson, DirectoryStore } from '../store/DirectoryStore'
import { isVacatedUserId } from '../store/vacatedUserId'
import type { DirectoryOptions, DirectoryPersonEvent, ResolvedDirectorySettings } from './DirectoryOptions'
import { personOfBinding } from './directoryPerson'
import { findPersonWithBinding } from './findPersonWithBinding'
import type { SessionRevoker } from './SessionRevoker'

/** Which hook a change calls. */
export type PersonChange = 'joined' | 'changed' | 'left'

/** Where a lifecycle step runs: one instance (corp) with its settings. */
export interface LifecycleScope {
  instance: string
  corpId: string
  settings: ResolvedDirectorySettings
  source: DirectoryPersonEvent['source']
}

/** Who left: by unionId or by userid (a leave event names only the userid). */
export type LeaverKey = { unionId: string } | { dingUserId: string }

/** What the directory does when people join, change or leave: store, revoke, tell the app. */
export interface PeopleLifecycle {
  /**
   * Records a leave (once: a person already recorded as left is left alone), revokes every session of their
   * binding unless `leavers` is `'keep'`, and calls `onPersonLeft`. Resolves the person now stored as left, or
   * `null` when there was nothing to do (nobody known by that key, already left, or seen in the corp since: see
   * {@link lastSeenInCorp}).
   */
  leave(
    scope: LifecycleScope,
    key: LeaverKey,
    leftAt: number,
    options?: { precisionMs?: number },
  ): Promise<DirectoryPerson | null>
  /** Whether {@link PeopleLifecycle.leave} would record this leave now (what a dry run counts). */
  wouldLeave(
    scope: LifecycleScope,
    key: LeaverKey,
    leftAt: number,
    options?: { precisionMs?: number },
  ): Promise<boolean>
  /**
   * A person recorded as left logged in: they are back (DingTalk gives login codes to members only), so they are
   * stored as active again and `onPersonJoined` is called, and their next leave (crawl, event or leave record) is a
   * new one. Resolves the person now stored as active, or `null` when there was nothing to do (not stored, active,
   * or recorded as leaving after the login started).
   */
  rejoin(scope: LifecycleScope, login: MemberLogin): Promise<DirectoryPerson | null>
  /** Calls the hook of a change already written to the store (with the binding and local user). */
  notify(scope: LifecycleScope, change: PersonChange, person: DirectoryPerson): Promise<void>
  /** Whether any hook is set (a sync skips the look-ups hooks need when none is). */
  readonly hasHooks: boolean
}

/**
 * When the person was last known to be in the corp: the last write of their record (a crawl that listed them, an
 * event, a login) or of their binding (a login, or DingTalk naming them as a userid's holder, in a crawl, an event
 * or a login). A vacated binding's write says the opposite (DingTalk handed its userid on) and does not count.
 */
function lastSeenInCorp(person: DirectoryPerson | null, binding: DDInnerAuthModel | null): number {
  const bindingSeen = binding && !isVacatedUserId(binding.thirdUserId) ? binding.updateTime : -Infinity
  return Math.max(person?.updateTime ?? -Infinity, bindingSeen)
}

/** What the lifecycle works with. */
export interface PeopleLifecycleOptions {
  store: BindingStore & DirectoryStore
  /** What ends a binding's sessions (read at each leave); `null` when the app keeps its own sessions. */
  revoker: () => SessionRevoker | null
  hooks: Pick<DirectoryOptions, 'onPersonJoined' | 'onPersonChanged' | 'onPersonLeft'>
  logger: Logger
  now: () => number
}

export function createPeopleLifecycle(options: PeopleLifecycleOptions): PeopleLifecycle {
  const { store, hooks, logger, now } = options
  const hookOf = {
    joined: hooks.onPersonJoined,
    changed: hooks.onPersonChanged,
    left: hooks.onPersonLeft,
  }

  async function notify(
    scope: LifecycleScope,
    change: PersonChange,
    person: DirectoryPerson,
    knownBinding?: DDInnerAuthModel | null,
  ): Promise<void> {
    const hook = hookOf[change]
    if (!hook) return
    try {
      const binding =
        knownBinding !== undefined
          ? knownBinding
          : await store.findBinding({ corpId: scope.corpId, unionId: person.unionId })
      const user = binding ? await store.findUser(binding.userId) : null
      await hook({
        instance: scope.instance,
        corpId: scope.corpId,
        person,
        binding,
        user,
        source: scope.source,
      })
    } catch (error) {
      // The app's hook failing must not undo or stop the directory's own work.
      logger.error(
        { instance: scope.instance, change, dingUserId: person.dingUserId, err: error },
        `directory: the onPerson${change[0]!.toUpperCase()}${change.slice(1)} hook threw`,
      )
    }
  }

  /** The person to store as left and their binding, or `null` when the leave is nothing to do. */
  async function pendingLeave(
    corpId: string,
    key: LeaverKey,
    leftAt: number,
    precisionMs: number,
  ): Promise<{ person: DirectoryPerson; binding: DDInnerAuthModel | null } | null> {
    const { person: stored, binding } = await findPersonWithBinding(store, { corpId, ...key })
    if (stored?.state === 'left') return null
    // Seen in the corp after the leave: a rehire, then a late event or an old leave record; a joiner who logged in
    // while the crawl that missed them ran; by userid, the binding of a later holder of the userid (DingTalk hands
    // custom userids on).
    if (lastSeenInCorp(stored, binding) > leftAt + precisionMs) return null
    const base = stored ?? (binding ? personOfBinding(binding, now()) : null)
    if (!base) return null
    return { person: { ...base, state: 'left', leftAt, updateTime: now() }, binding }
  }

  return {
    hasHooks: Boolean(hooks.onPersonJoined || hooks.onPersonChanged || hooks.onPersonLeft),
    notify: (scope, change, person) => notify(scope, change, person),
    async wouldLeave(scope, key, leftAt, leaveOptions = {}) {
      return (await pendingLeave(scope.corpId, key, leftAt, leaveOptions.precisionMs ?? 0)) !== null
    },
    async leave(scope, key, leftAt, leaveOptions = {}) {
      const { corpId } = scope
      const pending = await pendingLeave(corpId, key, leftAt, leaveOptions.precisionMs ?? 0)
      if (!pending) return null
      const { person, binding } = pending
      const revoker = options.revoker()
      // Revoke first: a failure leaves the person unrecorded, so the retry (redelivery, next sync) revokes again.
      if (binding && revoker && scope.settings.leavers === 'disable') {
        await revoker.revokeBinding(binding.id)
      }
      await store.upsertPeople([person])
      logger.info(
        {
          instance: scope.instance,
          corpId,
          dingUserId: person.dingUserId,
          bindingId: binding?.id,
          source: scope.source,
          revoked: Boolean(binding && revoker && scope.settings.leavers === 'disable'),
        },
        'directory: a person left',
      )
      await notify(scope, 'left', person, binding)
      return person
    },
    async rejoin(scope, login) {
      const stored = await store.findPerson({ corpId: scope.corpId, unionId: login.unionId })
      if (stored?.state !== 'left' || (stored.leftAt ?? -Infinity) > login.at) return null
      // Stamped with the login's start, like a crawl with its own: a leave after it is a new one.
      const person: DirectoryPerson = {
        ...stored,
        dingUserId: login.dingUserId,
        state: 'active',
        leftAt: null,
        updateTime: login.at,
      }
      await store.upsertPeople([person])
      logger.info(
        {
          instance: scope.instance,
          corpId: scope.corpId,
          dingUserId: person.dingUserId,
          source: scope.source,
        },
        'directory: a person recorded as left logged in, so is back: marked active again',
      )
      await notify(scope, 'joined', person)
      return person
    },
  }
}
