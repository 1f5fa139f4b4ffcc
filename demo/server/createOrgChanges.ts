import type { HireInput, HireResult, LeaveResult, RunningEmulator } from 'dingtalk-emulator'
import type { DirectoryPersonView } from '../web/directoryView'

/** Leave and rejoin, played on the emulator's organisation as an HR admin would in DingTalk. */
export interface OrgChanges {
  /** The person leaves the corp: the emulator publishes `user_leave_org`. */
  leave(corpId: string, userid: string): LeaveResult
  /**
   * The same DingTalk account (unionId) is hired again, with the record they had when they left (or, for someone
   * who left some other way, what the directory last knew): the emulator publishes `user_add_org`.
   */
  rejoin(corpId: string, lastKnown: DirectoryPersonView): HireResult
}

/**
 * Drives the emulator's org test API (`RunningEmulator.leave` / `.hire`). A leave removes the membership from the
 * emulator, so its record is kept here for the rehire; the emulator itself gives the old userid back.
 */
export function createOrgChanges(emulator: RunningEmulator): OrgChanges {
  const leavers = new Map<string, HireInput>()
  const keyOf = (corpId: string, unionId: string) => `${corpId}/${unionId}`

  const hireInputOf = (corpId: string, userid: string): HireInput | null => {
    for (const user of emulator.fixture.users) {
      const m = user.memberships.find((each) => each.corpId === corpId && each.userid === userid)
      if (!m) continue
      return {
        corpId,
        unionId: user.unionId,
        name: m.name,
        deptIds: [...m.deptIdList],
        ...(m.title !== undefined ? { title: m.title } : {}),
        ...(m.jobNumber !== undefined ? { jobNumber: m.jobNumber } : {}),
        ...(m.orgEmail !== undefined ? { orgEmail: m.orgEmail } : {}),
        ...(m.workPlace !== undefined ? { workPlace: m.workPlace } : {}),
        ...(m.telephone !== undefined ? { telephone: m.telephone } : {}),
        ...(m.hiredDate !== undefined ? { hiredDate: m.hiredDate } : {}),
        ...(m.managerUserid !== undefined ? { managerUserid: m.managerUserid } : {}),
        admin: m.admin,
        ...(m.boss !== undefined ? { boss: m.boss } : {}),
      }
    }
    return null
  }

  /** Drops what the emulator would now refuse: departments removed and a manager who left meanwhile. */
  const stillValid = (input: HireInput): HireInput => {
    const organisation = emulator.fixture
    const departments = new Set(
      organisation.departments.filter((d) => d.corpId === input.corpId).map((d) => d.deptId),
    )
    const deptIds = input.deptIds.filter((deptId) => departments.has(deptId))
    const managerStays =
      input.managerUserid !== undefined &&
      organisation.users.some((user) =>
        user.memberships.some((m) => m.corpId === input.corpId && m.userid === input.managerUserid),
      )
    const { managerUserid: _manager, ...rest } = input
    return {
      ...rest,
      deptIds: deptIds.length > 0 ? deptIds : [1],
      ...(managerStays ? { managerUserid: input.managerUserid } : {}),
    }
  }

  return {
    leave(corpId, userid) {
      const record = hireInputOf(corpId, userid)
      const result = emulator.leave({ corpId, userid })
      if (record) leavers.set(keyOf(corpId, result.unionId), record)
      return result
    },
    rejoin(corpId, lastKnown) {
      const key = keyOf(corpId, lastKnown.unionId)
      const record = leavers.get(key) ?? {
        corpId,
        unionId: lastKnown.unionId,
        name: lastKnown.name,
        deptIds: lastKnown.deptIds,
        ...(lastKnown.title ? { title: lastKnown.title } : {}),
      }
      const result = emulator.hire(stillValid(record))
      leavers.delete(key)
      return result
    },
  }
}
