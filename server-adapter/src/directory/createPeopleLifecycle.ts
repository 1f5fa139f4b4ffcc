import type { Logger } from '../logger'
import type { BindingStore, DDInnerAuthModel } from '../store/BindingStore'
import type { DirectoryPerson, DirectoryStore } from '../store/DirectoryStore'
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
   * `null` when there was nothing to do (nobody known by that key, already left, or seen active since).
   */
  leave(
    scope: LifecycleScope,
    key: LeaverKey,
    leftAt: number,
    options?: { precisionMs?: number },
  ): Promise<DirectoryPerson | null>
  /** Calls the hook of a change already written to the store (with the binding and local user). */
  notify(scope: LifecycleScope, change: PersonChange, person: DirectoryPerson): Promise<void>
  /** Whether any hook is set (a sync skips the look-ups hooks need when none is). */
  readonly hasHooks: boolean
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

  return {
    hasHooks: Boolean(hooks.onPersonJoined || hooks.onPersonChanged || hooks.onPersonLeft),
    notify: (scope, change, person) => notify(scope, change, person),
    async leave(scope, key, leftAt, leaveOptions = {}) {
      const { corpId } = scope
      const { person: stored, binding } = await findPersonWithBinding(store, { corpId, ...key })
      if (stored?.state === 'left') return null
      // Seen active after the leave (a rehire, then a late event or an old leave record): the leave is stale. A
      // binding found by userid and written since (a login, or DingTalk naming it the holder) holds the userid
      // after the leave: the leave is of an earlier holder (DingTalk hands custom userids on).
      const seen = stored ?? ('dingUserId' in key ? binding : null)
      if (seen && seen.updateTime > leftAt + (leaveOptions.precisionMs ?? 0)) return null
      const base = stored ?? (binding ? personOfBinding(binding, now()) : null)
      if (!base) return null
      const person: DirectoryPerson = { ...base, state: 'left', leftAt, updateTime: now() }
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
  }
}
