import type { DingTalkCallOptions } from './DingTalkClientOptions'
import {
  DIRECTORY_SCOPES,
  DirectoryAnswerError,
  GET_DEPARTMENT_ENDPOINT,
  LEAVE_RECORDS_ENDPOINT,
  LIST_DEPARTMENT_USERS_ENDPOINT,
  LIST_SUB_DEPARTMENT_IDS_ENDPOINT,
  LIST_SUB_DEPARTMENTS_ENDPOINT,
  parseDepartment,
  parseDepartmentIds,
  parseDepartmentList,
  parseDepartmentUserPage,
  parseLeaveRecordPage,
  toLeaveRecordTime,
} from './directoryApi'
import type { DingTalkDepartment, DingTalkDepartmentUserPage, DingTalkLeaveRecordPage } from './directoryApi'
import type { DingTalkTransport } from './DingTalkTransport'
import type { Json } from './jsonCoercers'
import { UnexpectedResponseError } from './UnexpectedResponseError'

/**
 * The directory calls of one app: departments, their people, leave records. Reached as
 * `client.directory`; it shares the client's token cache, timeouts and retries. Every call is a read: retried.
 */
export class DingTalkDirectoryClient {
  readonly #transport: DingTalkTransport

  /** @internal Made by `DingTalkClient`, whose transport it shares. */
  constructor(transport: DingTalkTransport) {
    this.#transport = transport
  }

  /** One level of sub-departments (`topapi/v2/department/listsub`; root = 1). */
  async listSubDepartments(deptId: number, options: DingTalkCallOptions = {}): Promise<DingTalkDepartment[]> {
    const body = await this.#read(LIST_SUB_DEPARTMENTS_ENDPOINT, { dept_id: deptId }, options)
    return parsed(LIST_SUB_DEPARTMENTS_ENDPOINT, () => parseDepartmentList(body))
  }

  /** The ids of one level of sub-departments (`topapi/v2/department/listsubid`). */
  async listSubDepartmentIds(deptId: number, options: DingTalkCallOptions = {}): Promise<number[]> {
    const body = await this.#read(LIST_SUB_DEPARTMENT_IDS_ENDPOINT, { dept_id: deptId }, options)
    return parsed(LIST_SUB_DEPARTMENT_IDS_ENDPOINT, () => parseDepartmentIds(body))
  }

  /** One department (`topapi/v2/department/get`); `60003` when it does not exist. */
  async getDepartment(deptId: number, options: DingTalkCallOptions = {}): Promise<DingTalkDepartment> {
    const body = await this.#read(GET_DEPARTMENT_ENDPOINT, { dept_id: deptId }, options)
    return parsed(GET_DEPARTMENT_ENDPOINT, () => parseDepartment(body.result))
  }

  /** One page (≤ 100) of the people directly in a department (`topapi/v2/user/list`). */
  async listDepartmentUsers(
    deptId: number,
    page: { cursor: number; size?: number },
    options: DingTalkCallOptions = {},
  ): Promise<DingTalkDepartmentUserPage> {
    const request = { dept_id: deptId, cursor: page.cursor, size: page.size ?? 100, language: 'zh_CN' }
    const body = await this.#read(LIST_DEPARTMENT_USERS_ENDPOINT, request, options)
    return parsed(LIST_DEPARTMENT_USERS_ENDPOINT, () => parseDepartmentUserPage(body))
  }

  /** One page (≤ 50) of who left between two times (`GET /v1.0/contact/empLeaveRecords`; window ≤ 365 days). */
  async listLeaveRecords(
    window: { startTime: number; endTime?: number; nextToken?: string; maxResults?: number },
    options: DingTalkCallOptions = {},
  ): Promise<DingTalkLeaveRecordPage> {
    const transport = this.#transport
    const endpoint = `GET ${LEAVE_RECORDS_ENDPOINT}`
    const url = new URL(`${transport.apiBase}${LEAVE_RECORDS_ENDPOINT}`)
    url.searchParams.set('startTime', toLeaveRecordTime(window.startTime))
    if (window.endTime !== undefined) url.searchParams.set('endTime', toLeaveRecordTime(window.endTime))
    if (window.nextToken) url.searchParams.set('nextToken', window.nextToken)
    url.searchParams.set('maxResults', String(window.maxResults ?? 50))
    const body = await transport.retried(endpoint, options, () =>
      transport.withAppToken((token) =>
        transport.callV1({
          endpoint,
          url: url.href,
          method: 'GET',
          headers: { 'x-acs-dingtalk-access-token': token },
          options,
        }),
      ),
    )
    return parsed(LEAVE_RECORDS_ENDPOINT, () => parseLeaveRecordPage(body))
  }

  #read(path: string, body: Json, options: DingTalkCallOptions): Promise<Json> {
    const endpoint = `POST ${path}`
    return this.#transport.readOapi({
      endpoint,
      path,
      body,
      options,
      ...(DIRECTORY_SCOPES[endpoint] ? { requiredScope: DIRECTORY_SCOPES[endpoint] } : {}),
    })
  }
}

/** A directory answer read by `read`, a missing field turned into an {@link UnexpectedResponseError}. */
function parsed<T>(path: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof DirectoryAnswerError)
      throw new UnexpectedResponseError(path, 200, undefined, error.message)
    throw error
  }
}
