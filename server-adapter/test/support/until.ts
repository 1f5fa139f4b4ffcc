/**
 * Reads until `done` says the value is what the test waits for, or `timeoutMs` passed, and resolves the last value
 * read: the test asserts on it, so a timeout fails with what was there instead of a bare "timed out".
 */
export async function until<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean = Boolean,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
