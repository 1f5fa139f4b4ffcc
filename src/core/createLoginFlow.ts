import { DingTalkLoginError } from './DingTalkLoginError'
import type { DingTalkLoginErrorCode } from './DingTalkLoginError'
import { toDingTalkLoginError } from './toDingTalkLoginError'

/** The callbacks both login stores call. */
export interface LoginCallbacks<TResult> {
  onSuccess?: (result: TResult) => void
  onError?: (error: DingTalkLoginError) => void
}

/** What the state of both login stores has in common. */
interface FlowState<TResult> {
  status: string
  error: DingTalkLoginError | null
  result: TResult | null
}

/**
 * Thrown by `run.put` once its run is over (a newer run began, the flow stopped, the run settled or went on to
 * its exchange), so that the steps stop at their next `put` without checking anything themselves. Swallowed in
 * `begin`, where the steps' promise is handled: it never reaches `onError`.
 */
const RUN_ENDED = Symbol('login run ended')

/** What the steps of one run work with. */
export interface LoginRun<TResult, TState> {
  /**
   * Sets state while the run is current, else throws the "run ended" sentinel, which ends the steps quietly.
   * `failureCode` is the code a failure gets from then on (a thrown {@link DingTalkLoginError} keeps its own).
   */
  put(patch: Partial<TState>, failureCode?: DingTalkLoginErrorCode): void
  /**
   * Registers work that ending the run undoes (timers, the QR frame). Done at once when the run already ended: a
   * vendor that fails synchronously ends the run before its dispose function is registered.
   */
  onEnd(undo: () => void): void
  /**
   * Ends the run in `error`. While the run's exchange is pending, the error is reported through `onError` only:
   * the exchange decides how the run ends. Ignored once the run ended.
   */
  fail(error: unknown): void
  /**
   * Goes to `exchanging` and follows `send()` under the deadline again; once per run. The steps can `put` no more,
   * but what they registered with `onEnd` stays until the exchange settles, so the QR frame can still report.
   */
  exchange(send: () => Promise<TResult>): void
  /**
   * Aborted when the run ends. A stop while exchanging leaves the exchange's request alone, for a later `start` to
   * follow; it is aborted when the exchange ends, by its deadline at the latest.
   */
  signal: AbortSignal
}

/**
 * The steps of one run. They may resolve with a number: the run restarts after that many milliseconds (the QR
 * code's refresh), unless it went on to an exchange.
 */
export type LoginSteps<TResult, TArgs, TState> = (
  args: TArgs,
  run: LoginRun<TResult, TState>,
) => Promise<number | void>

/** What `start` was asked for, and the run id at that time: a run that began since means nothing is pending. */
interface PendingRun<TArgs> {
  args: TArgs
  runId: number
}

/**
 * The lifecycle both login stores share (one store per component instance): runs that a newer run or a stop
 * silences, `start` on the next microtask (a StrictMode start–stop–start costs one run), a stop that undoes every
 * timer and listener, and a restart that follows a pending exchange and keeps a success.
 *
 * One deadline (`start`'s `timeoutMs`, `0` for none) bounds the network steps: from the start of a run until its
 * steps are done (waiting for a scan is no network step), and again the exchange. When it passes, the run ends in
 * `error` with the `timeout` code, and whatever answers later is ignored.
 *
 * A `start` keeps a success, and an error too: only `restart` starts over after one, with the latest args.
 */
