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
 * - `onEnd(undo)`: work that ending the run undoes (timers, the QR frame);
 * - `fail(error)`: ends the run in `error`;
 * - `exchange(send)`: ends the run's steps, goes to `exchanging` and follows `send()`; once per run;
 * - `signal`: aborted when the run ends.
 */
export type LoginSteps<TResult, TArgs, TState> = (
  args: TArgs,
  put: (patch: Partial<TState>, code?: DingTalkLoginErrorCode) => void,
  onEnd: (undo: () => void) => void,
  fail: (error: unknown) => void,
  exchange: (send: () => Promise<TResult>) => void,
  signal: AbortSignal,
) => Promise<void>

/**
 * The lifecycle both login stores share (style.md A3: the stores stay one per instance): runs that a newer run or
 * a stop silences, `start` on the next microtask (a StrictMode start–stop–start costs one run), a stop that undoes
 * every timer and listener, and a restart that follows a pending exchange and keeps a success.
 */
export function createLoginFlow<TResult, TArgs, TState extends FlowState<TResult>>(
  getDeps: () => LoginCallbacks<TResult>,
  set: (partial: Partial<TState>) => void,
  get: () => TState,
  steps: LoginSteps<TResult, TArgs, TState>,
) {
  let current: { a: TArgs } | 0 = 0
  let id = 0
  let undo: (() => void)[] = []
  let pending: Promise<TResult> | 0 = 0
  const end = () => {
    undo.forEach((f) => f())
    undo = []
  }

  // Settles run `runId` in `error` when `error` is given, else in `success` with `result`.
  const done = (runId: number, error: DingTalkLoginError | 0, result?: TResult) => {
    if (runId !== id) return
    end()
    // `error` is null since the run began.
    set((error ? { status: 'error', error } : { status: 'success', result }) as Partial<TState>)
    const callback = getDeps()[error ? 'onError' : 'onSuccess'] as ((value: unknown) => void) | undefined
    if (callback) callback(error || result)
  }

  const follow = (runId: number, exchange: Promise<TResult>) =>
    exchange.then(
      (result) => done(runId, 0, result),
      (error: unknown) => done(runId, toDingTalkLoginError(error, 'exchange-failed')),
    )

  const begin = () => {
    if (!current) return
    end()
    const runId = ++id
    let code: DingTalkLoginErrorCode = 'exchange-failed'
    const controller = new AbortController()
    undo.push(() => controller.abort())
    pending = 0
    const fail = (error: unknown) => done(runId, toDingTalkLoginError(error, code))
    steps(
      current.a,
      (patch, next) => {
        if (runId !== id) throw 0
        if (next) code = next
        set(patch)
      },
      (f) => undo.push(f),
      fail,
      (send) => {
        if (runId !== id || pending) return
        end()
        set({ status: 'exchanging' } as Partial<TState>)
        void follow(runId, (pending = Promise.resolve().then(send)))
      },
      controller.signal,
    ).catch(fail)
  }

  return {
    /** Starts a run with `args` on the next microtask; returns the stop function. */
    start(args: TArgs) {
      const token = { a: args }
      current = token
      queueMicrotask(() => {
        const { status } = get()
        if (current !== token || status === 'success') return
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
    /** Starts a new run now when started, unless exchanging or after a success. */
    restart() {
      const { status } = get()
      if (current && status !== 'exchanging' && status !== 'success') begin()
    },
  }
}
