import type { DingTalkBinding } from 'react-dingtalk-login'

/** What `GET /api/auth/dingtalk/session` answers. */
export interface SessionView {
  user: { id: string; name: string; avatar: string | null }
  binding: DingTalkBinding
}

/** The signed-in person, or `null` (401: no session, or one that was logged out or revoked). */
export async function fetchSession(endpoint: string): Promise<SessionView | null> {
  const response = await fetch(`${endpoint}/session`, { credentials: 'include' })
  if (response.status === 401) return null
  if (!response.ok) throw new Error(`GET ${endpoint}/session answered ${response.status}`)
  return (await response.json()) as SessionView
}