export function createLoginFlow<TResult, TArgs, TState extends FlowState<TResult>>(
  getCallbacks: () => LoginCallbacks<TResult>,
  set: (partial: Partial<TState>) => void,
  get: () => TState,
  steps: LoginSteps<TResult, TArgs, TState>,
) {
  // A run is current while its id is this one; every end of a run bumps it.
  let currentRunId = 0
  let pendingRun: PendingRun<TArgs> | null = null
  const undoOnEnd: (() => void)[] = []
  // The current run's exchange, once it went on to one, until it settles (so exactly while `exchanging`): a `start`
  // after a stop follows it instead of starting over.
  let pendingExchange: Promise<TResult> | null = null
  let deadlineMs = 0
  // The deadline's, then the refresh's: one timer at a time.
  let timer: ReturnType<typeof setTimeout> | undefined

  const endRun = () => {
    clearTimeout(timer)
    undoOnEnd.splice(0).forEach((undo) => undo())
  }

  const report = (error: DingTalkLoginError) => {
    const { onError } = getCallbacks()
    if (onError) onError(error)
  }

  /** Ends run `runId` in `error` or `success`, unless it already ended. */
  const settle = (runId: number, outcome: { error: DingTalkLoginError } | { result: TResult }) => {
    if (runId !== currentRunId) return
    currentRunId++
    pendingExchange = null
    endRun()
    if ('error' in outcome) {
      set({ status: 'error', ...outcome } as Partial<TState>)
      report(outcome.error)
    } else {
      set({ status: 'success', ...outcome } as Partial<TState>)
      const { onSuccess } = getCallbacks()
      if (onSuccess) onSuccess(outcome.result)
    }
  }

  const armDeadline = (runId: number) => {
    if (deadlineMs <= 0) return
    const ms = deadlineMs
    timer = setTimeout(
      () =>
        settle(runId, { error: new DingTalkLoginError('timeout', `${get().status}: no answer in ${ms} ms`) }),
      ms,
    )
  }

  const followExchange = (runId: number, exchange: Promise<TResult>) => {
    armDeadline(runId)
    exchange.then(
      (result) => settle(runId, { result }),
      (error: unknown) => settle(runId, { error: toDingTalkLoginError(error, 'exchange-failed') }),
    )
  }

  // Only called while started.
  const begin = (args: TArgs) => {
    endRun()
    const runId = ++currentRunId
    // Whether the steps may still go on: not once the run ended or went on to its exchange.
    const isActive = () => runId === currentRunId && !pendingExchange
    let failureCode: DingTalkLoginErrorCode = 'exchange-failed'
    const controller = new AbortController()
    // A stop while exchanging puts it back for the end of the exchange: a late success would sign in a login
    // already shown as failed.
    const abort = () => {
      if (pendingExchange) undoOnEnd.push(abort)
      else controller.abort()
    }
    undoOnEnd.push(abort)

    const run: LoginRun<TResult, TState> = {
      put(patch, nextFailureCode) {
        if (!isActive()) throw RUN_ENDED
        if (nextFailureCode) failureCode = nextFailureCode
        set(patch)
      },
      onEnd(undo) {
        if (runId === currentRunId) undoOnEnd.push(undo)
        else undo()
      },
      fail(error) {
        if (runId !== currentRunId) return
        const loginError = toDingTalkLoginError(error, failureCode)
        if (pendingExchange) report(loginError)
        else settle(runId, { error: loginError })
      },
      exchange(send) {
        if (!isActive()) return
        clearTimeout(timer) // the refresh: a scanned code is never replaced by a new QR code
        set({ status: 'exchanging' } as Partial<TState>)
        pendingExchange = Promise.resolve().then(send)
        followExchange(runId, pendingExchange)
      },
      signal: controller.signal,
    }

    armDeadline(runId)
    steps(args, run).then(
      (refreshAfterMs) => {
        if (!isActive()) return
        // The network steps are done; waiting for a scan has no deadline.
        clearTimeout(timer)
        if (refreshAfterMs) timer = setTimeout(restart, refreshAfterMs)
      },
      (error: unknown) => {
        // The "run ended" sentinel is swallowed here.
        if (error !== RUN_ENDED) run.fail(error)
      },
    )
  }

  /** Starts a new run now when started, unless exchanging or after a success. */
  const restart = () => {
    const { status } = get()
    if (pendingRun && status !== 'exchanging' && status !== 'success') begin(pendingRun.args)
  }

  return {
    /**
     * Starts a run with `args` on the next microtask, unless a `restart` before it started one;
     * `timeoutMs` is the deadline of the network steps (`0`: none). Returns the stop function.
     */
    start(args: TArgs, timeoutMs = 15_000) {
      const run: PendingRun<TArgs> = { args, runId: currentRunId }
      pendingRun = run
      deadlineMs = timeoutMs
      queueMicrotask(() => {
        // A newer start or a stop replaced it, or a restart already began a run with it.
        if (pendingRun !== run || run.runId !== currentRunId) return
        const { status } = get()
        if (status === 'success' || status === 'error') return
        if (pendingExchange) followExchange(++currentRunId, pendingExchange)
        else begin(args)
      })
      return () => {
        if (pendingRun !== run) return
        pendingRun = null
        currentRunId++
        endRun()
      }
    },
    restart,
  }
}
