import type { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { DDInnerAuth } from './DDInnerAuth'
import type { DingTalkLoginFlow, DingTalkLoginResult } from './loginResult'
import { toDingTalkAuthError } from './toDingTalkAuthError'

/**
 * One log line per login, with ids and timings only: `info` when it succeeded, `warn` when it was refused (a 4xx
 * code), `error` when it failed on our side or DingTalk's.
 */
export class LoginOutcomeLog {
  readonly #logger: Logger
  readonly #now: () => number

  constructor(logger: Logger, now: () => number) {
    this.#logger = logger
    this.#now = now
  }

  succeeded(
    flow: DingTalkLoginFlow,
    instance: DDInnerAuth,
    platform: string,
    result: DingTalkLoginResult,
    started: number,
  ): void {
    this.#logger.info(
      {
        flow,
        instance: instance.name,
        corpId: instance.corpId,
        platform,
        userId: result.userId,
        isNewUser: result.isNewUser,
        ms: this.#now() - started,
      },
      'dingtalk login succeeded',
    )
  }

  /** Logs a failed login and returns the error to throw: any error becomes a {@link DingTalkAuthError}. */
  failed(
    flow: DingTalkLoginFlow,
    instance: DDInnerAuth | undefined,
    error: unknown,
    started: number,
  ): DingTalkAuthError {
    const mapped = toDingTalkAuthError(error)
    const entry = {
      flow,
      instance: instance?.name,
      reason: mapped.code,
      requestId: mapped.requestId,
      ms: this.#now() - started,
      err: mapped.cause ?? mapped,
    }
    if (mapped.status >= 500) this.#logger.error(entry, 'dingtalk login failed')
    else this.#logger.warn(entry, 'dingtalk login rejected')
    return mapped
  }
}
