import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorApp } from '../fixture/EmulatorFixture'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { authenticateApp, permissionDenied } from './v1Call'

export const ALL_INNER_APPS_PATH = '/v1.0/microApp/allInnerApps'

/** The permission DingTalk's documentation names for the app lists (获取企业内部所有应用列表). */
const APP_LIST_PERMISSION = 'qyapi_get_microapp_list'

const isReply = (v: unknown): v is Reply => typeof v === 'object' && v !== null && 'status' in v

/**
 * One `appList` row, with the fields of `ListAllInnerAppsResponseBodyAppList` (`@alicloud/dingtalk` 2.2.27) the
 * fixture knows. `robotInfo` only for apps with the robot capability: its `robotCode` is the app's AppKey.
 */
function appView(app: EmulatorApp): Record<string, unknown> {
  return {
    // A Long on the wire; 10 digits stay exact in a JSON number.
    agentId: Number(app.agentId),
    name: app.name,
    // 1 = enabled (启用); the emulator models no disabled (停用) apps.
    appStatus: 1,
    // 0 = H5 micro app (the only kind the fixture has).
    developType: 0,
    ...(app.robot ? { robotInfo: { name: app.name, robotCode: app.clientId } } : {}),
  }
}

/** `GET /v1.0/microApp/allInnerApps`: every internal app of the token's corp, with its agentId. */
export function listAllInnerApps(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const app = authenticateApp(ctx, req)
  if (isReply(app)) return app
  if (!app.permissions.includes(APP_LIST_PERMISSION)) return permissionDenied([APP_LIST_PERMISSION])
  const apps = ctx.index.fixture.apps.filter((other) => other.corpId === app.corpId)
  return jsonReply(200, { appList: apps.map(appView) })
}
