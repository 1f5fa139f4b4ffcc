import type { DDInnerAuthModel } from '../store/BindingStore'
import type { DDInnerAuth } from './DDInnerAuth'
import type { DingTalkLoginResult } from './loginResult'
import { toBindingView } from './toBindingView'

/**
 * The login result for a stored binding. The users table is only written by this sync, so the binding's name and
 * photo are the local user's: no read.
 */
export function toLoginResult(
  instance: DDInnerAuth,
  binding: DDInnerAuthModel,
  isNewUser: boolean,
): DingTalkLoginResult {
  return {
    userId: binding.userId,
    isNewUser,
    instance: instance.name,
    binding: toBindingView(binding),
    user: { id: binding.userId, name: binding.name, avatar: binding.photo },
  }
}
