/** What one probe call got: DingTalk's answer, or why there was none. */
export type ProbeAnswer =
  | {
      kind: 'answer'
      status: number
      /** Parsed JSON body, or the text when it is not JSON. */
      body: unknown
      /** The server's `Date` header, epoch ms, for the clock check. */
      serverTime: number | undefined
      /** `Location` of a redirect (the login page probe does not follow redirects). */
      location: string | undefined
    }
  | { kind: 'unreachable'; timedOut: boolean }

/** How the doctor's probes reach DingTalk. */
export interface ProbeContext {
  fetch: typeof fetch
  timeoutMs: number
}

/**
 * One raw call for the doctor. The doctor reads DingTalk's own answers (codes, scopes, the login page) rather than
 * the login client's mapped errors, so it calls `fetch` itself; it never retries and never follows redirects.
 */
export async function probe(
  context: ProbeContext,
  url: string,
  init: { method?: 'GET' | 'POST'; json?: unknown; headers?: Record<string, string> } = {},
): Promise<ProbeAnswer> {
  const timeout = AbortSignal.timeout(context.timeoutMs)
  try {
    const response = await context.fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        accept: 'application/json, text/html',
        ...(init.json !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        ...init.headers,
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      signal: timeout,
    })
    const text = await response.text()
    let body: unknown = text
    try {
      body = JSON.parse(text) as unknown
    } catch {
      // Not JSON: the login page, or a gateway's HTML error page.
    }
    const date = Date.parse(response.headers.get('date') ?? '')
    return {
      kind: 'answer',
      status: response.status,
      body,
      serverTime: Number.isNaN(date) ? undefined : date,
      location: response.headers.get('location') ?? undefined,
    }
  } catch {
    return { kind: 'unreachable', timedOut: timeout.aborted }
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The v1.0 error `code` of an answer (`invalidClientIdOrSecret`, …), if it is one. */
export function v1Code(answer: ProbeAnswer): string | undefined {
  if (answer.kind !== 'answer' || answer.status < 400 || !isRecord(answer.body)) return undefined
  const code = answer.body.code ?? answer.body.Code
  return typeof code === 'string' ? code : undefined
}

/** `accessdenieddetail.requiredScopes` of a v1.0 permission error. */
export function requiredScopesOf(answer: ProbeAnswer): string[] {
  if (answer.kind !== 'answer' || !isRecord(answer.body)) return []
  const detail = answer.body.accessdenieddetail ?? answer.body.AccessDeniedDetail
  if (!isRecord(detail) || !Array.isArray(detail.requiredScopes)) return []
  return detail.requiredScopes.filter((scope): scope is string => typeof scope === 'string')
}

/** The oapi `errcode` of an answer (0 on success), if it has one. */
export function oapiErrcode(answer: ProbeAnswer): number | undefined {
  if (answer.kind !== 'answer' || !isRecord(answer.body)) return undefined
  const errcode = answer.body.errcode
  return typeof errcode === 'number' ? errcode : typeof errcode === 'string' ? Number(errcode) : undefined
}

/** The oapi `sub_code` of an `errcode 88` answer. */
export function oapiSubCode(answer: ProbeAnswer): string | undefined {
  if (answer.kind !== 'answer' || !isRecord(answer.body)) return undefined
  const subCode = answer.body.sub_code
  return subCode === undefined || subCode === null ? undefined : String(subCode)
}

/** A string field of a JSON answer body. */
export function bodyString(answer: ProbeAnswer, field: string): string | undefined {
  if (answer.kind !== 'answer' || !isRecord(answer.body)) return undefined
  const value = answer.body[field]
  return typeof value === 'string' ? value : undefined
}

/** True when DingTalk refused the caller's IP (oapi `60020`, v1.0 `Forbidden.AccessDenied.IpNotInWhiteList`). */
export function isIpRefused(answer: ProbeAnswer): boolean {
  return oapiErrcode(answer) === 60020 || v1Code(answer) === 'Forbidden.AccessDenied.IpNotInWhiteList'
}

/** True for DingTalk's throttling answers (oapi `90001`–`90014`, v1.0 `…Qps…`/`…Qpm…`, the gateway's IP ban). */
export function isThrottled(answer: ProbeAnswer): boolean {
  const errcode = oapiErrcode(answer)
  if (errcode !== undefined && errcode >= 90001 && errcode <= 90014) return true
  const code = v1Code(answer)
  if (code && /Qp[sm]Limit|qps\.exceed|overlimit/i.test(code)) return true
  return answer.kind === 'answer' && isRecord(answer.body) && answer.body.punish === 'deny'
}

/**
 * True when the organisation's monthly API call quota is used up (oapi `90020` "组织的接口调用量已达本月上限", v1.0
 * `Forbidden.AccessDenied.ApiCountLimitForOrg`): no call succeeds until next month or an edition upgrade.
 */
export function isQuotaExhausted(answer: ProbeAnswer): boolean {
  return oapiErrcode(answer) === 90020 || v1Code(answer) === 'Forbidden.AccessDenied.ApiCountLimitForOrg'
}

/**
 * True when DingTalk refused a call before reading it: the IP allow-list, throttling or the monthly quota. The
 * check that asked says "not checked"; the network checks report the cause once.
 */
export function isRefusedFirst(answer: ProbeAnswer): boolean {
  return isIpRefused(answer) || isThrottled(answer) || isQuotaExhausted(answer)
}
