/** The directory calls of the DingTalk client: paths, result types, parsers. */

export const LIST_SUB_DEPARTMENTS_ENDPOINT = '/topapi/v2/department/listsub'
export const LIST_SUB_DEPARTMENT_IDS_ENDPOINT = '/topapi/v2/department/listsubid'
export const GET_DEPARTMENT_ENDPOINT = '/topapi/v2/department/get'
export const LIST_DEPARTMENT_USERS_ENDPOINT = '/topapi/v2/user/list'
export const LEAVE_RECORDS_ENDPOINT = '/v1.0/contact/empLeaveRecords'

/** The permission each directory call needs, for `60011` answers that name none. */
export const DIRECTORY_SCOPES: Readonly<Record<string, string>> = {
  [`POST ${LIST_SUB_DEPARTMENTS_ENDPOINT}`]: 'qyapi_get_department_list',
  [`POST ${LIST_SUB_DEPARTMENT_IDS_ENDPOINT}`]: 'qyapi_get_department_list',
  [`POST ${GET_DEPARTMENT_ENDPOINT}`]: 'qyapi_get_department_list',
  [`POST ${LIST_DEPARTMENT_USERS_ENDPOINT}`]: 'qyapi_get_department_member',
}

/** A department (`listsub` row or `department/get` result). */
export interface DingTalkDepartment {
  deptId: number
  name: string
  /** `null` for the root (1). */
  parentId: number | null
}

/** One row of `topapi/v2/user/list`: a person as listed in one department. */
export interface DingTalkDepartmentUser {
  userid: string
  unionid: string
  name: string | undefined
  avatar: string | undefined
  title: string | undefined
  jobNumber: string | undefined
  deptIdList: number[]
  /** Leads the department that was listed. */
  leader: boolean
  admin: boolean
  active: boolean | undefined
  raw: Record<string, unknown>
}

/** One page of `topapi/v2/user/list`. */
export interface DingTalkDepartmentUserPage {
  hasMore: boolean
  /** The cursor of the next page, when `hasMore`. */
  nextCursor: number | undefined
  list: DingTalkDepartmentUser[]
}

/** One row of `GET /v1.0/contact/empLeaveRecords`. */
export interface DingTalkLeaveRecord {
  userId: string
  name: string | undefined
  /** Epoch ms. */
  leaveTime: number
  leaveReason: string | undefined
  deptIds: number[]
}

/** One page of leave records. */
export interface DingTalkLeaveRecordPage {
  nextToken: string | undefined
  records: DingTalkLeaveRecord[]
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

// DingTalk: numbers and booleans sometimes arrive as strings ("boss":"true"); read them tolerantly.
function whole(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value)
  return undefined
}

function flag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  return undefined
}

const ids = (value: unknown): number[] =>
  Array.isArray(value) ? value.map(whole).filter((id): id is number => id !== undefined) : []

// DingTalk: a userid is text, often all digits with a leading 0; never turn it into a number.
function id(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return undefined
}

/** A directory answer without a field it must have; the client turns it into an `UnexpectedResponseError`. */
export class DirectoryAnswerError extends TypeError {
  constructor(reason: string) {
    super(reason)
    this.name = 'DirectoryAnswerError'
  }
}

const unexpected = (reason: string) => new DirectoryAnswerError(reason)

export function parseDepartment(value: unknown): DingTalkDepartment {
  const deptId = isObject(value) ? whole(value.dept_id) : undefined
  if (!isObject(value) || deptId === undefined) throw unexpected('a department without dept_id')
  return {
    deptId,
    name: text(value.name) ?? '',
    parentId: deptId === 1 ? null : (whole(value.parent_id) ?? null),
  }
}

export function parseDepartmentList(body: Json): DingTalkDepartment[] {
  if (!Array.isArray(body.result)) throw unexpected('no result list in the answer')
  return body.result.map((row) => parseDepartment(row))
}

export function parseDepartmentIds(body: Json): number[] {
  const result = body.result
  if (!isObject(result) || !Array.isArray(result.dept_id_list))
    throw unexpected('no result.dept_id_list in the answer')
  return ids(result.dept_id_list)
}

export function parseDepartmentUserPage(body: Json): DingTalkDepartmentUserPage {
  const result = body.result
  if (!isObject(result)) throw unexpected('no result object in the answer')
  const list = Array.isArray(result.list) ? result.list : []
  return {
    hasMore: flag(result.has_more) === true,
    nextCursor: whole(result.next_cursor),
    list: list.map((row): DingTalkDepartmentUser => {
      const userid = isObject(row) ? id(row.userid) : undefined
      const unionid = isObject(row) ? text(row.unionid) : undefined
      if (!isObject(row) || !userid || !unionid) throw unexpected('a listed person without userid or unionid')
      return {
        userid,
        unionid,
        name: text(row.name),
        avatar: text(row.avatar),
        title: text(row.title),
        jobNumber: text(row.job_number),
        deptIdList: ids(row.dept_id_list),
        leader: flag(row.leader) === true,
        admin: flag(row.admin) === true,
        active: flag(row.active),
        raw: row,
      }
    }),
  }
}

export function parseLeaveRecordPage(body: Json): DingTalkLeaveRecordPage {
  const records = Array.isArray(body.records) ? body.records : []
  return {
    nextToken: text(body.nextToken),
    records: records.flatMap((row): DingTalkLeaveRecord[] => {
      const userId = isObject(row) ? id(row.userId) : undefined
      const leaveTime = isObject(row) && typeof row.leaveTime === 'string' ? Date.parse(row.leaveTime) : NaN
      if (!isObject(row) || !userId || Number.isNaN(leaveTime)) return []
      return [
        {
          userId,
          name: text(row.name),
          leaveTime,
          leaveReason: text(row.leaveReason),
          deptIds: ids(row.deptIds),
        },
      ]
    }),
  }
}

/** `2021-01-06T11:47:37Z`: the leave-records API's time format (seconds, UTC). */
export function toLeaveRecordTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
