import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { NOT_CHECKED, instanceCheck, trimSlash } from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import {
  bodyString,
  isRefusedFirst,
  oapiErrcode,
  oapiSubCode,
  probe,
  requiredScopesOf,
  v1Code,
} from './probe'
import type { ProbeAnswer } from './probe'

/** A value DingTalk never issues: the probes ask about it so that no real person or code is touched. */
export const PROBE_VALUE = 'dingtalk-doctor-probe'

interface PermissionProbeBase {
  /** The permission code, as the console and `permission_denied` name it. */
  scope: string
  /** Its name in the console, where known. */
  label?: string
  /** What needs it, for the message: "… which <feature> needs". */
  feature: string
  path: string
}

/**
 * One oapi call a feature makes, asked with a value that cannot exist: DingTalk checks the app's permission before
 * it looks the value up, so `60011` means the permission is missing and "not found" means it is there.
 */
export interface OapiPermissionProbe extends PermissionProbeBase {
  family: 'oapi'
  body: Readonly<Record<string, string | number>>
  /** Errcodes that prove the permission is there (the probe value was looked up and not found). */
  granted: readonly number[]
}

/**
 * One v1.0 read a feature makes, asked so that it changes nothing: the gateway checks the permission first and
 * answers `403 Forbidden.AccessDenied.AccessTokenPermissionDenied` naming `requiredScopes`; any 2xx means granted.
 */
export interface V1PermissionProbe extends PermissionProbeBase {
  family: 'v1'
  /** The query, built at probe time (e.g. a time window ending now). */
  query: (now: number) => Record<string, string>
}

export type PermissionProbe = OapiPermissionProbe | V1PermissionProbe

type ProbeVerdict =
  | { kind: 'granted' }
  /** `answer` is how DingTalk said so: `60011`, or `403 Forbidden.AccessDenied.AccessTokenPermissionDenied`. */
  | { kind: 'missing'; scopes: string[]; answer: string }
  /** The IP allow-list, throttling or the monthly quota answered first (reported once by the network checks). */
  | { kind: 'refused' }
  | { kind: 'unclear'; detail: string }

const PERMISSION_DENIED = 'Forbidden.AccessDenied.AccessTokenPermissionDenied'
/** Newer 60011 answers name what is missing: "应用尚未开通所需的权限：[qyapi_get_department_list]". */
const NAMED_SCOPES = /\[([\w.,\s]+)\]/

function ask(
  settings: DoctorDingTalkSettings,
  appToken: string,
  permission: PermissionProbe,
): Promise<ProbeAnswer> {
  if (permission.family === 'oapi') {
    const url = `${trimSlash(settings.oapiBase)}${permission.path}?access_token=${encodeURIComponent(appToken)}`
    return probe(settings, url, { method: 'POST', json: permission.body })
  }
  const query = new URLSearchParams(permission.query(settings.now()))
  return probe(settings, `${trimSlash(settings.apiBase)}${permission.path}?${query}`, {
    headers: { accept: 'application/json', 'x-acs-dingtalk-access-token': appToken },
  })
}

function describe(answer: ProbeAnswer, timeoutMs: number): string {
  if (answer.kind === 'unreachable')
    return answer.timedOut ? `no answer within ${timeoutMs} ms` : 'no connection'
  const errcode = oapiErrcode(answer)
  if (errcode !== undefined)
    return `HTTP ${answer.status}, errcode ${errcode}${oapiSubCode(answer) ? `/${oapiSubCode(answer)}` : ''}`
  return `HTTP ${answer.status}${v1Code(answer) ? ` ${v1Code(answer)}` : ''}`
}

