/** Edit distance of two short strings (keys of a config file). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The known key an unknown one most likely meant: the same letters in another case (`corpid` → `corpId`), or at
 * most two edits away (`appSecert` → `appSecret`). `undefined` when nothing is close.
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const sameLetters = known.find((key) => key.toLowerCase() === unknown.toLowerCase())
  if (sameLetters) return sameLetters
  let best: { key: string; distance: number } | undefined
  for (const key of known) {
    const d = distance(unknown.toLowerCase(), key.toLowerCase())
    if (d <= 2 && (!best || d < best.distance)) best = { key, distance: d }
  }
  return best?.key
}
