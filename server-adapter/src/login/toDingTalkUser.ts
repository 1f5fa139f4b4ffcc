import type { DingTalkCurrentUser, DingTalkUserDetail } from '../dingtalk/wireTypes'
import { DingTalkAuthError } from '../errors'
import type { DDInnerAuth } from './DDInnerAuth'
import type { DingTalkLoginFlow, DingTalkUser } from './loginResult'

/**
 * The person as the login describes them to the app (`resolveUser`) and stores them: `v2/user/get`'s answer first,
 * `users/me`'s for what it lacks. Throws `upstream_error` when DingTalk names no unionId, or another one than the
 * login's.
 */
export function toDingTalkUser(
  instance: DDInnerAuth,
  flow: DingTalkLoginFlow,
  detail: DingTalkUserDetail,
  me: DingTalkCurrentUser | null,
  knownUnionId: string | undefined,
): DingTalkUser {
  const unionId = knownUnionId ?? detail.unionid ?? me?.unionId
  if (!unionId)
    throw new DingTalkAuthError('upstream_error', { detail: 'DingTalk gave no unionId for the person' })
  // DingTalk: a userid may have been handed to someone else between two calls of this login.
  if (detail.unionid && detail.unionid !== unionId)
    throw new DingTalkAuthError('upstream_error', { detail: 'DingTalk named another person for the userid' })
  return {
    instance: instance.name,
    flow,
    corpId: instance.corpId,
    userid: detail.userid,
    unionId,
    name: detail.name ?? me?.nick ?? null,
    avatar: detail.avatar ?? me?.avatarUrl ?? null,
    mobile: detail.mobile ?? me?.mobile ?? null,
    stateCode: detail.stateCode ?? me?.stateCode ?? null,
    email: detail.orgEmail ?? detail.email ?? me?.email ?? null,
    jobNumber: detail.jobNumber ?? null,
    title: detail.title ?? null,
    hiredDate: detail.hiredDate ?? null,
    active: detail.active ?? null,
    admin: detail.admin ?? null,
    deptIdList: detail.deptIdList,
    detail: detail.raw,
    me: me?.raw ?? null,
  }
}
