import type { DDInnerAuthModel } from '../store/BindingStore'
import type { DirectoryPerson } from '../store/DirectoryStore'
import type { CrawledPerson } from './crawlDirectory'

const sameIds = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length &&
  [...a].sort((x, y) => x - y).every((id, i) => id === [...b].sort((x, y) => x - y)[i])

/** The stored person for what DingTalk now says, keeping what DingTalk did not say (the manager, from a list). */
export function toDirectoryPerson(
  corpId: string,
  seen: CrawledPerson & { managerUserId?: string | null },
  stored: DirectoryPerson | null,
  now: number,
): DirectoryPerson {
  return {
    corpId,
    unionId: seen.unionId,
    dingUserId: seen.userid,
    name: seen.name,
    title: seen.title,
    jobNumber: seen.jobNumber,
    avatar: seen.avatar,
    deptIds: [...seen.deptIds],
    leaderInDeptIds: [...seen.leaderInDeptIds],
    managerUserId: seen.managerUserId !== undefined ? seen.managerUserId : (stored?.managerUserId ?? null),
    admin: seen.admin,
    state: 'active',
    leftAt: null,
    updateTime: now,
  }
}

/** Whether two records of one person differ in anything but the time they were written. */
export function personChanged(before: DirectoryPerson, after: DirectoryPerson): boolean {
  return (
    before.state !== after.state ||
    before.dingUserId !== after.dingUserId ||
    before.name !== after.name ||
    before.title !== after.title ||
    before.jobNumber !== after.jobNumber ||
    before.avatar !== after.avatar ||
    before.managerUserId !== after.managerUserId ||
    before.admin !== after.admin ||
    !sameIds(before.deptIds, after.deptIds) ||
    !sameIds(before.leaderInDeptIds, after.leaderInDeptIds)
  )
}

/** A person record for a binding the directory never saw (a person bound before the first sync). */
export function personOfBinding(binding: DDInnerAuthModel, now: number): DirectoryPerson {
  return {
    corpId: binding.thirdCorpId,
    unionId: binding.unionId,
    dingUserId: binding.thirdUserId,
    name: binding.name,
    title: null,
    jobNumber: binding.jobNumber,
    avatar: binding.photo,
    deptIds: [],
    leaderInDeptIds: [],
    managerUserId: null,
    admin: false,
    state: 'active',
    leftAt: null,
    updateTime: now,
  }
}
