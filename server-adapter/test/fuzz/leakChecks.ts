import { DINGTALK_AUTH_ERROR_STATUS } from '../../src/errors'

/** What the proof suites count: anything but zero in the defect fields is a defect. */
export interface ProofCounts {
  requests: number
  /** Responses with a 5xx status other than the upstream ones (502/503/504) a DingTalk fault explains. */
  serverErrors: number
  /** 5xx answers, all of them (502/503/504 included), for the report. */
  all5xx: number
  /** Error bodies that are not `{ error: { code: <a known code>, message } }`. */
  untypedErrors: number
  /** Responses or log lines carrying a secret, a code, a DingTalk token, a session token (in logs) or a stack. */
  leaks: number
  /** The first few defects, to read. */
  examples: string[]
}

export function emptyCounts(): ProofCounts {
  return { requests: 0, serverErrors: 0, all5xx: 0, untypedErrors: 0, leaks: 0, examples: [] }
}

const KNOWN_CODES = new Set(Object.keys(DINGTALK_AUTH_ERROR_STATUS))
const STACK_FRAME = /\bat [\w$.<>]+ \(|\bat (file:\/\/|\/)[^\s)]+:\d+:\d+/
const UPSTREAM = new Set([502, 503, 504])

/**
 * Watches responses and log lines for what must never reach them. `secrets` grow during a run (codes minted,
 * tokens the emulator issues); values shorter than 8 characters are ignored, as they would match by chance.
 */
export class LeakWatch {
  readonly counts = emptyCounts()
  private readonly secrets = new Set<string>()
  private readonly logSecrets = new Set<string>()

  /** Values that may reach neither a response nor a log line. */
  secret(value: string | undefined): void {
    if (value && value.length >= 8) this.secrets.add(value)
  }

  /** Values a response may carry to their owner (a session token) but no log line may. */
  logSecret(value: string | undefined): void {
    if (value && value.length >= 8) this.logSecrets.add(value)
  }

  private defect(kind: keyof Omit<ProofCounts, 'requests' | 'examples' | 'all5xx'>, example: string): void {
    this.counts[kind] += 1
    if (this.counts.examples.length < 10) this.counts.examples.push(`${kind}: ${example.slice(0, 300)}`)
  }

  private findSecret(text: string, alsoLogSecrets: boolean): string | undefined {
    for (const value of this.secrets) if (text.includes(value)) return value
    if (alsoLogSecrets) for (const value of this.logSecrets) if (text.includes(value)) return value
    return undefined
  }

  /** Checks one response (status, typed error body, leaks in body and headers). */
  async response(
    label: string,
    response: Response,
    options: {
      upstreamFaults?: boolean
      /** The route answers a typed 503 by design (DingTalk pushes an event again on one). */
      retryable503?: boolean
    } = {},
  ): Promise<string> {
    this.counts.requests += 1
    const text = await response.text()
    if (response.status >= 500) {
      this.counts.all5xx += 1
      const expected =
        (options.upstreamFaults && UPSTREAM.has(response.status)) ||
        (options.retryable503 && response.status === 503)
      if (!expected) this.defect('serverErrors', `${label} → ${response.status} ${text}`)
    }
    if (response.status >= 400) {
      let code: unknown
      try {
        code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code
      } catch {
        code = undefined
      }
      if (typeof code !== 'string' || !KNOWN_CODES.has(code))
        this.defect('untypedErrors', `${label} → ${response.status} ${text}`)
    }
    const headers = [...response.headers]
      .filter(([name]) => name !== 'set-cookie')
      .map(([n, v]) => `${n}: ${v}`)
      .join('\n')
    const leaked = this.findSecret(`${text}\n${headers}`, false)
    if (leaked !== undefined) this.defect('leaks', `${label} response carries ${leaked.slice(0, 6)}…`)
    if (STACK_FRAME.test(text)) this.defect('leaks', `${label} response carries a stack trace: ${text}`)
    return text
  }

  /** Checks one log line. */
  logLine(line: string): void {
    const leaked = this.findSecret(line, true)
    if (leaked !== undefined) this.defect('leaks', `log line carries ${leaked.slice(0, 6)}…: ${line}`)
    if (STACK_FRAME.test(line)) this.defect('leaks', `log line carries a stack trace: ${line}`)
  }
}
