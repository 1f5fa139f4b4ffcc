/** The budget of one DingTalk call with its retries. */
export interface CallBudget {
  /** Timeout of one attempt, in ms. */
  timeoutMs: number
  /** Retries after the first attempt. */
  retries: number
  /** First backoff delay, doubling each retry. */
  baseDelayMs: number
  /** Cap of one backoff delay. */
  maxDelayMs: number
}

/**
 * The longest one call can take, retries included: every attempt running into its timeout, and every backoff at
 * its largest (jitter only shortens a delay). A lock held around such a call must live at least this long.
 */
export function worstCaseCallMs(budget: CallBudget): number {
  let total = (budget.retries + 1) * budget.timeoutMs
  for (let retry = 0; retry < budget.retries; retry++)
    total += Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** retry)
  return total
}