function verdictOf(permission: PermissionProbe, answer: ProbeAnswer, timeoutMs: number): ProbeVerdict {
  if (isRefusedFirst(answer)) return { kind: 'refused' }
  if (permission.family === 'oapi') {
    const errcode = oapiErrcode(answer)
    if (errcode !== undefined && permission.granted.includes(errcode)) return { kind: 'granted' }
    if (errcode === 60011) {
      const named = NAMED_SCOPES.exec(bodyString(answer, 'errmsg') ?? '')?.[1]
      const scopes = named
        ?.split(',')
        .map((scope) => scope.trim())
        .filter(Boolean)
      return { kind: 'missing', scopes: scopes?.length ? scopes : [permission.scope], answer: '60011' }
    }
  } else {
    if (answer.kind === 'answer' && answer.status >= 200 && answer.status < 300) return { kind: 'granted' }
    if (v1Code(answer) === PERMISSION_DENIED) {
      const scopes = requiredScopesOf(answer)
      return {
        kind: 'missing',
        scopes: scopes.length ? scopes : [permission.scope],
        answer: `403 ${PERMISSION_DENIED}`,
      }
    }
  }
  return { kind: 'unclear', detail: describe(answer, timeoutMs) }
}

const unique = (values: readonly string[]) => [...new Set(values)]

/** One check for the probes of one permission: ✗ when any call lacks it, ! when one could not tell. */
function checkOf(
  instance: DoctorInstance,
  probes: readonly { permission: PermissionProbe; verdict: ProbeVerdict }[],
): DoctorCheck {
  const { scope, label, feature } = probes[0]!.permission
  const id = `permission:${scope}`
  const labelled = label ? `${label} (${scope})` : scope
  const named = (scopes: readonly string[]) =>
    scopes.map((missing) => (missing === scope ? labelled : missing)).join(', ')
  const missing = probes.flatMap(({ permission, verdict }) =>
    verdict.kind === 'missing' ? [{ path: permission.path, ...verdict }] : [],
  )
  if (missing.length > 0) {
    const scopes = unique(missing.flatMap((call) => call.scopes))
    const answers = unique(missing.map((call) => call.answer)).join(' / ')
    const paths = missing.map((call) => call.path).join(', ')
    return instanceCheck(
      instance,
      id,
      'fail',
      `DingTalk answered ${answers} to ${paths}: the app lacks ${named(scopes)}, which ${feature} needs`,
      `Grant ${named(scopes)} in the developer console (应用开发 → the app → 权限管理), then publish a new version`,
    )
  }
  if (probes.some(({ verdict }) => verdict.kind === 'refused')) {
    return instanceCheck(
      instance,
      id,
      'warn',
      `${NOT_CHECKED}DingTalk refused the call first`,
      'Fix the finding below, then run the doctor again',
    )
  }
  const unclear = probes.find(({ verdict }) => verdict.kind === 'unclear')
  if (unclear && unclear.verdict.kind === 'unclear') {
    return instanceCheck(
      instance,
      id,
      'warn',
      `could not tell whether ${scope} is granted: ${unclear.permission.path} gave ${unclear.verdict.detail}`,
      `Check ${labelled} in the developer console (权限管理); check dingtalk.apiBase and dingtalk.oapiBase`,
    )
  }
  return instanceCheck(instance, id, 'ok', `${labelled} is granted`)
}

/**
 * Asks DingTalk about each probe's permission (in parallel, with the app token) and answers one check per
 * permission, in the order the probes name them.
 */
export async function askPermissions(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
  appToken: string,
  probes: readonly PermissionProbe[],
): Promise<CheckGroupResult> {
  const results = await Promise.all(
    probes.map(async (permission) => ({ permission, answer: await ask(settings, appToken, permission) })),
  )
  const byScope = new Map<string, { permission: PermissionProbe; verdict: ProbeVerdict }[]>()
  for (const { permission, answer } of results) {
    const group = byScope.get(permission.scope) ?? []
    group.push({ permission, verdict: verdictOf(permission, answer, settings.timeoutMs) })
    byScope.set(permission.scope, group)
  }
  return {
    checks: [...byScope.values()].map((group) => checkOf(instance, group)),
    answers: results.map(({ answer }) => answer),
  }
}
