import { DingTalkApiError } from '../dingtalk/DingTalkApiError'
import type { DingTalkUserDetail } from '../dingtalk/wireTypes'
import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { StateStore } from '../state/StateStore'
import type { BindingStore } from '../store/BindingStore'
import type { DirectoryStore } from '../store/DirectoryStore'
import type { LifecycleScope, PeopleLifecycle } from './createPeopleLifecycle'
import type { CrawledPerson } from './crawlDirectory'
import { personChanged, toDirectoryPerson } from './directoryPerson'
import { followNewUserIds } from './followNewUserIds'
import type { SessionRevoker } from './SessionRevoker'

/** An address-book event, whichever way it came (Stream frame or HTTP callback). */
export interface DirectoryEvent {
  /** DingTalk's `eventId`: the same event delivered twice has the same id. */
  eventId: string
  eventType: string
  corpId: string
  /** Epoch ms when the change happened. */
  bornTime: number
  userIds: string[]
  deptIds: number[]
}

/** What became of one delivery. */
export type EventOutcome = 'applied' | 'duplicate' | 'ignored' | 'busy'

/** What applying an event needs. */
export interface EventContext {
  store: BindingStore & DirectoryStore
  stateStore: StateStore
  lifecycle: PeopleLifecycle
  logger: Logger
  now: () => number
  /** Ends the sessions of a binding whose userid DingTalk handed to someone else; `null` for the app's own sessions. */
  revoker: () => SessionRevoker | null
}

// DingTalk redelivers and duplicates events for days at most; remember ids a week.
const DONE_TTL_MS = 7 * 86_400_000
// How long one process may work on an event before another may take it over.
const CLAIM_TTL_MS = 60_000
const USER_EVENTS = new Set([
  'user_add_org',
  'user_modify_org',
  'user_active_org',
  'org_admin_add',
  'org_admin_remove',
])
const DEPARTMENT_EVENTS = new Set(['org_dept_create', 'org_dept_modify'])
// DingTalk: 60121 the person is not (or no longer) in the corp; 50002 the person is outside the app's visible range
// (可见范围); 60003 the department does not exist.
const isGone = (error: unknown, errcode: number) =>
  error instanceof DingTalkApiError && error.errcode === errcode

function leaderDepartments(raw: Record<string, unknown>): number[] {
  const list = Array.isArray(raw.leader_in_dept) ? raw.leader_in_dept : []
  return list.flatMap((entry) => {
    const item = entry as { dept_id?: unknown; leader?: unknown } | null
    const deptId = Number(item?.dept_id)
    return (item?.leader === true || item?.leader === 'true') && Number.isSafeInteger(deptId) ? [deptId] : []
  })
}

function fromDetail(
  detail: DingTalkUserDetail,
  unionId: string,
): CrawledPerson & { managerUserId: string | null } {
  const manager = detail.raw.manager_userid
  return {
    userid: detail.userid,
    unionId,
    name: detail.name ?? null,
    title: detail.title ?? null,
    jobNumber: detail.jobNumber ?? null,
    avatar: detail.avatar ?? null,
    deptIds: detail.deptIdList,
    leaderInDeptIds: leaderDepartments(detail.raw),
    admin: detail.admin === true,
    managerUserId: typeof manager === 'string' && manager !== '' ? manager : null,
  }
}

async function applyPerson(
  ctx: EventContext,
  instance: DDInnerAuth,
  scope: LifecycleScope,
  event: DirectoryEvent,
  userid: string,
) {
  let detail: DingTalkUserDetail
  try {
    detail = await instance.getClient().getUser(userid)
  } catch (error) {
    // Gone again already: the leave event (or the next leave-records read) records it.
    if (isGone(error, 60121)) return
    if (isGone(error, 50002)) return leaveVisibleRange(ctx, instance, scope, event, userid)
    throw error
  }
  if (!detail.unionid) return
  const corpId = instance.corpId
  const before = await ctx.store.findPerson({ corpId, unionId: detail.unionid })
  const person = toDirectoryPerson(corpId, fromDetail(detail, detail.unionid), before, ctx.now())
  // Theirs, and whoever holds their userid: DingTalk may have handed it on from someone who left.
  const bindings = [
    await ctx.store.findBinding({ corpId, unionId: person.unionId }),
    await ctx.store.findBinding({ corpId, dingUserId: person.dingUserId }),
  ].flatMap((binding) =>
    binding ? [{ bindingId: binding.id, dingUserId: binding.thirdUserId, unionId: binding.unionId }] : [],
  )
  if (
    bindings.some((binding) => binding.unionId !== person.unionId || binding.dingUserId !== person.dingUserId)
  )
    await followNewUserIds(ctx, corpId, [person], bindings)
  if (before && before.state === 'active' && !personChanged(before, person)) return
  await ctx.store.upsertPeople([person])
  await ctx.lifecycle.notify(scope, before?.state === 'active' ? 'changed' : 'joined', person)
}

