import type { DDInnerClient } from '../dingtalk/DingTalkClient'
import { isUserNotFoundError } from '../dingtalk/errorPredicates'
import type { DingTalkUserDetail } from '../dingtalk/wireTypes'
import { DingTalkAuthError } from '../errors'
import type { LoginCallOptions } from './loginParams'
import { requireCorpMember } from './requireCorpMember'

/** What a binding recorded of its person: the userid, the unionId and the contact type. */
export interface BoundPerson {
  userid: string
  unionId: string
  contactType: number
}

/**
 * `v2/user/get` for the userid the binding recorded. DingTalk may give a person who left and came back a new
 * userid while the unionId stays: the recorded one is then unknown (60121) or, handed on, someone else's (another
 * unionId), and `getbyunionid` names the current one (or answers 60121 itself for someone who is gone:
 * `not_corp_member`). Only an answer naming the person's unionId is taken as theirs: one without a unionId is
 * kept only if `getbyunionid` names the recorded userid too.
 */
export async function getBoundPerson(
  client: DDInnerClient,
  bound: BoundPerson,
  call: LoginCallOptions,
): Promise<{ detail: DingTalkUserDetail; contactType: number }> {
  let notFound: unknown = null
  let unconfirmed: DingTalkUserDetail | null = null
  try {
    const detail = await client.getUser(bound.userid, call)
    // DingTalk may have handed the recorded userid to someone else: then it is not this person's any more.
    if (detail.unionid === bound.unionId) return { detail, contactType: bound.contactType }
    if (detail.unionid === undefined) unconfirmed = detail
  } catch (error) {
    if (!isUserNotFoundError(error)) throw error
    notFound = error
  }
  const found = await requireCorpMember(client, bound.unionId, call)
  if (found.userid === bound.userid) {
    if (unconfirmed) return { detail: unconfirmed, contactType: found.contactType }
    throw (
      notFound ??
      new DingTalkAuthError('upstream_error', { detail: 'DingTalk named another person for the userid' })
    )
  }
  return { detail: await client.getUser(found.userid, call), contactType: found.contactType }
}
