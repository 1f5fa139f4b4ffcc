import type { EmulatorFixture } from 'dingtalk-emulator'
import type { DingTalkInstanceInput } from 'dingtalk-login-server'

/** One login instance per organisation of the emulator's fixture: its first published app there. */
export function instancesFromFixture(fixture: EmulatorFixture): DingTalkInstanceInput[] {
  const seen = new Set<string>()
  const instances: DingTalkInstanceInput[] = []
  for (const app of fixture.apps) {
    if (!app.published || seen.has(app.corpId)) continue
    seen.add(app.corpId)
    instances.push({
      name: `emulator${instances.length + 1}`,
      title: app.name,
      authConfig: {
        appKey: app.clientId,
        appSecret: app.clientSecret,
        agentId: app.agentId,
        corpId: app.corpId,
      },
    })
  }
  return instances
}
