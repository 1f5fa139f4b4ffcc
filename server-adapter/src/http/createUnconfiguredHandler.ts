import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { DingTalkHttpHandler } from './DingTalkHttpHandler'
import { DEFAULT_BASE_PATH, normalizeBasePath } from './basePath'

/** Without `session` or `onLogin` there is no safe way to finish a login over HTTP: say so on every request. */
export function createUnconfiguredHandler(basePath: string | undefined, logger: Logger): DingTalkHttpHandler {
  const error = new DingTalkAuthError('config_error', {
    detail: 'auth.handler needs `session: { secret }` or `onLogin` in createDingTalkAuth options',
  })
  let warned = false
  return {
    basePath: normalizeBasePath(basePath ?? DEFAULT_BASE_PATH),
    async handler() {
      if (!warned) logger.error({ errorCode: error.code }, error.message)
      warned = true
      return Response.json(error.toJSON('en'), {
        status: error.status,
        headers: { 'cache-control': 'no-store' },
      })
    },
  }
}
