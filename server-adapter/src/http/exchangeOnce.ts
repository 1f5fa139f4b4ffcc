import { createHash } from 'node:crypto'
import { DingTalkAuthError } from '../errors'
import type { DingTalkLoginResult } from '../login/loginResult'
import type { SessionClaims } from '../session/createSessionManager'
import type { StateStore } from '../state/StateStore'

/** What a login produced: kept for the replay window so a double submit gets the same answer. */
export interface LoginOutcome {
  result: DingTalkLoginResult
  /** The built-in session it started (the token is re-signed from these claims, never stored). */
  session?: SessionClaims
  /** Where a redirect login sends the browser. */
  returnTo?: string
}

/** Options of {@link exchangeOnce}. */
export interface ExchangeOnceOptions<Checked> {
  stateStore: StateStore
  now: () => number
  /** A repeat from the same browser within this window gets the first outcome. */
  replayWindowMs: number
  /** The DingTalk code (hashed before it is stored). */
  code: string
  /** Hash of the request's browser binding, or `null` (workbench: no cookie proves the browser). */
  browser: string | null
  /**
   * The session the request presents, if any: a repeat after the first login cleared the browser binding is
   * still the same browser when it holds the session that login started.
   */
  presentedSessionId: string | null
  /** Validates the request without writing anything (e.g. peeks at the state). */
  check(): Promise<Checked>
  /** Uses up what `check` validated, once the code is claimed (e.g. takes the state). */
  consume(checked: Checked): Promise<void>
  /** The login itself: runs at most once per code. */
  login(checked: Checked): Promise<LoginOutcome>
  /** Whether the first outcome's session has ended since (logout, revocation): then a repeat is refused. */
  isSessionRevoked(session: SessionClaims): Promise<boolean>
}

/** The claim on a code, kept longer than DingTalk keeps any code, so a late repeat is always recognised. */
interface CodeClaim {
  browser: string | null
  status: 'pending' | 'done'
  claimedAt: number
}

// DingTalk codes live at most 5 minutes (protocol §4.5): the claim outlives them, without the result.
const CODE_CLAIM_TTL_MS = 15 * 60_000
const FIRST_EXCHANGE_WAIT_MS = 30_000
const POLL_MS = 25

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const alreadyUsed = () => new DingTalkAuthError('code_invalid', { detail: 'the code was already used' })

/**
 * Runs a login at most once per code, across processes. The first request claims the code; a repeat from the
 * same browser within the replay window gets the first outcome (waiting for it while it runs); any other repeat
 * is `code_invalid`. The claim is written before the state is used up, and a request whose state check fails
 * looks for the claim again, so a double submit never loses the race into `invalid_state`.
 */
export async function exchangeOnce<Checked>(
  options: ExchangeOnceOptions<Checked>,
): Promise<{ outcome: LoginOutcome; replay: boolean }> {
  const { stateStore, now } = options
  const hash = sha256(options.code)
  const claimKey = `code:${hash}`
  const outcomeKey = `code-outcome:${hash}`
  for (;;) {
    const existing = await stateStore.get(claimKey)
    if (existing !== null)
      return { outcome: await replay(options, existing, claimKey, outcomeKey), replay: true }
    let checked: Checked
    try {
      checked = await options.check()
    } catch (error) {
      // The first of a double submit may have claimed the code and used the state up in between.
      if ((await stateStore.get(claimKey)) !== null) continue
      throw error
    }
    const claim: CodeClaim = { browser: options.browser, status: 'pending', claimedAt: now() }
    if (!(await stateStore.set(claimKey, JSON.stringify(claim), CODE_CLAIM_TTL_MS, 'nx'))) continue
    try {
      await options.consume(checked)
      const outcome = await options.login(checked)
      // The full outcome lives only as long as the replay window; the claim stays, without it.
      await stateStore.set(outcomeKey, JSON.stringify(outcome), options.replayWindowMs)
      const done: CodeClaim = { ...claim, status: 'done' }
      await stateStore.set(claimKey, JSON.stringify(done), CODE_CLAIM_TTL_MS, 'xx')
      return { outcome, replay: false }
    } catch (error) {
      // A failed exchange leaves nothing behind; DingTalk has burnt or refused the code anyway.
      await Promise.resolve(stateStore.delete(claimKey)).catch(() => undefined)
      throw error
    }
  }
}

async function replay<Checked>(
  options: ExchangeOnceOptions<Checked>,
  raw: string,
  claimKey: string,
  outcomeKey: string,
): Promise<LoginOutcome> {
  const { stateStore, now } = options
  let claim = JSON.parse(raw) as CodeClaim
  if (now() - claim.claimedAt > options.replayWindowMs) throw alreadyUsed()
  const sameBinding = options.browser !== null && claim.browser === options.browser
  // Neither the binding nor a session to prove the browser: refused before waiting for anything.
  if (!sameBinding && options.presentedSessionId === null) throw alreadyUsed()
  const deadline = Date.now() + FIRST_EXCHANGE_WAIT_MS
  while (claim.status !== 'done') {
    if (Date.now() > deadline) {
      throw new DingTalkAuthError('upstream_timeout', { detail: 'first exchange still running' })
    }
    await sleep(POLL_MS)
    const again = await stateStore.get(claimKey)
    if (again === null) {
      throw new DingTalkAuthError('code_invalid', { detail: 'the first exchange of the code failed' })
    }
    claim = JSON.parse(again) as CodeClaim
  }
  const stored = await stateStore.get(outcomeKey)
  if (stored === null) throw alreadyUsed()
  const outcome = JSON.parse(stored) as LoginOutcome
  const sameSession =
    outcome.session !== undefined && outcome.session.sessionId === options.presentedSessionId
  if (!sameBinding && !sameSession) throw alreadyUsed()
  if (outcome.session && (await options.isSessionRevoked(outcome.session))) {
    throw new DingTalkAuthError('code_invalid', { detail: 'the session of the first exchange has ended' })
  }
  return outcome
}
