import type { IncomingMessage, ServerResponse } from 'node:http'
import { EmulatorTestApiError } from 'dingtalk-emulator'
import type { DingTalkAuth, DirectoryPerson } from 'dingtalk-login-server'
import type { DemoCorp } from '../web/demoInfo'
import { DIRECTORY_API } from '../web/directoryView'
import type { DirectoryCorpView, DirectoryPersonView, DirectoryView } from '../web/directoryView'
import type { OrgChanges } from './createOrgChanges'
import type { DemoDirectorySync } from './startDirectorySync'

/** What the directory routes read and drive. */
export interface DirectoryRoutesOptions {
  auth: DingTalkAuth
  corps: DemoCorp[]
  /** `null` with real credentials: no sync, and nothing to leave or rejoin. */
  sync: DemoDirectorySync | null
  orgChanges: OrgChanges | null
}

/** Answers a request when it is one of its routes; resolves `false` (nothing written) otherwise. */
export type DemoRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>

const MAX_BODY_BYTES = 4_096
const SAFE_ID = /^[\w-]{1,64}$/

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The methods the route takes, for a 405's `Allow`. */
    readonly allow?: string,
  ) {
    super(message)
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, allow?: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(allow ? { allow } : {}),
  })
  res.end(JSON.stringify(body))
}

/**
 * The JSON body of a demo action. Only `application/json`: a form on another site cannot send that without a CORS
 * preflight, which this server never answers, so no other page can make anyone leave.
 */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new RequestError(415, 'unsupported_media_type', 'send the body as application/json')
  }
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength
    if (size > MAX_BODY_BYTES) throw new RequestError(413, 'body_too_large', 'the body is over 4 KB')
    chunks.push(chunk)
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>
  } catch {
    // answered below
  }
  throw new RequestError(400, 'invalid_request', 'the body must be a JSON object')
}

function idField(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || !SAFE_ID.test(value)) {
    throw new RequestError(400, 'invalid_request', `${field} must be an id (letters, digits, _ and -)`)
  }
  return value
}

const toPersonView = (person: DirectoryPerson): DirectoryPersonView => ({
  unionId: person.unionId,
  userid: person.dingUserId,
  name: person.name ?? person.dingUserId,
  title: person.title,
  deptIds: person.deptIds,
  leaderInDeptIds: person.leaderInDeptIds,
  admin: person.admin,
  state: person.state,
  leftAt: person.leftAt,
})

/**
 * The demo's directory routes, read through `auth.directory` (the public API, never SQL):
 * - `GET /api/demo/directory`: every served corp's departments and people with their state;
 * - `POST /api/demo/directory/leave` `{ corpId, userid }` and `POST /api/demo/directory/rejoin` `{ corpId, unionId }`:
 *   change the emulator's organisation. They answer once the emulator published the event; the server's directory
 *   learns of it over Stream mode like it would from DingTalk, which is what the page then shows.
 */
export function createDirectoryRoutes(options: DirectoryRoutesOptions): DemoRoute {
  const { auth, corps, sync, orgChanges } = options

  const corpOf = (body: Record<string, unknown>): DemoCorp => {
    const corpId = idField(body, 'corpId')
    const corp = corps.find((each) => each.corpId === corpId)
    if (!corp) throw new RequestError(404, 'unknown_corp', `the demo serves no corp ${corpId}`)
    return corp
  }

  async function view(): Promise<DirectoryView> {
    if (!sync) return { mode: 'off', firstSync: null, corps: [] }
    const status = auth.directory.status()
    const corpViews: DirectoryCorpView[] = await Promise.all(
      corps.map(async (corp) => ({
        corpId: corp.corpId,
        name: corp.name,
        streamConnected: status.some((each) => each.instance === corp.instance && each.streamConnected),
        departments: (await auth.directory.departments(corp.corpId)).map((department) => ({
          deptId: department.deptId,
          name: department.name,
          parentId: department.parentId,
        })),
        people: (await auth.directory.people(corp.corpId)).map(toPersonView),
      })),
    )
    return { mode: 'emulator', firstSync: sync.firstSync(), corps: corpViews }
  }

  async function change(action: 'leave' | 'rejoin', body: Record<string, unknown>): Promise<unknown> {
    if (!orgChanges) {
      throw new RequestError(
        409,
        'no_emulator',
        'leave and rejoin need the emulator (npm start without credentials)',
      )
    }
    const corp = corpOf(body)
    if (action === 'leave') return orgChanges.leave(corp.corpId, idField(body, 'userid'))
    const unionId = idField(body, 'unionId')
    const known = await auth.directory.findPerson({ corpId: corp.corpId, unionId })
    if (!known?.person) {
      throw new RequestError(404, 'unknown_person', `the directory knows nobody ${unionId} in ${corp.corpId}`)
    }
    return orgChanges.rejoin(corp.corpId, toPersonView(known.person))
  }

  return async (req, res, url) => {
    const action =
      url.pathname === `${DIRECTORY_API}/leave`
        ? 'leave'
        : url.pathname === `${DIRECTORY_API}/rejoin`
          ? 'rejoin'
          : null
    if (url.pathname !== DIRECTORY_API && !action) return false
    try {
      if (!action) {
        if (req.method !== 'GET') throw new RequestError(405, 'method_not_allowed', 'use GET', 'GET')
        sendJson(res, 200, await view())
      } else {
        if (req.method !== 'POST') throw new RequestError(405, 'method_not_allowed', 'use POST', 'POST')
        sendJson(res, 200, await change(action, await readJson(req)))
      }
    } catch (error) {
      // The emulator's own refusals (already left, already a member, …) keep their status and code.
      if (error instanceof RequestError || error instanceof EmulatorTestApiError) {
        const allow = error instanceof RequestError ? error.allow : undefined
        sendJson(res, error.status, { error: { code: error.code, message: error.message } }, allow)
      } else {
        auth.logger.error({ err: error }, `demo: ${req.method} ${url.pathname} failed`)
        sendJson(res, 500, { error: { code: 'internal', message: 'the demo server failed; see its log' } })
      }
    }
    return true
  }
}
