import { fromSqlNumber } from '../sql/fromSqlNumber'
import type { DDInnerAuthModel, LocalUser } from './BindingStore'

/** A row of `<prefix>auth_bindings`, as every driver returns it. */
export interface BindingRow {
  id: string
  user_id: string
  third_corp_id: string
  third_user_id: string
  union_id: string
  name: string | null
  job_number: string | null
  phone: string | null
  email: string | null
  hired_date: number | string | null
  photo: string | null
  create_time: number | string
  update_time: number | string
  raw_profile: string | null
}

/** A row of `<prefix>users`. */
export interface UserRow {
  id: string
  name: string | null
  avatar: string | null
  create_time: number | string
  update_time: number | string
}

export function toBinding(row: BindingRow): DDInnerAuthModel {
  return {
    id: row.id,
    userId: row.user_id,
    thirdCorpId: row.third_corp_id,
    thirdUserId: row.third_user_id,
    unionId: row.union_id,
    name: row.name,
    jobNumber: row.job_number,
    phone: row.phone,
    email: row.email,
    hiredDate: row.hired_date === null ? null : fromSqlNumber(row.hired_date),
    photo: row.photo,
    createTime: fromSqlNumber(row.create_time),
    updateTime: fromSqlNumber(row.update_time),
    rawProfile: row.raw_profile,
  }
}

export function toBindingRow(b: DDInnerAuthModel): BindingRow {
  return {
    id: b.id,
    user_id: b.userId,
    third_corp_id: b.thirdCorpId,
    third_user_id: b.thirdUserId,
    union_id: b.unionId,
    name: b.name,
    job_number: b.jobNumber,
    phone: b.phone,
    email: b.email,
    hired_date: b.hiredDate,
    photo: b.photo,
    create_time: b.createTime,
    update_time: b.updateTime,
    raw_profile: b.rawProfile,
  }
}

export function toUser(row: UserRow): LocalUser {
  return {
    id: row.id,
    name: row.name,
    avatar: row.avatar,
    createTime: fromSqlNumber(row.create_time),
    updateTime: fromSqlNumber(row.update_time),
  }
}
