import type { DingTalkLoginError, DingTalkLoginErrorCode } from './DingTalkLoginError'
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
 * The steps of one run. Positional helpers (minified to one letter each, unlike the keys of an object):
 * - `put(patch, code?)`: sets state while the run is current and throws otherwise, which silently ends the steps;
 *   `code` is what a failure from then on gets (a thrown {@link DingTalkLoginError} keeps its own);
 * - `onEnd(undo)`: work that ending the run undoes (timers, the QR frame); done at once when the run already ended
 *   (a vendor that fails synchronously ends it before its dispose function is registered);
 * - `fail(error)`: ends the run in `error`;
 * - `exchange(send)`: ends the run's steps, goes to `exchanging` and follows `send()`; once per run;
 * - `signal`: aborted when the run ends.
 *
 * The steps may resolve with a number: the run restarts after that many milliseconds (the QR code's refresh).
 */
export type LoginSteps<TResult, TArgs, TState> = (
  args: TArgs,
  put: (patch: Partial<TState>, code?: DingTalkLoginErrorCode) => void,
  onEnd: (undo: () => void) => void,
  fail: (error: unknown) => void,
  exchange: (send: () => Promise<TResult>) => void,
  signal: AbortSignal,
) => Promise<number | void>

/**
 * The lifecycle both login stores share (style.md A3: the stores stay one per instance): runs that a newer run or
 * a stop silences, `start` on the next microtask (a StrictMode start–stop–start costs one run), a stop that undoes
 * every timer and listener, and a restart that follows a pending exchange and keeps a success.
 *
 * One deadline (`start`'s `timeoutMs`, `0` for none) bounds the network steps: from the start of a run until its
 * steps are done (waiting for a scan is no network step), and again the exchange. When it passes, the run ends in
 * `error` with the `timeout` code. A run that ended ignores whatever answers later (the backend calls have no
 * timeout of their own).
 */
export function createLoginFlow<TResult, TArgs, TState extends FlowState<TResult>>(
  getDeps: () => LoginCallbacks<TResult>,
  set: (partial: Partial<TState>) => void,
  get: () => TState,
  steps: LoginSteps<TResult, TArgs, TState>,
) {
  let current: { a: TArgs; i: number } | 0 = 0
  let id = 0
  let undo: (() => void)[] = []
  let pending: Promise<TResult> | 0 = 0
  let deadline: number
  // The deadline's, then the refresh's: one timer at a time.
  let timer: ReturnType<typeof setTimeout>
  const end = () => {
    clearTimeout(timer)
    undo.forEach((f) => f())
    undo = []
  }
  // Fails run `runId` with `timeout` once the deadline passed.
  const arm = (runId: number) => {
    if (deadline > 0) timer = setTimeout(done, deadline, runId, toDingTalkLoginError('timeout', 'timeout'))
  }

  // Settles run `runId` in `error` when `error` is given, else in `success` with `result`. Ends the run: later
  // answers of its steps are ignored.
  const done = (runId: number, error: DingTalkLoginError | 0, result?: TResult) => {
    if (runId !== id) return
    id++
    end()
    // `error` is null since the run began.
    set((error ? { status: 'error', error } : { status: 'success', result }) as Partial<TState>)
    const callback = getDeps()[error ? 'onError' : 'onSuccess'] as ((value: unknown) => void) | undefined
    if (callback) callback(error || result)
  }

  const follow = (runId: number, exchange: Promise<TResult>) => (
    arm(runId),
    exchange.then(
      (result) => done(runId, 0, result),
      (error: unknown) => done(runId, toDingTalkLoginError(error, 'exchange-failed')),
    )
  )

  // Only called while started.
  const begin = () => {
    end()
    const runId = ++id
    let code: DingTalkLoginErrorCode = 'exchange-failed'
    const controller = new AbortController()
    undo.push(() => controller.abort())
    pending = 0
    const fail = (error: unknown) => done(runId, toDingTalkLoginError(error, code))
    arm(runId)
    steps(
      (current as Exclude<typeof current, 0>).a,
      (patch, next) => {
        if (runId !== id) throw 0
        if (next) code = next
        set(patch)
      },
      (f) => (runId !== id ? f() : undo.push(f)),
      fail,
      (send) => {
        if (runId !== id) return
        end()
        set({ status: 'exchanging' } as Partial<TState>)
        // A run of its own: the steps' run is over, whatever it reports later is ignored.
        void follow(++id, (pending = Promise.resolve().then(send)))
      },
      controller.signal,
    ).then((every) => {
      if (runId === id) {
        clearTimeout(timer)
        if (every! > 0) timer = setTimeout(restart, every!)
      }
    }, fail)
  }

  /** Starts a new run now when started, unless exchanging or after a success. */
  const restart = () => {
    const { status } = get()
    if (current && status !== 'exchanging' && status !== 'success') begin()
  }

  return {
    /**
     * Starts a run with `args` on the next microtask, unless a `restart` before it started one; `timeoutMs` is the
     * deadline of the network steps (`0`: none). Returns the stop function.
     */
    start(args: TArgs, timeoutMs = 15_000) {
      const token = { a: args, i: id }
      current = token
      deadline = timeoutMs
      queueMicrotask(() => {
        const { status } = get()
        if (current !== token || token.i !== id || status === 'success') return
        if (pending && status === 'exchanging') void follow(++id, pending)
        else begin()
      })
      return () => {
        if (current !== token) return
        current = 0
        id++
        end()
      }
    },
    restart,
  }
}
