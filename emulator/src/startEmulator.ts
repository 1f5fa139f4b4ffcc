import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ddloginScript } from './assets/ddlogin'
import type { EmulatorClock } from './createEmulatorClock'
import { createEmulatorClock } from './createEmulatorClock'
import type { EmulatorContext } from './EmulatorContext'
import type { EmulatorOptions } from './EmulatorOptions'
import { resolveEmulatorOptions } from './EmulatorOptions'
import { createFixtureIndex } from './fixture/createFixtureIndex'
import { defaultFixture } from './fixture/defaultFixture'
import type { EmulatorDepartment, EmulatorFixture } from './fixture/EmulatorFixture'
import { validateFixture } from './fixture/validateFixture'
import type { EmulatorRequest } from './http/EmulatorRequest'
import { readEmulatorRequest } from './http/EmulatorRequest'
import type { Reply } from './http/Reply'
import { scriptReply, writeReply } from './http/Reply'
import { DDLOGIN_PATHS, familyOf } from './http/apiFamily'
import type { Family } from './http/apiFamily'
import { faultReply, ipBanReply } from './http/faultReply'
import type { CallbackControls, PublishEventInput, StreamControls } from './events/attachEventDelivery'
import { attachEventDelivery } from './events/attachEventDelivery'
import type { EventRecord, OrgEvent } from './events/createEventHub'
import { createEventHub } from './events/createEventHub'
import { createEventId } from './ids'
import { handleLoginPage } from './routes/loginPages'
import { handleOapi, oapiCallerApp, oapiEndpointKey, oapiError } from './routes/oapi'
import { corsHeaders, handleTestApi, resetState } from './routes/testApi'
import { handleV1, v1CallerApp, v1EndpointKey, v1Error } from './routes/v1'
import { createCodeStore } from './state/createCodeStore'
import type { EmulatorFault } from './state/createFaultStore'
import { createFaultStore, parseFault } from './state/createFaultStore'
import { createQrSessionStore } from './state/createQrSessionStore'
import { createRateLimiter } from './state/createRateLimiter'
import type { EmulatorStats } from './state/createStatsRecorder'
import { createStatsRecorder } from './state/createStatsRecorder'
import { createTokenStore } from './state/createTokenStore'
import type {
  MintedCode,
  MintFreeLoginCodeInput,
  MintOAuthCodeInput,
  QrSessionView,
  ScanInput,
  ScanResult,
} from './testOperations'
import { mintFreeLoginCode, mintOAuthCode, scan, viewSession } from './testOperations'
import { createLeaveRecordStore } from './org/createLeaveRecordStore'
import type { CreateDepartmentInput, ModifyDepartmentInput, RemoveDepartmentInput } from './org/departments'
import { createDepartment, modifyDepartment, removeDepartment } from './org/departments'
import type { HireInput, HireResult, LeaveInput, LeaveResult, ModifyPersonInput } from './org/people'
import { hire, leave, modifyPerson } from './org/people'

