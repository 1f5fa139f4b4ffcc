// Fuzzes every HTTP route of the login handler with fast-check: malformed and hostile queries, bodies, headers and
// cookies, half of them behind a real state from GET /config, against the emulator over real HTTP. Each answer
// must be below 500, a typed error when it is an error, and free of secrets, codes and stack traces; so must
// every log line.
import fc from 'fast-check'
import { LeakWatch } from './leakChecks'
import type { ProofCounts } from './leakChecks'
import { createCallbackCrypto } from 'dingtalk-login-server'
import { BASE, CALLBACK_AES_KEY, CALLBACK_TOKEN, ORIGIN, startLoginStack } from './stack'
import type { LoginStack } from './stack'

/** The figures of one fuzz run, per route and in total. */
export interface FuzzReport {
  perRoute: Record<string, number>
  counts: ProofCounts
}

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%00',
    '../../etc/passwd',
    '<script>x</script>',
    "' or 1=1 --",
    '\u0000',
    'null',
    '__proto__',
    'A'.repeat(5000),
  ),
)
// Header values a client can really send (fetch refuses control characters and anything past U+00FF), so every
// case reaches the handler instead of being dropped by `new Headers`.
const headerChar = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code))
const headerJunk = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 40 }),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)),
    maxLength: 40,
  }),
  fc
    .array(
      fc.tuple(
        fc.string({ unit: headerChar, maxLength: 12 }),
        fc.string({ unit: headerChar, maxLength: 40 }),
      ),
      {
        maxLength: 4,
      },
    )
    .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('; ')),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%00',
    "' or 1=1 --",
    '__proto__',
    'A'.repeat(5000),
    'dt_session=; dt_session=x',
  ),
)
const jsonValue = fc.oneof(
  junk,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(junk, { maxLength: 3 }),
  fc.dictionary(junk, junk, { maxKeys: 3 }),
)
const platform = fc.oneof(fc.constantFrom('web', 'mobile', 'ios', 'android', 'pc'), jsonValue)
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
  'application/json; charset=latin1',
)
const originHeader = fc.constantFrom(ORIGIN, 'https://evil.example', 'null', '')

function queryOf(entries: [string, string][], raw: string): string {
  const params = new URLSearchParams(entries).toString()
  return `?${params}${raw ? `&${raw}` : ''}`
}

/** A fresh state and its cookie, as a browser holds them after GET /config. */
async function freshState(stack: LoginStack, watch: LeakWatch): Promise<{ state: string; cookie: string }> {
  const response = await stack.http.handler(new Request(`${ORIGIN}${BASE}/config`))
  const text = await watch.response('GET /config (setup)', response.clone())
  const state = (JSON.parse(text) as { state: string }).state
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
  return { state, cookie }
}

