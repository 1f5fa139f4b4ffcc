import { createHash } from 'node:crypto'
import type { StateStore } from '../state/StateStore'

/** Who a session belongs to beyond its claims: kept in the index so sessions can be found by person. */
export interface SessionPerson {
  unionId: string
  dingUserId: string
}

/** One live session as the index lists it. */
export interface SessionRecord {
  sessionId: string
  userId: string
  bindingId: string
  corpId: string
  unionId: string
  dingUserId: string
  instance: string
  /** Epoch ms. */
  issuedAt: number
  /** Epoch ms. */
  expiresAt: number
}

/** The claims the index needs from a token to judge it. */
export interface IndexedClaims {
  sessionId: string
  userId: string
  bindingId: string
  corpId: string
  instance: string
  issuedAt: number
  /** Epoch seconds. */
  expiresAt: number
}

/** Sessions by user and by binding, and what has been revoked, in the state store. */
export interface SessionIndex {
  /** Records a newly issued session. */
  record(claims: IndexedClaims, person: SessionPerson): Promise<void>
  /** Whether the session was logged out, or its user or binding revoked after it was issued. */
  isRevoked(claims: IndexedClaims): Promise<boolean>
  /** The live, unrevoked sessions of a local user or of a binding. */
  list(owner: SessionOwner): Promise<SessionRecord[]>
  /** Revokes one session (logout). */
  revokeSession(claims: Pick<IndexedClaims, 'sessionId' | 'expiresAt'>): Promise<void>
  /**
   * Revokes every session of a local user or a binding issued up to now, listed or not (a session issued before
   * a restart of a memory store is refused too). Resolves how many listed sessions it ended.
   */
  revoke(owner: SessionOwner): Promise<number>
}

/** Whose sessions: a local user's, or those of one binding (a DingTalk person in a corp). */
export type SessionOwner = { userId: string } | { bindingId: string }

interface Options {
  stateStore: StateStore
  now: () => number
  /** Session lifetime, ms: how long a revocation must be remembered. */
  maxAgeMs: number
}

/** The SQL state stores' keys hold at most 191 characters (`varchar(191)`, the longest MySQL indexes in utf8mb4). */
const MAX_KEY_LENGTH = 191
/** The longest prefix an owner's name is put behind. */
const LONGEST_OWNER_KEY_PREFIX = 'sessions-revoked-before:'

const sessionKey = (sessionId: string) => `session:${sessionId}`
const revokedKey = (sessionId: string) => `session-revoked:${sessionId}`

/**
 * An owner as its keys name it: `user:<id>` / `binding:<id>` while every key of it fits the SQL state stores, so
 * the keys of sessions recorded by earlier versions stay the same; a longer id (`resolveUser` may give 191
 * characters) as `user-sha256:<its SHA-256, base64url>`, which no plain name can equal (those go on with `:`).
 * `length` counts UTF-16 units, never fewer than the characters the databases count.
 */
function ownerName(owner: SessionOwner): string {
  const [kind, id] = 'userId' in owner ? ['user', owner.userId] : ['binding', owner.bindingId]
  const plain = `${kind}:${id}`
  if (LONGEST_OWNER_KEY_PREFIX.length + plain.length <= MAX_KEY_LENGTH) return plain
  return `${kind}-sha256:${createHash('sha256').update(id).digest('base64url')}`
}

const setKeyOf = (owner: SessionOwner) => `sessions-of:${ownerName(owner)}`
const revokedBeforeKey = (owner: SessionOwner) => `sessions-revoked-before:${ownerName(owner)}`

function parseRecord(raw: string | null): SessionRecord | null {
  if (raw === null) return null
  try {
    const record = JSON.parse(raw) as SessionRecord
    return typeof record.sessionId === 'string' && typeof record.userId === 'string' ? record : null
  } catch {
    return null
  }
}

/**
 * The session index over a {@link StateStore}. Each session is a record (`session:<id>`) in two sets (its user's
 * and its binding's); revoking an owner writes a "revoked before" time that every check reads, so a revocation
 * is complete even for sessions the index no longer lists, and effective in every process at the next request.
 */
export function createSessionIndex({ stateStore, now, maxAgeMs }: Options): SessionIndex {
  const revokedAt = async (owner: SessionOwner) => {
    const raw = await stateStore.get(revokedBeforeKey(owner))
    return raw === null ? null : Number(raw)
  }

  async function list(owner: SessionOwner): Promise<SessionRecord[]> {
    const ids = await stateStore.setMembers(setKeyOf(owner))
    const records = await Promise.all(
      ids.map(async (id) => parseRecord(await stateStore.get(sessionKey(id)))),
    )
    const live: SessionRecord[] = []
    for (const record of records) {
      if (record && !(await isRevoked(toClaims(record)))) live.push(record)
    }
    return live.sort((a, b) => a.issuedAt - b.issuedAt)
  }

  async function isRevoked(claims: IndexedClaims): Promise<boolean> {
    const [session, user, binding] = await Promise.all([
      stateStore.get(revokedKey(claims.sessionId)),
      revokedAt({ userId: claims.userId }),
      revokedAt({ bindingId: claims.bindingId }),
    ])
    if (session !== null) return true
    return [user, binding].some((cutoff) => cutoff !== null && claims.issuedAt <= cutoff)
  }

  async function revokeSession(claims: Pick<IndexedClaims, 'sessionId' | 'expiresAt'>): Promise<void> {
    const left = claims.expiresAt * 1000 - now()
    if (left > 0) await stateStore.set(revokedKey(claims.sessionId), '1', left)
    const record = parseRecord(await stateStore.take(sessionKey(claims.sessionId)))
    if (record) {
      await stateStore.removeFromSet(setKeyOf({ userId: record.userId }), record.sessionId)
      await stateStore.removeFromSet(setKeyOf({ bindingId: record.bindingId }), record.sessionId)
    }
  }

  return {
    async record(claims, person) {
      const ttl = claims.expiresAt * 1000 - now()
      if (ttl <= 0) return
      const record: SessionRecord = {
        sessionId: claims.sessionId,
        userId: claims.userId,
        bindingId: claims.bindingId,
        corpId: claims.corpId,
        unionId: person.unionId,
        dingUserId: person.dingUserId,
        instance: claims.instance,
        issuedAt: claims.issuedAt,
        expiresAt: claims.expiresAt * 1000,
      }
      await stateStore.set(sessionKey(claims.sessionId), JSON.stringify(record), ttl)
      await stateStore.addToSet(setKeyOf({ userId: claims.userId }), claims.sessionId, ttl)
      await stateStore.addToSet(setKeyOf({ bindingId: claims.bindingId }), claims.sessionId, ttl)
    },
    isRevoked,
    list,
    revokeSession,
    async revoke(owner) {
      const listed = await list(owner)
      // The cutoff first: from here on every check refuses the owner's older sessions, listed or not.
      await stateStore.set(revokedBeforeKey(owner), String(now()), maxAgeMs)
      await Promise.all(listed.map((record) => revokeSession(toClaims(record))))
      return listed.length
    },
  }
}

function toClaims(record: SessionRecord): IndexedClaims {
  return { ...record, expiresAt: Math.floor(record.expiresAt / 1000) }
}