/**
 * The person is outside the app's visible range, now that DingTalk names them in an event (an admin narrowed the
 * range, or moved them out of it): gone for this app as for a crawl, which lists the visible range only and marks
 * whoever it no longer finds as left; their logins are refused (50002) too. No leave event or leave record follows,
 * so the leave is recorded here, dated by the event.
 */
async function leaveVisibleRange(
  ctx: EventContext,
  instance: DDInnerAuth,
  scope: LifecycleScope,
  event: DirectoryEvent,
  userid: string,
) {
  ctx.logger.info(
    {
      instance: instance.name,
      corpId: instance.corpId,
      dingUserId: userid,
      eventType: event.eventType,
      eventId: event.eventId,
    },
    `directory: user ${userid} of a ${event.eventType} event is outside the app's visible range (DingTalk 50002): recorded as gone, as a full sync would`,
  )
  await ctx.lifecycle.leave(scope, { dingUserId: userid }, event.bornTime)
}

async function applyDepartment(ctx: EventContext, instance: DDInnerAuth, deptId: number) {
  const corpId = instance.corpId
  try {
    const department = await instance.getClient().directory.getDepartment(deptId)
    await ctx.store.upsertDepartments([{ corpId, ...department, updateTime: ctx.now() }])
  } catch (error) {
    if (!isGone(error, 60003)) throw error
    await ctx.store.removeDepartments(corpId, [deptId])
  }
}

/**
 * Applies one event once across every process (its `eventId` is claimed in the state store, then marked done),
 * reading each named person or department afterwards, since an event says only who changed. Throws when the
 * work failed: the claim is dropped, so a redelivery applies it.
 */
export async function applyDirectoryEvent(
  ctx: EventContext,
  instance: DDInnerAuth,
  scope: Omit<LifecycleScope, 'source'>,
  event: DirectoryEvent,
): Promise<EventOutcome> {
  const key = `directory:event:${instance.corpId}:${event.eventId}`
  if (!(await ctx.stateStore.set(key, 'claimed', CLAIM_TTL_MS, 'nx'))) {
    return (await ctx.stateStore.get(key)) === 'done' ? 'duplicate' : 'busy'
  }
  const eventScope: LifecycleScope = { ...scope, source: 'event' }
  try {
    if (event.eventType === 'user_leave_org') {
      for (const userid of event.userIds)
        await ctx.lifecycle.leave(eventScope, { dingUserId: userid }, event.bornTime)
    } else if (USER_EVENTS.has(event.eventType)) {
      for (const userid of event.userIds) await applyPerson(ctx, instance, eventScope, event, userid)
    } else if (DEPARTMENT_EVENTS.has(event.eventType)) {
      for (const deptId of event.deptIds) await applyDepartment(ctx, instance, deptId)
    } else if (event.eventType === 'org_dept_remove') {
      await ctx.store.removeDepartments(instance.corpId, event.deptIds)
    } else {
      await ctx.stateStore.set(key, 'done', DONE_TTL_MS)
      return 'ignored'
    }
  } catch (error) {
    await ctx.stateStore.delete(key, 'claimed')
    throw error
  }
  await ctx.stateStore.set(key, 'done', DONE_TTL_MS)
  ctx.logger.debug(
    { instance: instance.name, eventType: event.eventType, eventId: event.eventId },
    'directory: event applied',
  )
  return 'applied'
}
