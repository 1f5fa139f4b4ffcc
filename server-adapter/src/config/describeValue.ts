/** A value as a config error may show it: a secret by its length only, other strings clipped to 40 characters. */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return 'nothing (the field is missing)'
  if (value === null) return 'null'
  if (typeof value === 'string') {
    if (secret) return `a string of ${value.length} characters`
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
    return `${JSON.stringify(shown)} (${value.length} characters)`
  }
  if (typeof value === 'number') return secret ? 'a number' : `the number ${value}`
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`
}
