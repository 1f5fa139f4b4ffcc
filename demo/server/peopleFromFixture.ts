import type { EmulatorFixture } from 'dingtalk-emulator'
import type { DemoCorp, DemoPerson } from '../web/demoInfo'

/** People to open the page "inside DingTalk" as: members of the served corps, plus one of another corp. */
export function peopleFromFixture(fixture: EmulatorFixture, corps: DemoCorp[]): DemoPerson[] {
  const names = new Map(fixture.corps.map((c) => [c.corpId, c.name]))
  const served = new Set(corps.map((c) => c.corpId))
  const people: DemoPerson[] = []
  for (const user of fixture.users) {
    for (const m of user.memberships) {
      if (!served.has(m.corpId) || !m.active || m.contactType === 1) continue
      people.push({
        name: m.name,
        userid: m.userid,
        corpId: m.corpId,
        corpName: names.get(m.corpId) ?? m.corpId,
      })
    }
  }
  return people
}
