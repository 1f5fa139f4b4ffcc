/**
 * The longest userid DingTalk gives (`topapi/v2/user/create`: "1~64 characters"). A value one character longer can
 * never be a real userid, whatever characters DingTalk allows.
 */
const MAX_DINGTALK_USERID_LENGTH = 64

/**
 * What a vacated binding's `thirdUserId` starts with: exactly {@link MAX_DINGTALK_USERID_LENGTH} characters, so
 * with any binding id after it the value is longer than every real userid.
 */
export const VACATED_USERID_PREFIX = 'dingtalk-login:vacated-userid:'.padEnd(MAX_DINGTALK_USERID_LENGTH, '~')

/**
 * The `thirdUserId` a binding gets when DingTalk has handed its userid to another person (DingTalk may give a
 * custom userid such as `zhangsan` to someone new after its holder left). It frees the corp's unique
 * `(corpId, userid)` slot for the new holder while the binding and its local user stay: the person it belongs to,
 * if they come back, is found by unionId and moved to their new userid. Unique per binding (the binding id follows
 * the prefix); at most 100 characters with a 36-character binding id, within the stores' 128.
 */
export function vacatedUserIdOf(bindingId: string): string {
  return `${VACATED_USERID_PREFIX}${bindingId}`
}

/** Whether a binding's `thirdUserId` is a vacated placeholder, not a userid DingTalk gave. */
export function isVacatedUserId(userid: string): boolean {
  return userid.length > MAX_DINGTALK_USERID_LENGTH && userid.startsWith(VACATED_USERID_PREFIX)
}
