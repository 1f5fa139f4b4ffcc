/** Where the demo server answers the directory page (demo-only routes, not part of `dingtalk-login-server`). */
export const DIRECTORY_API = '/api/demo/directory'

/** What `GET /api/demo/directory` answers: the organisations as the server's directory knows them now. */
export interface DirectoryView {
  /**
   * `emulator`: the directory is synced from the embedded emulator, and Leave / Rejoin change its organisation.
   * `off`: real DingTalk credentials; the demo runs no directory sync.
   */
  mode: 'emulator' | 'off'
  /** The full crawl this start runs before Stream mode opens; `null` when `off`. */
  firstSync: FirstSyncView | null
  corps: DirectoryCorpView[]
}

/** The first full crawl of this start: still running, done (what it found), or failed (why). */
export type FirstSyncView =
  | { state: 'running' }
  | {
      state: 'done'
      departments: number
      /** People found in the organisation. */
      people: number
      /** Recorded as left by this crawl (bound or stored, but no longer listed). */
      left: number
      /** Back since the last run (the emulator starts from its fixture again on every start). */
      rehired: number
      /** DingTalk API calls of the crawl. */
      apiCalls: number
      durationMs: number
      /** An incomplete crawl marks nobody left. */
      complete: boolean
    }
  | { state: 'failed'; message: string }

/** One organisation: its departments and people from `auth.directory`. */
export interface DirectoryCorpView {
  corpId: string
  name: string
  /** Whether this process holds the corp's Stream mode connection (events arrive within a second). */
  streamConnected: boolean
  departments: DirectoryDepartmentView[]
  people: DirectoryPersonView[]
}

export interface DirectoryDepartmentView {
  deptId: number
  name: string
  /** `null` for the root department (the organisation itself). */
  parentId: number | null
}

export interface DirectoryPersonView {
  unionId: string
  /** The corp's userid. */
  userid: string
  name: string
  title: string | null
  deptIds: number[]
  /** The departments the person leads. */
  leaderInDeptIds: number[]
  admin: boolean
  state: 'active' | 'left'
  /** Epoch ms the leave was recorded; `null` while active. */
  leftAt: number | null
}

/** Body of `POST /api/demo/directory/leave`: the person leaves the organisation in the emulator. */
export interface LeaveRequest {
  corpId: string
  userid: string
}

/** Body of `POST /api/demo/directory/rejoin`: the person (same unionId) is hired again in the emulator. */
export interface RejoinRequest {
  corpId: string
  unionId: string
}
