/** One person leaving one corp, as `GET /v1.0/contact/empLeaveRecords` lists it. */
export interface LeaveRecord {
  corpId: string
  userId: string
  unionId: string
  name: string
  stateCode: string
  mobile: string
  /** Epoch milliseconds on the emulator's clock. */
  leaveTime: number
  /** The channel the leave came through; DingTalk's example says `oapi`. */
  leaveReason: string
  /** The departments the person was in when they left. */
  deptIds: number[]
}

/** Who left which corp, oldest first. */
export interface LeaveRecordStore {
  add(record: LeaveRecord): void
  /** Records of `corpId` with `startMs <= leaveTime <= endMs`, oldest first. */
  between(corpId: string, startMs: number, endMs: number): LeaveRecord[]
  /** The person's latest leave from `corpId` (a rehire keeps the userid they had). */
  lastOf(corpId: string, unionId: string): LeaveRecord | undefined
  clear(): void
}

export function createLeaveRecordStore(): LeaveRecordStore {
  let records: LeaveRecord[] = []
  return {
    add(record) {
      // The clock only moves forward, so appending keeps the list sorted.
      records.push(record)
    },
    between: (corpId, startMs, endMs) =>
      records.filter((r) => r.corpId === corpId && r.leaveTime >= startMs && r.leaveTime <= endMs),
    lastOf: (corpId, unionId) => records.findLast((r) => r.corpId === corpId && r.unionId === unionId),
    clear() {
      records = []
    },
  }
}
