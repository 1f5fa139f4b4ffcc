import type { DDInnerAuthModel } from '../store/BindingStore'
import type { DingTalkLoginBinding } from './loginResult'

/** The part of a stored binding that a login result and `GET /session` show. */
export function toBindingView(binding: DDInnerAuthModel): DingTalkLoginBinding {
  return {
    corpId: binding.thirdCorpId,
    dingUserId: binding.thirdUserId,
    unionId: binding.unionId,
    jobNumber: binding.jobNumber,
    phone: binding.phone,
    email: binding.email,
    hiredDate: binding.hiredDate,
    photo: binding.photo,
  }
}
