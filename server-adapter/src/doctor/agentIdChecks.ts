import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { NOT_CHECKED, instanceCheck, trimSlash } from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import { isRefusedFirst, probe, v1Code } from './probe'

const ALL_INNER_APPS_PATH = '/v1.0/microApp/allInnerApps'
const APP_LIST_SCOPE = 'qyapi_get_microapp_list'
const CONSOLE_AGENT_ID =
  'the AgentId on the app’s page in the developer console (应用开发 → the app → 凭证与基础信息)'

/** One row of `allInnerApps` (`ListAllInnerAppsResponseBodyAppList`), as far as the check reads it. */
interface InnerApp {
  agentId: string
  name: string
  /** `robotInfo.robotCode`: an internal app's robot is coded with its AppKey. */
  robotCode: string | undefined
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function innerAppsOf(body: unknown): InnerApp[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.appList)) return undefined
  return body.appList.filter(isRecord).map((app) => ({
    // A Long on the wire; agentIds (10 digits) stay exact as JSON numbers.
    agentId: String(app.agentId),
    name: typeof app.name === 'string' ? app.name : '(no name)',
    robotCode:
      isRecord(app.robotInfo) && typeof app.robotInfo.robotCode === 'string'
        ? app.robotInfo.robotCode
        : undefined,
  }))
}

/**
 * The configured agentId against DingTalk's list of the corp's internal apps (`GET /v1.0/microApp/allInnerApps`).
 * DingTalk links an AppKey to an agentId only through a robot's `robotCode`, so: the app's own row when it has a
 * robot (✓ or ✗ naming the right agentId), else whether the agentId is an app of the corp at all (a "not checked"
 * warning naming that app, since it may be a sibling app's, or ✗). The list needs `qyapi_get_microapp_list`, which the login does not: without it the check says what
 * it could not verify. Only the app's own corp is listed, so a read changes nothing and shows no one's data.
 */
export async function checkAgentId(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
  appToken: string,
): Promise<CheckGroupResult> {
  if (!instance.agentId) return { checks: [], answers: [] }
  const answer = await probe(settings, `${trimSlash(settings.apiBase)}${ALL_INNER_APPS_PATH}`, {
    headers: { accept: 'application/json', 'x-acs-dingtalk-access-token': appToken },
  })
  const check = (status: DoctorCheck['status'], message: string, fix?: string) => ({
    checks: [instanceCheck(instance, 'agent-id', status, message, fix)],
    answers: [answer],
  })
  const configured = instance.agentId
  const apps = answer.kind === 'answer' && answer.status === 200 ? innerAppsOf(answer.body) : undefined
  if (apps) {
    const own = apps.find((app) => app.robotCode === instance.appKey)
    if (own) {
      return own.agentId === configured
        ? check('ok', `agentId ${configured} is app ${instance.appKey}'s (“${own.name}”)`)
        : check(
            'fail',
            `agentId ${configured} is not app ${instance.appKey}'s: DingTalk lists “${own.name}” (this AppKey) with agentId ${own.agentId}`,
            `Set authConfig.agentId to ${own.agentId}`,
          )
    }
    const named = apps.find((app) => app.agentId === configured)
    if (named) {
      // Without a robot DingTalk gives no link from this AppKey to any agentId: the configured one may belong
      // to a sibling app of the corp, so this confirms only that the corp has such an app.
      return check(
        'warn',
        `${NOT_CHECKED}agentId ${configured} could only be confirmed as an app of corp ${instance.corpId} (“${named.name}”), not as app ${instance.appKey}'s: DingTalk links an AppKey to its agentId only for apps with a robot`,
        `Make sure “${named.name}” is this app: compare authConfig.agentId with ${CONSOLE_AGENT_ID}`,
      )
    }
    return check(
      'fail',
      `corp ${instance.corpId} has no internal app with agentId ${configured} (DingTalk lists ${apps.length} apps)`,
      `Set authConfig.agentId to ${CONSOLE_AGENT_ID}; dd.config and work notices fail with a wrong one`,
    )
  }
  if (v1Code(answer) === 'Forbidden.AccessDenied.AccessTokenPermissionDenied') {
    return check(
      'warn',
      `${NOT_CHECKED}DingTalk lists a corp's apps and their agentIds only to an app granted ${APP_LIST_SCOPE}, so agentId ${configured} was not compared (the login needs neither; dd.config and work notices use the agentId)`,
      `Compare authConfig.agentId with ${CONSOLE_AGENT_ID}, or grant ${APP_LIST_SCOPE} (权限管理) so the doctor can check it`,
    )
  }
  if (isRefusedFirst(answer)) {
    return check(
      'warn',
      `${NOT_CHECKED}DingTalk refused the call first`,
      'Fix the finding below, then run the doctor again',
    )
  }
  const detail =
    answer.kind === 'unreachable'
      ? answer.timedOut
        ? `no answer within ${settings.timeoutMs} ms`
        : 'no connection'
      : `HTTP ${answer.status}${v1Code(answer) ? ` ${v1Code(answer)}` : ''}`
  return check(
    'warn',
    `${NOT_CHECKED}agentId ${configured} was not compared: ${ALL_INNER_APPS_PATH} gave ${detail}`,
    `Compare authConfig.agentId with ${CONSOLE_AGENT_ID}`,
  )
}