export async function fuzzRoutes(options: {
  runsPerRoute: number
  store: string
  stateStore: string
  tablePrefix: string
  seed?: number
}): Promise<FuzzReport> {
  const watch = new LeakWatch()
  const stack = await startLoginStack({
    watch,
    store: options.store,
    stateStore: options.stateStore,
    tablePrefix: options.tablePrefix,
  })
  const perRoute: Record<string, number> = {}
  const { emu } = stack
  const app = emu.fixture.apps[0]!
  const corps = emu.fixture.apps.slice(0, 2).map((a) => a.corpId)
  const member = emu.fixture.users.find((user) =>
    user.memberships.some((m) => m.corpId === app.corpId && m.active),
  )!
  const userid = member.memberships.find((m) => m.corpId === app.corpId)!.userid
  const answer = async (route: string, request: Request, options: { retryable503?: boolean } = {}) => {
    perRoute[route] = (perRoute[route] ?? 0) + 1
    return watch.response(route, await stack.http.handler(request), options)
  }
  const send = async (route: string, request: Request): Promise<void> => {
    await answer(route, request)
  }
  const run = (route: string, property: fc.IAsyncProperty<never>) =>
    fc
      .assert(property, {
        numRuns: options.runsPerRoute,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      })
      .catch((error: unknown) => {
        throw new Error(`${route}: ${String(error)}`)
      })

  try {
    await run(
      'GET /config',
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('corpId', 'instance', 'returnTo', 'x'), junk), { maxLength: 3 }),
        junk,
        (entries, raw) =>
          send(
            'GET /config',
            new Request(`${ORIGIN}${BASE}/config${queryOf(entries, encodeURIComponent(raw))}`),
          ),
      ) as never,
    )

    await run(
      'POST /login/qr',
      fc.asyncProperty(
        fc.record({
          withState: fc.boolean(),
          realCode: fc.boolean(),
          code: junk,
          state: junk,
          platform,
          extra: fc.dictionary(junk, jsonValue, { maxKeys: 2 }),
          raw: fc.option(junk),
          type: contentType,
          origin: originHeader,
        }),
        async (input) => {
          const session = input.withState ? await freshState(stack, watch) : null
          const code = input.realCode
            ? emu.mintOAuthCode({ clientId: app.clientId, userid }).code
            : input.code
          watch.secret(code)
          const body =
            input.raw ??
            JSON.stringify({
              ...input.extra,
              code,
              state: session?.state ?? input.state,
              platform: input.platform,
            })
          const headers: Record<string, string> = { 'content-type': input.type }
          if (input.origin) headers.origin = input.origin
          if (session) headers.cookie = session.cookie
          await send(
            'POST /login/qr',
            new Request(`${ORIGIN}${BASE}/login/qr`, { method: 'POST', headers, body }),
          )
        },
      ) as never,
    )

    await run(
      'POST /login/workbench',
      fc.asyncProperty(
        fc.record({
          realCode: fc.boolean(),
          corpId: fc.oneof(fc.constantFrom(...corps), junk),
          authCode: junk,
          platform,
          raw: fc.option(junk),
          type: contentType,
          origin: originHeader,
        }),
        async (input) => {
          const authCode = input.realCode
            ? emu.mintFreeLoginCode({ corpId: app.corpId, userid }).code
            : input.authCode
          watch.secret(authCode)
          const body =
            input.raw ?? JSON.stringify({ corpId: input.corpId, authCode, platform: input.platform })
          const headers: Record<string, string> = { 'content-type': input.type }
          if (input.origin) headers.origin = input.origin
          await send(
            'POST /login/workbench',
            new Request(`${ORIGIN}${BASE}/login/workbench`, { method: 'POST', headers, body }),
          )
        },
      ) as never,
    )

    await run(
      'GET /session',
      fc.asyncProperty(fc.record({ cookie: headerJunk, bearer: fc.option(headerJunk) }), async (input) => {
        const headers: Record<string, string> = { cookie: input.cookie }
        if (input.bearer !== null) headers.authorization = `Bearer ${input.bearer}`
        await send('GET /session', new Request(`${ORIGIN}${BASE}/session`, { headers }))
      }) as never,
    )

    await run(
      'POST /logout',
      fc.asyncProperty(
        fc.record({ cookie: headerJunk, origin: originHeader, body: fc.option(junk) }),
        async (input) => {
          const headers: Record<string, string> = { cookie: input.cookie }
          if (input.origin) headers.origin = input.origin
          await send(
            'POST /logout',
            new Request(`${ORIGIN}${BASE}/logout`, {
              method: 'POST',
              headers,
              ...(input.body === null ? {} : { body: input.body }),
            }),
          )
        },
      ) as never,
    )

    await run(
      'GET /authorize',
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('returnTo', 'instance', 'corpId', 'x'),
            fc.oneof(
              junk,
              fc.constantFrom(
                '/',
                '/home',
                'https://evil.example/',
                '//evil.example',
                '/\\evil.example',
                'javascript:alert(1)',
              ),
            ),
          ),
          { maxLength: 3 },
        ),
        (entries) => send('GET /authorize', new Request(`${ORIGIN}${BASE}/authorize${queryOf(entries, '')}`)),
      ) as never,
    )

    await run(
      'GET /callback',
      fc.asyncProperty(
        fc.record({
          withState: fc.boolean(),
          realCode: fc.boolean(),
          code: junk,
          state: junk,
          error: fc.option(junk),
          extra: fc.array(fc.tuple(fc.constantFrom('code', 'authCode', 'state', 'error'), junk), {
            maxLength: 2,
          }),
        }),
        async (input) => {
          let state = input.state
          let cookie = ''
          if (input.withState) {
            const authorize = await stack.http.handler(new Request(`${ORIGIN}${BASE}/authorize`))
            await watch.response('GET /authorize (setup)', authorize.clone())
            state =
              new URL(authorize.headers.get('location') ?? `${ORIGIN}/`).searchParams.get('state') ?? state
            cookie = authorize.headers
              .getSetCookie()
              .map((line) => line.split(';')[0])
              .join('; ')
          }
          const code = input.realCode
            ? emu.mintOAuthCode({ clientId: app.clientId, userid }).code
            : input.code
          watch.secret(code)
          const entries: [string, string][] = [['authCode', code], ['state', state], ...input.extra]
          if (input.error !== null) entries.push(['error', input.error])
          await send(
            'GET /callback',
            new Request(`${ORIGIN}${BASE}/callback${queryOf(entries, '')}`, {
              headers: cookie ? { cookie } : {},
            }),
          )
        },
      ) as never,
    )

    // DingTalk's HTTP callbacks: junk signatures, timestamps, nonces, content types and bodies, and real seals.
    const crypto = createCallbackCrypto(CALLBACK_TOKEN, CALLBACK_AES_KEY, app.clientId)
    const eventsUrl = (query: [string, string][]) => `${ORIGIN}${BASE}/events${queryOf(query, '')}`
    const sendEvent = (query: [string, string][], body: string, type: string) =>
      answer(
        'POST /events',
        new Request(eventsUrl(query), {
          method: 'POST',
          headers: type ? { 'content-type': type } : {},
          body,
        }),
        // A typed 503 is how the route asks DingTalk to push again (the event is being applied elsewhere).
        { retryable503: true },
      )
    await run(
      'POST /events',
      fc.asyncProperty(
        fc.record({
          signed: fc.boolean(),
          query: fc.array(
            fc.tuple(
              fc.constantFrom('signature', 'msg_signature', 'timestamp', 'timeStamp', 'nonce', 'x'),
              junk,
            ),
            { maxLength: 4 },
          ),
          timestamp: fc.oneof(
            junk,
            fc.integer().map(String),
            fc.constant(String(Date.now())),
            fc.constant(String(Date.now() - 3_600_000)),
          ),
          message: fc.oneof(
            fc.constantFrom(
              '{"EventType":"check_url"}',
              `{"EventType":"user_leave_org","CorpId":"${app.corpId}","UserId":["nobody-here"]}`,
            ),
            jsonValue.map((value) => JSON.stringify(value) ?? 'null'),
            junk,
          ),
          raw: fc.option(
            fc.oneof(
              junk,
              jsonValue.map((value) => JSON.stringify({ encrypt: value })),
            ),
          ),
          type: contentType,
        }),
        async (input) => {
          const encrypt = crypto.encrypt(input.message)
          const nonce = 'fuzzNonce'
          const query: [string, string][] = input.signed
            ? [
                ['signature', crypto.sign(input.timestamp, nonce, encrypt)],
                ['timestamp', input.timestamp],
                ['nonce', nonce],
                ...input.query,
              ]
            : input.query
          await sendEvent(query, input.raw ?? JSON.stringify({ encrypt }), input.type)
        },
      ) as never,
    )
    // Properly signed, then sent again: an old timestamp is a replay (401 invalid_signature, nothing applied).
    const encrypt = crypto.encrypt('{"EventType":"check_url"}')
    const signedAt = (timestamp: number): [string, string][] => [
      ['signature', crypto.sign(String(timestamp), 'replayNonce', encrypt)],
      ['timestamp', String(timestamp)],
      ['nonce', 'replayNonce'],
    ]
    const fresh = JSON.parse(
      await sendEvent(signedAt(Date.now()), JSON.stringify({ encrypt }), 'application/json'),
    ) as Record<string, unknown>
    const old = JSON.parse(
      await sendEvent(signedAt(Date.now() - 3_600_000), JSON.stringify({ encrypt }), 'application/json'),
    ) as { error?: { code?: string } }
    if (typeof fresh.encrypt !== 'string' || old.error?.code !== 'invalid_signature')
      throw new Error(
        `POST /events: a signed callback should be answered and its hour-old replay refused, got ${JSON.stringify({ fresh, old })}`,
      )
  } finally {
    await stack.close()
  }
  return { perRoute, counts: watch.counts }
}
