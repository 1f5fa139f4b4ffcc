import { createOapiRequestId } from '../ids'
import { oapiError } from '../routes/oapi'
import { v1Error } from '../routes/v1'
import type { ActiveFault } from '../state/createFaultStore'
import type { Family } from './apiFamily'
import type { Reply } from './Reply'
import { htmlReply, jsonReply } from './Reply'

/** A DingTalk answer for a fault, or 'hang' / 'drop' for the connection-level ones. */
export function faultReply(fault: ActiveFault, family: Family): Reply | 'hang' | 'drop' | undefined {
  const v1 = family === 'v1'
  switch (fault.kind) {
    case 'timeout':
      return 'hang'
    case 'drop':
      return 'drop'
    case 'throttle':
      return v1
        ? v1Error(
            fault.status ?? 403,
            'Forbidden.AccessDenied.QpsLimitForApi',
            fault.message ?? '调用该接口触发限流，请降低调用频率',
          )
        : oapiError(
            fault.errcode ?? 90002,
            fault.errmsg ?? '您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了',
          )
    case 'busy':
      return v1
        ? v1Error(fault.status ?? 503, 'ServiceUnavailable', fault.message ?? '服务暂时不可用，请稍后重试')
        : oapiError(-1, fault.errmsg ?? '系统繁忙')
    case 'ipWhitelist':
      return v1
        ? v1Error(
            fault.status ?? 403,
            'Forbidden.AccessDenied.IpNotInWhiteList',
            fault.message ?? 'IP不在白名单中，请在开发者后台添加服务器出口IP',
          )
        : oapiError(60020, fault.errmsg ?? '访问ip不在白名单之中')
    case 'ipBan':
      return ipBanReply(fault.status ?? 200)
    case 'quota':
      return v1
        ? v1Error(
            fault.status ?? 403,
            'Forbidden.AccessDenied.ApiCountLimitForOrg',
            fault.message ?? '组织的接口调用量已达本月上限',
          )
        : oapiError(fault.errcode ?? 90020, fault.errmsg ?? '组织的接口调用量已达本月上限')
    case 'html':
      return htmlReply(
        fault.status ?? 200,
        '<!DOCTYPE html><html><head><title>访问被拒绝</title></head><body><h1>访问被拒绝</h1><p>您的访问过于频繁，请稍后再试。</p></body></html>',
      )
    default:
      break
  }
  if (fault.errcode !== undefined && (!v1 || fault.code === undefined)) {
    return { ...oapiError(fault.errcode, fault.errmsg ?? '系统繁忙'), status: fault.status ?? 200 }
  }
  if (fault.code !== undefined) return v1Error(fault.status ?? 400, fault.code, fault.message ?? fault.code)
  return undefined
}

/** The gateway's ban answer when an IP exceeds the rate limit: not a DingTalk envelope at all. */
export function ipBanReply(status: number): Reply {
  return jsonReply(status, {
    status: 1111,
    wait: 5,
    source: 'x5',
    punish: 'deny',
    uuid: createOapiRequestId(),
  })
}
