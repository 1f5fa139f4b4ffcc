/**
 * The organisation's events as DingTalk would send them, and what became of each delivery.
 *
 * Changes to the organisation (hires, leaves, department edits) `publish` an event here; the delivery channels
 * (Stream mode connections, HTTP callbacks) `subscribe`, push it to each app that listens, and `recordDelivery`
 * what happened, so `GET /__emulator/events` can show every event with its deliveries.
 */

/** The address-book events the emulator sends (organisation doc §5). */
export type OrgEventType =
  | 'user_add_org'
  | 'user_modify_org'
  | 'user_leave_org'
  | 'user_active_org'
  | 'org_dept_create'
  | 'org_dept_modify'
  | 'org_dept_remove'

/** One event as it happened in a corp. Stream `data` and HTTP payloads are both made from this. */
export interface OrgEvent {
  eventId: string
  eventType: OrgEventType
  corpId: string
  /** Milliseconds since the epoch, on the emulator's clock. */
  bornTime: number
  /** Who changed: user events name people, department events name departments. */
  userIds?: string[]
  deptIds?: number[]
}

export type DeliveryChannel = 'stream' | 'callback'

/** One app's delivery of one event on one channel. */
export interface EventDelivery {
  clientId: string
  channel: DeliveryChannel
  attempts: number
  status: 'pending' | 'acked' | 'failed'
  /** Last failure, in words (e.g. `no answer within 1500 ms`), when there was one. */
  lastError?: string
}

export interface EventRecord extends OrgEvent {
  deliveries: EventDelivery[]
}

export type OrgEventListener = (event: OrgEvent) => void

export interface EventHub {
  /** Records the event and hands it to every subscriber at once. */
  publish(event: Omit<OrgEvent, 'eventId'> & { eventId?: string }): OrgEvent
  /** Returns the unsubscribe function. */
  subscribe(listener: OrgEventListener): () => void
  /** Creates or updates the delivery of `eventId` to `clientId` on `channel`. */
  recordDelivery(eventId: string, delivery: EventDelivery): void
  /** Every event, oldest first; with `clientId`, only the events delivered (or being delivered) to that app. */
  list(filter?: { clientId?: string }): EventRecord[]
  /** Forgets every event (the test API's reset) and tells the `onClear` listeners, so deliveries stop too. */
  clear(): void
  /** Returns the unsubscribe function. */
  onClear(listener: () => void): () => void
}

export function createEventHub(newEventId: () => string): EventHub {
  const records: EventRecord[] = []
  const byId = new Map<string, EventRecord>()
  const listeners = new Set<OrgEventListener>()
  const clearListeners = new Set<() => void>()

  return {
    publish(input) {
      const event: OrgEvent = { ...input, eventId: input.eventId ?? newEventId() }
      const record: EventRecord = { ...event, deliveries: [] }
      records.push(record)
      byId.set(event.eventId, record)
      for (const listener of listeners) listener(event)
      return event
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    recordDelivery(eventId, delivery) {
      const record = byId.get(eventId)
      if (!record) return
      const index = record.deliveries.findIndex(
        (d) => d.clientId === delivery.clientId && d.channel === delivery.channel,
      )
      // Replaced whole, so a success clears the lastError of an earlier attempt.
      if (index >= 0) record.deliveries[index] = { ...delivery }
      else record.deliveries.push({ ...delivery })
    },
    list(filter) {
      const clientId = filter?.clientId
      const chosen = clientId
        ? records.filter((r) => r.deliveries.some((d) => d.clientId === clientId))
        : records
      return chosen.map((r) => ({ ...r, deliveries: r.deliveries.map((d) => ({ ...d })) }))
    },
    clear() {
      records.length = 0
      byId.clear()
      for (const listener of clearListeners) listener()
    },
    onClear(listener) {
      clearListeners.add(listener)
      return () => clearListeners.delete(listener)
    },
  }
}