/** A started emulator. */
export interface RunningEmulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4100`: login pages, `/v1.0`, oapi and `/__emulator`. */
  url: string
  /** Stops listening and closes open connections (hanging `timeout` faults included). */
  close(): Promise<void>
  /** DingTalk API calls so far (v1.0 + oapi). */
  stats(): EmulatorStats
  /**
   * Forgets codes, tokens, stats, faults, QR sessions, rate-limit windows, events and leave records, and puts the
   * organisation back as the fixture had it.
   */
  reset(): void
  clock: EmulatorClock
  /** The live organisation, secrets included: the fixture plus every change since (a copy: changing it changes nothing). */
  readonly fixture: EmulatorFixture & { departments: EmulatorDepartment[] }
  /** Same as `POST /__emulator/oauth-code`: an OAuth authCode as if the user had scanned and confirmed. */
  mintOAuthCode(input: MintOAuthCodeInput): MintedCode
  /** Same as `POST /__emulator/free-login-code`: a free-login code as `requestAuthCode` gives it. */
  mintFreeLoginCode(input: MintFreeLoginCodeInput): MintedCode
  /** Same as `POST /__emulator/scan`. */
  scan(input: ScanInput): ScanResult
  /** Same as `GET /__emulator/sessions`: QR sessions waiting for a scan or a confirmation, newest first. */
  sessions(clientId?: string): QrSessionView[]
  /** Same as `POST /__emulator/faults`; returns the fault's id. Throws a `TypeError` for an invalid fault. */
  addFault(fault: EmulatorFault): number
  /** Removes one fault (by id) or all of them. */
  clearFaults(id?: number): void
  // The organisation: each change applies at once and publishes the event DingTalk would send.
  /** Same as `POST /__emulator/org/people`: someone joins a corp (`user_add_org`); a known unionId rejoins. */
  hire(input: HireInput): HireResult
  /** Same as `PATCH /__emulator/org/people` (`user_modify_org`, or `user_active_org` on activation). */
  modifyPerson(input: ModifyPersonInput): HireResult
  /** Same as `POST /__emulator/org/leave` (`user_leave_org` and a leave record). */
  leave(input: LeaveInput): LeaveResult
  /** Same as `POST /__emulator/org/departments` (`org_dept_create`). */
  createDepartment(input: CreateDepartmentInput): { deptId: number }
  /** Same as `PATCH /__emulator/org/departments` (`org_dept_modify`). */
  modifyDepartment(input: ModifyDepartmentInput): { deptId: number }
  /** Same as `DELETE /__emulator/org/departments` (`org_dept_remove`); only empty departments. */
  removeDepartment(input: RemoveDepartmentInput): { deptId: number }
  /** Same as `GET /__emulator/events`: every event, oldest first, with its deliveries (only `clientId`'s, if given). */
  events(clientId?: string): EventRecord[]
  /** Publishes an organisation event (born now on the emulator clock) to every subscribed app. */
  publishEvent(input: PublishEventInput): OrgEvent
  /** Stream mode connections: list, `disconnect`, drop, ping, duplicate an event. */
  stream: StreamControls
  /** HTTP callbacks: the `check_url` handshake. */
  callbacks: CallbackControls
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Starts a local DingTalk: the login pages (`/oauth2/auth`, full page and `iframe=true`), `ddlogin.js`, the v1.0
 * API, oapi, the phone simulator, the container shim and the test API, all on one origin.
 *
 * @example
 * const emulator = await startEmulator({ port: 0 })
 * const { code } = emulator.mintFreeLoginCode({ corpId, userid: '0138261547271' })
 * await emulator.close()
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveEmulatorOptions(options)
  const fixture = validateFixture(options.fixture ?? defaultFixture)
  const clock = options.clock ?? createEmulatorClock()
  const now = () => clock.now()
  const ctx: EmulatorContext = {
    options: resolved,
    // The index owns the validated copy; the starting state is copied only if the organisation ever changes.
    index: createFixtureIndex(fixture, () => {
      ctx.startingFixture = structuredClone(fixture)
    }),
    startingFixture: fixture,
    leaveRecords: createLeaveRecordStore(),
    clock,
    codes: createCodeStore(now),
    tokens: createTokenStore(now, resolved.legacyTokenInV1),
    sessions: createQrSessionStore(
      now,
      () => resolved.qrTtlMs,
      () => resolved.qrPageGoneAfterMs,
    ),
    stats: createStatsRecorder(),
    faults: createFaultStore(now),
    rateLimiter: createRateLimiter(now, resolved.ipRateLimit),
    events: createEventHub(createEventId),
  }

  async function handleApi(
    req: EmulatorRequest,
    family: Family,
    res: ServerResponse,
  ): Promise<Reply | undefined> {
    const endpoint =
      delivery.endpointKey(req.method, req.path) ??
      (family === 'v1'
        ? (v1EndpointKey(req.method, req.path) ?? `${req.method} ${req.path}`)
        : oapiEndpointKey(req.method, req.path))
    ctx.stats.record(endpoint, family === 'v1' ? v1CallerApp(ctx, req) : oapiCallerApp(ctx, req))
    if (resolved.latencyMs > 0) await delay(resolved.latencyMs)
    if (ctx.rateLimiter.isBanned(req.ip)) return ipBanReply(200)
    const fault = ctx.faults.take(endpoint, req.path)
    if (fault) {
      if (fault.latencyMs) await delay(fault.latencyMs)
      const outcome = faultReply(fault, family)
      if (outcome === 'drop') {
        res.socket?.destroy()
        return undefined
      }
      if (outcome === 'hang') {
        // Without latencyMs it never answers; the client's timeout (or close()) ends it.
        if (fault.latencyMs) res.socket?.destroy()
        return undefined
      }
      if (outcome) return outcome
    }
    if (req.bodyTooLarge) {
      return family === 'v1'
        ? v1Error(413, 'RequestEntityTooLarge', 'request body is too large')
        : oapiError(40035, '请求体过大')
    }
    return delivery.handleApi(req) ?? (family === 'v1' ? handleV1(ctx, req) : handleOapi(ctx, req))
  }

  async function handle(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const req = await readEmulatorRequest(raw, resolved.publicUrl)
    const family = familyOf(req.path)
    try {
      if (req.path.startsWith('/__emulator')) {
        const cors = corsHeaders(req)
        if (req.method === 'OPTIONS') return writeReply(res, { status: 204, headers: {}, body: '' }, cors)
        return writeReply(res, (await delivery.handleTestApi(req)) ?? handleTestApi(ctx, req), cors)
      }
      if (DDLOGIN_PATHS.has(req.path) && req.method === 'GET')
        return writeReply(res, scriptReply(ddloginScript(req.baseUrl)))
      // Browsers ask for it on every page; it is not a DingTalk API call and must not show up in stats.
      if (req.path === '/favicon.ico') return writeReply(res, { status: 404, headers: {}, body: '' })
      if (
        (req.path === '/oauth2/auth' || (resolved.challengePage && req.path === '/oauth2/challenge.htm')) &&
        req.method === 'GET'
      ) {
        return writeReply(res, await handleLoginPage(ctx, req))
      }
      const reply = await handleApi(req, family ?? 'oapi', res)
      if (reply) writeReply(res, reply)
    } catch {
      // Never an HTML 500: answer in the family's own error format.
      writeReply(res, family === 'v1' ? v1Error(500, 'unknownError', '未知错误') : oapiError(-1, '系统繁忙'))
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) writeReply(res, oapiError(-1, '系统繁忙'))
    })
  })
  // Stream mode (gateway + WebSocket) and HTTP callbacks, fed by ctx.events.
  const delivery = attachEventDelivery(server, ctx, options)
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
    else socket.destroy()
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const hostForUrl =
    address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address
  const url = resolved.publicUrl ?? `http://${hostForUrl}:${address.port}`

  return {
    url,
    clock,
    get fixture() {
      return structuredClone(ctx.index.fixture) as EmulatorFixture & { departments: EmulatorDepartment[] }
    },
    stats: () => ctx.stats.snapshot(),
    reset: () => resetState(ctx),
    mintOAuthCode: (input) => mintOAuthCode(ctx, { ...input }),
    mintFreeLoginCode: (input) => mintFreeLoginCode(ctx, { ...input }),
    scan: (input) => scan(ctx, { ...input }),
    sessions: (clientId) => ctx.sessions.pending(clientId).map((s) => viewSession(ctx, s)),
    addFault(fault) {
      const parsed = parseFault(fault)
      if (typeof parsed === 'string') throw new TypeError(`Invalid fault: ${parsed}`)
      return ctx.faults.add(parsed).id
    },
    clearFaults(id) {
      if (id === undefined) ctx.faults.clear()
      else ctx.faults.remove(id)
    },
    hire: (input) => hire(ctx, { ...input }),
    modifyPerson: (input) => modifyPerson(ctx, { ...input }),
    leave: (input) => leave(ctx, { ...input }),
    createDepartment: (input) => createDepartment(ctx, { ...input }),
    modifyDepartment: (input) => modifyDepartment(ctx, { ...input }),
    removeDepartment: (input) => removeDepartment(ctx, { ...input }),
    events: (clientId) => ctx.events.list(clientId ? { clientId } : undefined),
    publishEvent: (input) => ctx.events.publish({ ...input, bornTime: input.bornTime ?? clock.now() }),
    stream: delivery.stream,
    callbacks: delivery.callbacks,
    close: () =>
      new Promise<void>((resolve, reject) => {
        delivery.close()
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
