import type { DoctorCheck } from './DoctorReport'
import type { ProbeAnswer, ProbeContext } from './probe'

/** What the doctor checks of an instance's directory sync (the `directory` option), when it has one. */
export interface DoctorDirectorySettings {
  events: 'stream' | 'callback' | 'none'
  /** The HTTP callback keys (with `events: 'callback'`). */
  callback: { token: string; aesKey: string } | undefined
  /** Whether leave records (`empLeaveRecords`) are read on a schedule. */
  leaveRecords: boolean
}

/** One instance as the doctor checks it: the credentials as configured. */
export interface DoctorInstance {
  name: string
  appKey: string
  appSecret: string
  agentId: string
  corpId: string
  /** The instance's directory sync; absent when `directory` is not configured. */
  directory?: DoctorDirectorySettings
}

/** Where DingTalk is and what the deployment looks like to it. */
export interface DoctorDingTalkSettings extends ProbeContext {
  apiBase: string
  oapiBase: string
  loginBase: string
  /** The redirect URI the server hands out (`<publicOrigin><basePath>/callback`), when the public origin is known. */
  redirectUri: string | undefined
  /** Where DingTalk must push HTTP callbacks (`<publicOrigin><basePath>/events`), when the public origin is known. */
  eventsUrl: string | undefined
  /** The scope QR logins ask for. */
  scope: string
  /** The server's clock, epoch ms. */
  now: () => number
}

/** The checks of one group for one instance, plus every answer seen (for the IP, clock and quota checks). */
export interface CheckGroupResult {
  checks: DoctorCheck[]
  answers: ProbeAnswer[]
}

/** A check about one instance. */
export function instanceCheck(
  instance: DoctorInstance,
  id: string,
  status: DoctorCheck['status'],
  message: string,
  fix?: string,
): DoctorCheck {
  return { instance: instance.name, id, status, message, ...(fix ? { fix } : {}) }
}

export const trimSlash = (url: string) => url.replace(/\/+$/, '')

/** How a check that could not run begins its message (startup logging leaves these out: nothing is known wrong). */
export const NOT_CHECKED = 'not checked: '
