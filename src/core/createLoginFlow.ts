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

/** One run of a login, handed to the store's steps. */
export interface LoginRun<TResult> {
  /** False once a newer run started or the login stopped: the run must then change nothing. */
  live(): boolean
  /** Aborted when the run ends. */
  signal: AbortSignal
  /** Adds work that ending the run undoes (timers, the QR frame); each may run more than once. */
  onEnd(undo: () => void): void
  /** The code a failure of the current step gets (a thrown {@link DingTalkLoginError} keeps its own). */
  code: DingTalkLoginErrorCode
  /** Ends the run in `error` with `error` mapped to a {@link DingTalkLoginError} with `code`, and calls `onError`. */
  fail(error: unknown): void
  /** Ends the run's steps, goes to `exchanging` and follows `send()` to `success` or `error`; once per run. */
  exchange(send: () => Promise<TResult>): void
}

/**
 * The lifecycle both login stores share (style.md A3: the stores stay one per instance): runs that a newer run or
 * a stop silences, `start` on the next microtask (a StrictMode start–stop–start costs one run), a stop that undoes
 * every timer and listener, and a restart that follows a pending exchange and keeps a success.
 */
export function createLoginFlow<TResult, TArgs, TState extends FlowState<TResult>>(
  getDeps: () => LoginCallbacks<TResult>,
  set: (partial: Partial<TState>) => void,
  get: () => TState,
  steps: (args: TArgs, run: LoginRun<TResult>) => Promise<void>,
) {
  let current: { args: TArgs } | null = null
  let id = 0
  let end = () => {}
  let exchange: Promise<TResult> | null = null

  const fail = (runId: number, error: unknown, code: DingTalkLoginErrorCode) => {
    if (runId !== id) return
    end()
    const loginError = toDingTalkLoginError(error, code)
    set({ status: 'error', error: loginError } as Partial<TState>)
    const { onError } = getDeps()
    if (onError) onError(loginError)
  }

  const follow = (runId: number, pending: Promise<TResult>) =>
    pending.then(
      (result) => {
        if (runId !== id) return
        set({ status: 'success', result, error: null } as Partial<TState>)
        const { onSuccess } = getDeps()
        if (onSuccess) onSuccess(result)
      },
      (error: unknown) => fail(runId, error, 'exchange-failed'),
    )

  const begin = () => {
    if (!current) return
    end()
    const runId = ++id
    const controller = new AbortController()
    const undo = [() => controller.abort()]
    end = () => undo.forEach((f) => f())
    exchange = null
    const live = () => runId === id
    const run: LoginRun<TResult> = {
      live,
      signal: controller.signal,
      code: 'exchange-failed',
      onEnd: (f) => undo.push(f),
      fail: (error) => fail(runId, error, run.code),
      exchange(send) {
        if (!live() || exchange) return
        end()
        set({ status: 'exchanging' } as Partial<TState>)
        follow(runId, (exchange = Promise.resolve().then(send)))
      },
    }
    steps(current.args, run).catch(run.fail)
  }

  return {
    /** Starts a run with `args` on the next microtask; returns the stop function. */
    start(args: TArgs) {
      const token = { args }
      current = token
      queueMicrotask(() => {
        const { status } = get()
        if (current !== token || status === 'success') return
        if (exchange && status === 'exchanging') void follow(++id, exchange)
        else begin()
      })
      return () => {
        if (current !== token) return
        current = null
        id++
        end()
      }
    },
    /** Starts a new run now when started and `status` allows it. */
    restart(allowed: (status: string) => boolean) {
      if (current && allowed(get().status)) begin()
    },
  }
}
