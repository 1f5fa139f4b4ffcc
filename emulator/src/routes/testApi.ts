import { containerScriptReply } from '../assets/ddContainer'
import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import { bodyFields, parseBody } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { createFixtureIndex } from '../fixture/createFixtureIndex'
import { createDepartment, modifyDepartment, removeDepartment } from '../org/departments'
import { hire, leave, modifyPerson } from '../org/people'
import { parseFault } from '../state/createFaultStore'
import { EmulatorTestApiError, mintFreeLoginCode, mintOAuthCode, scan, viewSession } from '../testOperations'
import { phonePage } from './phonePage'

/** Resets everything to how it started: the organisation back to the fixture (shared by `POST /__emulator/reset` and `emulator.reset()`). */
export function resetState(ctx: EmulatorContext): void {
  if (ctx.index.changed) ctx.index = createFixtureIndex(structuredClone(ctx.startingFixture))
  ctx.leaveRecords.clear()
  ctx.codes.clear()
  ctx.tokens.clear()
  ctx.sessions.clear()
  ctx.stats.clear()
  ctx.faults.clear()
  ctx.rateLimiter.clear()
  ctx.events.clear()
}

/** The test API is meant for pages on any origin (the container shim runs inside the app's page). */
export function corsHeaders(req: EmulatorRequest): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type'),
    'access-control-max-age': '600',
    ...(req.headers['access-control-request-private-network'] === 'true'
      ? { 'access-control-allow-private-network': 'true' }
      : {}),
  }
}

function fail(status: number, code: string, message: string): Reply {
  return jsonReply(status, { error: { code, message } })
}

function body(req: EmulatorRequest): Record<string, unknown> {
  const parsed = parseBody(req)
  if (parsed.type === 'invalid')
    throw new EmulatorTestApiError(400, 'invalid_json', 'the body is not valid JSON or a form')
  if (
    parsed.type === 'json' &&
    (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value))
  ) {
    throw new EmulatorTestApiError(400, 'invalid_json', 'the body must be a JSON object')
  }
  return bodyFields(parsed)
}

/** `/__emulator/*`: what tests and users drive the emulator with (documented in the README). */
export function handleTestApi(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const { method } = req
  const route = req.path.slice('/__emulator'.length) || '/'
  try {
    if (method === 'GET' && route === '/fixture') return jsonReply(200, ctx.index.fixture)
    if (method === 'POST' && route === '/oauth-code') return jsonReply(200, mintOAuthCode(ctx, body(req)))
    if (method === 'POST' && route === '/free-login-code')
      return jsonReply(200, mintFreeLoginCode(ctx, body(req)))
    if (method === 'POST' && route === '/scan') return jsonReply(200, scan(ctx, body(req)))
    if (method === 'GET' && route === '/sessions') {
      const clientId = req.query.get('clientId') ?? undefined
      return jsonReply(200, { sessions: ctx.sessions.pending(clientId).map((s) => viewSession(ctx, s)) })
    }
    const sessionMatch = /^\/sessions\/([^/]+)$/.exec(route)
    if (method === 'GET' && sessionMatch) {
      // The QR page polls this route: each poll says its tab is still open.
      ctx.sessions.markPolled(sessionMatch[1])
      const session = ctx.sessions.get(sessionMatch[1])
      return session
        ? jsonReply(200, viewSession(ctx, session))
        : fail(404, 'session_not_found', 'no such QR session')
    }
    if (method === 'GET' && route === '/stats') return jsonReply(200, ctx.stats.snapshot())
    if (route === '/clock' && (method === 'GET' || method === 'POST')) {
      if (method === 'POST') {
        const advanceMs = body(req).advanceMs
        const ms = typeof advanceMs === 'string' ? Number(advanceMs) : advanceMs
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          return fail(400, 'invalid_request', 'advanceMs must be a number >= 0')
        }
        ctx.clock.advance(ms)
      }
      return jsonReply(200, { now: ctx.clock.now() })
    }
    if (route === '/faults') {
      if (method === 'GET') return jsonReply(200, { faults: ctx.faults.list() })
      if (method === 'DELETE') {
        ctx.faults.clear()
        return jsonReply(200, { faults: [] })
      }
      if (method === 'POST') {
        const fault = parseFault(body(req))
        if (typeof fault === 'string') return fail(400, 'invalid_request', fault)
        return jsonReply(200, { fault: ctx.faults.add(fault) })
      }
    }
    const faultMatch = /^\/faults\/(\d+)$/.exec(route)
    if (method === 'DELETE' && faultMatch) {
      return ctx.faults.remove(Number(faultMatch[1]))
        ? jsonReply(200, { removed: true })
        : fail(404, 'fault_not_found', 'no such fault')
    }
    if (method === 'POST' && route === '/reset') {
      resetState(ctx)
      return jsonReply(200, { ok: true })
    }
    if (route === '/org/people' && method === 'POST') return jsonReply(200, hire(ctx, body(req)))
    if (route === '/org/people' && method === 'PATCH') return jsonReply(200, modifyPerson(ctx, body(req)))
    if (route === '/org/leave' && method === 'POST') return jsonReply(200, leave(ctx, body(req)))
    if (route === '/org/departments') {
      if (method === 'POST') return jsonReply(200, createDepartment(ctx, body(req)))
      if (method === 'PATCH') return jsonReply(200, modifyDepartment(ctx, body(req)))
      // DELETE: the body, or the query (some clients send no body with DELETE).
      if (method === 'DELETE')
        return jsonReply(200, removeDepartment(ctx, { ...Object.fromEntries(req.query), ...body(req) }))
    }
    if (method === 'GET' && route === '/events') {
      const clientId = req.query.get('clientId') ?? undefined
      return jsonReply(200, { events: ctx.events.list(clientId ? { clientId } : undefined) })
    }
    if (method === 'GET' && route === '/phone') return phonePage(req.query.get('session'))
    if (method === 'GET' && route === '/dd-container.js') return containerScriptReply(ctx, req)
    return fail(404, 'not_found', `no test API route ${method} ${req.path}`)
  } catch (error) {
    if (error instanceof EmulatorTestApiError) return fail(error.status, error.code, error.message)
    throw error
  }
}
