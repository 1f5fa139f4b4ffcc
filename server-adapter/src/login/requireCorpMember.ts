import type { DDInnerClient } from '../dingtalk/DingTalkClient'
import { DingTalkAuthError } from '../errors'
import type { LoginCallOptions } from './loginParams'

/** `contact_type` of `getbyunionid`: 1 is an external contact, never a member. */
export const EXTERNAL_CONTACT = 1

/** `getbyunionid`: the person's userid in the instance corp; not a member (60121) or external: `not_corp_member`. */
export async function requireCorpMember(
  client: DDInnerClient,
  unionId: string,
  call: LoginCallOptions,
): Promise<{ userid: string; contactType: number }> {
  const found = await client.getUserIdByUnionId(unionId, call)
  if (found.contactType === EXTERNAL_CONTACT) {
    throw new DingTalkAuthError('not_corp_member', {
      detail: 'the person is an external contact of the corp',
    })
  }
  return { userid: found.userid, contactType: found.contactType }
}
