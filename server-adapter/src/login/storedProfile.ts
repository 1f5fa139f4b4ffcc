import type { BindingProfile, DDInnerAuthModel } from '../store/BindingStore'
import type { DingTalkUser } from './loginResult'
import { EXTERNAL_CONTACT } from './requireCorpMember'

/** The stored profile of a binding: the columns, and DingTalk's answers with the contact type in `rawProfile`. */
export function toProfile(person: DingTalkUser, contactType: number): BindingProfile {
  return {
    name: person.name,
    jobNumber: person.jobNumber,
    phone: person.mobile,
    email: person.email,
    hiredDate: person.hiredDate,
    photo: person.avatar,
    rawProfile: JSON.stringify({ detail: person.detail, me: person.me, contactType }),
  }
}

/**
 * The contact type recorded with a binding when DingTalk confirmed it (`getbyunionid`), or `null` when the
 * binding predates the record: then the login asks DingTalk again.
 */
export function contactTypeOf(binding: DDInnerAuthModel | null): number | null {
  if (!binding?.rawProfile) return null
  try {
    const recorded = (JSON.parse(binding.rawProfile) as { contactType?: unknown }).contactType
    return typeof recorded === 'number' && recorded !== EXTERNAL_CONTACT ? recorded : null
  } catch {
    return null
  }
}
