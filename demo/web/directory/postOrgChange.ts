import { DIRECTORY_API } from '../directoryView'
import type { LeaveRequest, RejoinRequest } from '../directoryView'

/**
 * `POST /api/demo/directory/leave` or `/rejoin`. Resolves once the emulator changed its organisation and published
 * the event; rejects with the emulator's or the demo server's message.
 */
export async function postOrgChange(
  action: 'leave' | 'rejoin',
  body: LeaveRequest | RejoinRequest,
): Promise<void> {
  const response = await fetch(`${DIRECTORY_API}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (response.ok) return
  const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null
  throw new Error(answer?.error?.message ?? `${response.status} ${response.statusText}`)
}
