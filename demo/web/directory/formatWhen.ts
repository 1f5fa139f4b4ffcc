const pad = (value: number) => String(value).padStart(2, '0')

/**
 * A moment as `2025-03-14 09:26:53`, local time, in one form for both languages. The moments come from the clock the
 * emulator and the server share, which "Let the QR code expire" moves ahead.
 */
export function formatWhen(epochMs: number): string {
  const date = new Date(epochMs)
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}
