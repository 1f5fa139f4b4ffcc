import type { DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { instanceCheck } from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import { isIpRefused, isQuotaExhausted, isThrottled, oapiErrcode } from './probe'
import type { ProbeAnswer } from './probe'

/** Beyond this the doctor warns; beyond `CLOCK_FAIL_MS` it fails (tokens and sessions then expire at odd times). */
const CLOCK_WARN_MS = 30_000
const CLOCK_FAIL_MS = 300_000

/**
 * What every answer of one instance's probes says about the network: the server's egress IP (`60020` /
 * `IpNotInWhiteList`), the clock against DingTalk's `Date` header, and the monthly quota and throttling.
 */
export function checkNetwork(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
  answers: readonly ProbeAnswer[],
): DoctorCheck[] {
  const reached = answers.filter((answer) => answer.kind === 'answer')
  if (reached.length === 0) return []
  const checks: DoctorCheck[] = []
  if (reached.some(isIpRefused)) {
    checks.push(
      instanceCheck(
        instance,
        'ip-allow-list',
        'fail',
        "DingTalk refuses calls from this server's IP (60020 / Forbidden.AccessDenied.IpNotInWhiteList)",
        "Add this server's egress IP to the app's allow-list (developer console → 开发管理 → 服务器出口IP)",
      ),
    )
  } else {
    checks.push(
      instanceCheck(instance, 'ip-allow-list', 'ok', "DingTalk accepts calls from this server's IP"),
    )
  }

  const now = settings.now()
  const skews = reached
    .map((answer) =>
      answer.kind === 'answer' && answer.serverTime !== undefined ? answer.serverTime - now : undefined,
    )
    .filter((skew): skew is number => skew !== undefined)
  if (skews.length > 0) {
    // The Date header has a resolution of one second, and the answer took a moment to arrive.
    const skew = skews.reduce((worst, value) => (Math.abs(value) > Math.abs(worst) ? value : worst))
    const seconds = Math.round(skew / 1000)
    const off = `${Math.abs(seconds)} s ${seconds > 0 ? 'behind' : 'ahead of'} DingTalk`
    const fix =
      'Synchronise the server clock (NTP: timedatectl set-ntp true, chrony), or remove a faked clock'
    if (Math.abs(skew) > CLOCK_FAIL_MS)
      checks.push(instanceCheck(instance, 'clock', 'fail', `this server's clock is ${off}`, fix))
    else if (Math.abs(skew) > CLOCK_WARN_MS)
      checks.push(instanceCheck(instance, 'clock', 'warn', `this server's clock is ${off}`, fix))
    else
      checks.push(
        instanceCheck(
          instance,
          'clock',
          'ok',
          `the clock agrees with DingTalk's (within ${CLOCK_WARN_MS / 1000} s)`,
        ),
      )
  }

  checks.push(checkQuota(instance, reached))
  return checks
}

const quotaAnswerOf = (answer: ProbeAnswer) =>
  oapiErrcode(answer) === 90020 ? '90020' : 'Forbidden.AccessDenied.ApiCountLimitForOrg'

/**
 * The monthly quota (`90020` / `ApiCountLimitForOrg`: every login fails with `upstream_unavailable` until it
 * resets) and throttling (a rate, over in seconds or minutes). DingTalk has no API to read how much is left.
 */
function checkQuota(instance: DoctorInstance, reached: readonly ProbeAnswer[]): DoctorCheck {
  const exhausted = reached.filter(isQuotaExhausted)
  if (exhausted.length > 0) {
    const answers = [...new Set(exhausted.map(quotaAnswerOf))].join(' / ')
    return instanceCheck(
      instance,
      'quota',
      'fail',
      `DingTalk refused ${exhausted.length} of ${reached.length} calls with ${answers}: the organisation's monthly API call quota is used up (组织的接口调用量已达本月上限), so logins fail with upstream_unavailable until it resets`,
      "Upgrade the organisation's DingTalk edition for a larger monthly quota, or wait for next month; meanwhile crawl the directory rarely and prefer events (the developer console shows the use under 调用统计)",
    )
  }
  const throttled = reached.filter(isThrottled).length
  if (throttled > 0) {
    return instanceCheck(
      instance,
      'quota',
      'warn',
      `DingTalk throttled ${throttled} of ${reached.length} calls: the app, the corp or this IP is over a rate limit`,
      'Look at the call statistics in the developer console (调用统计); cache app tokens (a shared stateStore) and spread directory syncs',
    )
  }
  return instanceCheck(
    instance,
    'quota',
    'ok',
    'no call was throttled or over the monthly quota (DingTalk has no API to read what is left; the console shows it under 调用统计)',
  )
}
