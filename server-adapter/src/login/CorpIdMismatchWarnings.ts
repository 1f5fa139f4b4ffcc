import { DingTalkApiError } from '../dingtalk/DingTalkApiError'
import type { Logger } from '../logger'
import type { DDInnerAuth } from './DDInnerAuth'

/** getuserinfo: "不存在的临时授权码", the code is unknown (used, expired, or of another corp). */
const UNKNOWN_FREE_LOGIN_CODE = 40078
/** Keys remembered at most: a flood of foreign corpIds must not grow the set without bound. */
const MAX_REMEMBERED = 1_000

/**
 * Warnings that the configured corpId does not match what DingTalk reported, each said once (per instance, and
 * per foreign corp), not on every login: the login itself is refused either way, the warning names the fix.
 */
export class CorpIdMismatchWarnings {
  readonly #logger: Logger
  readonly #isConfiguredCorp: (corpId: string) => boolean
  /** Configuration warnings already logged. */
  readonly #warned = new Set<string>()

  constructor(logger: Logger, isConfiguredCorp: (corpId: string) => boolean) {
    this.#logger = logger
    this.#isConfiguredCorp = isConfiguredCorp
  }

  /** After `getuserinfo` failed: a code DingTalk does not know for this corp gets one warning naming the configuration. */
  getUserInfoFailed(instance: DDInnerAuth, error: unknown): void {
    if (!(error instanceof DingTalkApiError) || error.errcode !== UNKNOWN_FREE_LOGIN_CODE) return
    this.#warnOnce(`workbench:${instance.name}`, {
      instance: instance.name,
      configuredCorpId: instance.corpId,
      dingtalkReported: `errcode ${UNKNOWN_FREE_LOGIN_CODE}: the free-login code is unknown in this corp`,
      fix: 'if every workbench login fails like this, the code comes from another corp: make the page call requestAuthCode({ corpId }) with the corpId of this instance, or set authConfig.corpId to the corp whose workbench opens the app',
    })
  }

  /** A QR login where DingTalk reported a corp that no instance serves. */
  foreignCorp(instance: DDInnerAuth, reportedCorpId: string): void {
    if (this.#isConfiguredCorp(reportedCorpId)) return
    this.#warnOnce(`qr:${instance.name}:${reportedCorpId}`, {
      instance: instance.name,
      configuredCorpId: instance.corpId,
      dingtalkReported: reportedCorpId,
      fix: `if people of your organisation are refused with corp_mismatch, the configured corpId is wrong: set authConfig.corpId of "${instance.name}" to the corpId DingTalk reported`,
    })
  }

  #warnOnce(key: string, entry: Record<string, unknown>): void {
    if (this.#warned.has(key)) return
    if (this.#warned.size < MAX_REMEMBERED) this.#warned.add(key)
    this.#logger.warn(entry, 'dingtalk login: the configured corpId does not match what DingTalk reported')
  }
}
