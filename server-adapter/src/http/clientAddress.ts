/** Socket addresses of web Requests made by the Node adapters, for the per-client rate limit. */
const addresses = new WeakMap<Request, string>()

/** Records the address of the client a Request came from (called by the Node adapters). */
export function rememberClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address)
}

/** The client address an adapter recorded for this Request, if any. */
export function clientAddressOf(request: Request): string | null {
  return addresses.get(request) ?? null
}
