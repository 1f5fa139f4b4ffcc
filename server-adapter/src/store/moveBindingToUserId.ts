import type { Logger } from '../logger'
import type { DDInnerAuthModel } from './BindingStore'
import type { BindingMover } from './BindingMover'
import { vacateStaleUserId } from './vacateStaleUserId'
import type { RevokeSessions } from './vacateStaleUserId'

/** What {@link moveBindingToUserId} did. */
export type MoveBindingOutcome =
  /** `vacatedBindingId`: the binding of another person that held the userid and lost it, or `null`. */
  | { outcome: 'moved'; binding: DDInnerAuthModel; vacatedBindingId: string | null }
  /** The binding is no longer in the store. */
  | { outcome: 'gone' }

/**
 * Points a binding at its person's current userid (DingTalk may give a rehired person a new one while the unionId
 * stays). Only for a userid DingTalk has just named as this person's (in this login, event or crawl): another
 * binding holding it then belongs to someone who no longer has it, and is vacated first, its sessions revoked
 * ({@link vacateStaleUserId}). When a holder appears between the vacating and the write (a concurrent login of the
 * stale person, say), the write fails on the corp's unique userid: that holder is vacated and the write tried once
 * more; a failure with no holder to vacate is thrown as it came.
 */
export async function moveBindingToUserId(
  store: BindingMover,
  logger: Logger,
  move: {
    binding: Pick<DDInnerAuthModel, 'id' | 'thirdCorpId' | 'unionId'>
    dingUserId: string
    updateTime: number
    source: 'login' | 'directory'
  },
  revokeSessions: RevokeSessions,
): Promise<MoveBindingOutcome> {
  const { binding } = move
  const vacate = () =>
    vacateStaleUserId(
      store,
      logger,
      {
        corpId: binding.thirdCorpId,
        dingUserId: move.dingUserId,
        unionId: binding.unionId,
        updateTime: move.updateTime,
        source: move.source,
      },
      revokeSessions,
    )
  let vacatedBindingId = await vacate()
  let moved: DDInnerAuthModel | null
  try {
    moved = await store.updateBindingUserId(binding.id, move.dingUserId, move.updateTime)
  } catch (error) {
    const lateHolder = await vacate()
    if (lateHolder === null) throw error
    vacatedBindingId = lateHolder
    moved = await store.updateBindingUserId(binding.id, move.dingUserId, move.updateTime)
  }
  return moved ? { outcome: 'moved', binding: moved, vacatedBindingId } : { outcome: 'gone' }
}
