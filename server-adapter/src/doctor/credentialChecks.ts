import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { NOT_CHECKED, instanceCheck, trimSlash } from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import { bodyString, isRefusedFirst, probe, requiredScopesOf, v1Code } from './probe'
import type { ProbeAnswer } from './probe'

/** What the credential checks found, and the app token for the checks that need one. */
export interface CredentialCheckResult extends CheckGroupResult {
  appToken: string | undefined
}

function describeAnswer(answer: ProbeAnswer): string {
  if (answer.kind === 'unreachable') return answer.timedOut ? 'no answer in time' : 'no connection'
  return `HTTP ${answer.status}${v1Code(answer) ? ` ${v1Code(answer)}` : ''}`
}

/**
 * Credentials (`POST /v1.0/oauth2/accessToken`) and the corp (`POST /v1.0/oauth2/{corpId}/token`, which DingTalk
 * answers `401 unauthorized.client` when the corp is not the app's own, `500 unknownError` when it does not exist).
 */
export async function checkCredentials(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
): Promise<CredentialCheckResult> {
  const apiBase = trimSlash(settings.apiBase)
  const checks: DoctorCheck[] = []
  const answers: ProbeAnswer[] = []
  const tokenAnswer = await probe(settings, `${apiBase}/v1.0/oauth2/accessToken`, {
    method: 'POST',
    json: { appKey: instance.appKey, appSecret: instance.appSecret },
  })
  answers.push(tokenAnswer)
  const code = v1Code(tokenAnswer)
  let appToken: string | undefined
  if (tokenAnswer.kind === 'unreachable') {
    checks.push(
      instanceCheck(
        instance,
        'dingtalk-reachable',
        'fail',
        `DingTalk's API at ${apiBase} gave ${describeAnswer(tokenAnswer)} (timeout ${settings.timeoutMs} ms)`,
        'Let this server reach api.dingtalk.com, oapi.dingtalk.com and login.dingtalk.com over https (proxy, firewall, DNS), or fix dingtalk.apiBase',
      ),
    )
    return { checks, answers, appToken }
  }
  if (tokenAnswer.status >= 200 && tokenAnswer.status < 300 && bodyString(tokenAnswer, 'accessToken')) {
    appToken = bodyString(tokenAnswer, 'accessToken')
    checks.push(
      instanceCheck(
        instance,
        'credentials',
        'ok',
        `DingTalk accepts AppKey ${instance.appKey} and its AppSecret`,
      ),
    )
  } else if (code === 'invalidClientIdOrSecret') {
    checks.push(
      instanceCheck(
        instance,
        'credentials',
        'fail',
        `DingTalk refuses AppKey ${instance.appKey} with this AppSecret (invalidClientIdOrSecret)`,
        'Copy AppKey and AppSecret again from the developer console (应用开发 → 凭证与基础信息) into authConfig; an app without a published version is refused the same way (see the app-published check)',
      ),
    )
  } else if (code === 'Forbidden.AccessDenied.AccessTokenPermissionDenied') {
    const scopes = requiredScopesOf(tokenAnswer)
    checks.push(
      instanceCheck(
        instance,
        'credentials',
        'ok',
        `DingTalk accepts AppKey ${instance.appKey} and its AppSecret`,
      ),
    )
    checks.push(
      instanceCheck(
        instance,
        `permission:${scopes[0] ?? 'qyapi_base'}`,
        'fail',
        `DingTalk gives no app token: the app lacks ${scopes.join(', ') || 'qyapi_base'}`,
        `Grant ${scopes.join(', ') || 'qyapi_base'} in the developer console (权限管理) and publish the app again`,
      ),
    )
  } else if (isRefusedFirst(tokenAnswer)) {
    checks.push(
      instanceCheck(
        instance,
        'credentials',
        'warn',
        `${NOT_CHECKED}DingTalk refused the call before reading the credentials (${describeAnswer(tokenAnswer)})`,
        'Fix the ip-allow-list or quota finding below, then run the doctor again',
      ),
    )
  } else {
    checks.push(
      instanceCheck(
        instance,
        'credentials',
        'fail',
        `DingTalk answered the app-token call with ${describeAnswer(tokenAnswer)}`,
        'Check dingtalk.apiBase points at DingTalk (https://api.dingtalk.com) and AppKey/AppSecret are this app’s',
      ),
    )
  }
  if (appToken) checks.push(...(await checkCorp(instance, settings, answers)))
  return { checks, answers, appToken }
}

async function checkCorp(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
  answers: ProbeAnswer[],
): Promise<DoctorCheck[]> {
  const url = `${trimSlash(settings.apiBase)}/v1.0/oauth2/${encodeURIComponent(instance.corpId)}/token`
  const answer = await probe(settings, url, {
    method: 'POST',
    json: { client_id: instance.appKey, client_secret: instance.appSecret, grant_type: 'client_credentials' },
  })
  answers.push(answer)
  const code = v1Code(answer)
  const fix = `Set authConfig.corpId to the CorpId of the organisation that owns the app (developer console → 首页 → CorpId); logins otherwise end in corp_mismatch or unknown_corp`
  if (answer.kind === 'answer' && answer.status >= 200 && answer.status < 300) {
    return [instanceCheck(instance, 'corp', 'ok', `${instance.corpId} is the organisation of the app`)]
  }
  if (code === 'unauthorized.client') {
    return [
      instanceCheck(
        instance,
        'corp',
        'fail',
        `corpId ${instance.corpId} is not the organisation of app ${instance.appKey} (unauthorized.client)`,
        fix,
      ),
    ]
  }
  if (code === 'unknownError' || code === 'invalid.corpId') {
    return [instanceCheck(instance, 'corp', 'fail', `DingTalk knows no organisation ${instance.corpId}`, fix)]
  }
  return [
    instanceCheck(
      instance,
      'corp',
      'warn',
      `could not confirm the corp: DingTalk answered ${describeAnswer(answer)}`,
      'Compare authConfig.corpId with the CorpId on the developer console’s home page',
    ),
  ]
}
