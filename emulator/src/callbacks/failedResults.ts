import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { v1Error } from '../routes/v1'
import type { CallbackDelivery } from './createCallbackDelivery'

export const FAILED_RESULTS_PATH = '/v1.0/event/callbacks/failedResults'

/**
 * `/v1.0/event/callbacks/failedResults` (the method is not settled: GET and POST both answer): the app's pushes that
 * failed every retry, each handed out once, at most `maxResults` (≤ 100) per call.
 */
export function failedResults(
  ctx: EmulatorContext,
  callbacks: CallbackDelivery,
  req: EmulatorRequest,
): Reply {
  const header = req.headers['x-acs-dingtalk-access-token']
  const value = Array.isArray(header) ? header[0] : header
  if (!value)
    return v1Error(400, 'AuthenticationFailed.MissingParameter', '缺少参数：x-acs-dingtalk-access-token')
  const token = ctx.tokens.findToken(value)
  if (!token || token.kind !== 'app') return v1Error(400, 'InvalidAuthentication', '不合法的access_token')
  const requested = Number(req.query.get('maxResults') ?? 100)
  const max = Number.isInteger(requested) && requested > 0 ? Math.min(requested, 100) : 100
  return jsonReply(200, callbacks.takeFailed(token.clientId, max))
}
