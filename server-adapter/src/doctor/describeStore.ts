/** A store spec as the doctor may print it: the kind and the host or file, never a user name or a password. */
export function describeStore(spec: unknown): string {
  if (typeof spec !== 'string') return 'a store object'
  if (spec === 'memory') return 'memory'
  if (spec.startsWith('sqlite:')) return spec
  try {
    const url = new URL(spec)
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`
  } catch {
    return `${spec.split(':')[0]}:…`
  }
}
