import { randomUUID } from 'node:crypto'

/** What `connections/open` was told, kept until the ticket is used. */
export interface StreamTicket {
  ticket: string
  clientId: string
  /** Whether an `EVENT` subscription (topic `*`) was asked for: only such connections get events. */
  events: boolean
  ua: string | undefined
  localIp: string | undefined
  expiresAt: number
}

/** Single-use tickets that expire on the emulator clock. */
export interface TicketStore {
  issue(input: Omit<StreamTicket, 'ticket' | 'expiresAt'>, ttlMs: number): StreamTicket
  /** The ticket, once: a used, expired or unknown ticket is undefined. */
  consume(ticket: string | null): StreamTicket | undefined
  /** Tickets handed out and not yet used or expired (only `clientId`'s, if given), oldest first. */
  unused(clientId?: string): StreamTicket[]
  clear(): void
}

export function createTicketStore(now: () => number): TicketStore {
  const tickets = new Map<string, StreamTicket>()
  return {
    issue(input, ttlMs) {
      for (const [key, value] of tickets) if (value.expiresAt <= now()) tickets.delete(key)
      const issued = { ...input, ticket: randomUUID(), expiresAt: now() + ttlMs }
      tickets.set(issued.ticket, issued)
      return issued
    },
    consume(ticket) {
      if (!ticket) return undefined
      const found = tickets.get(ticket)
      tickets.delete(ticket)
      return found && found.expiresAt > now() ? found : undefined
    },
    unused(clientId) {
      return [...tickets.values()]
        .filter((value) => value.expiresAt > now() && (clientId === undefined || value.clientId === clientId))
        .map((value) => ({ ...value }))
    },
    clear: () => tickets.clear(),
  }
}
