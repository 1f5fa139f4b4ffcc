import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A plain web server on another loopback origin, standing in for the integrator's app. */
export interface PageServer {
  /** e.g. `http://localhost:41234` */
  origin: string
  close(): Promise<void>
}

/** Serves fixed paths (HTML or JS); everything else is 404. Listens on 127.0.0.1, addressed as `localhost`. */
export async function servePages(pages: Record<string, string>): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const body = pages[path]
    if (body === undefined) {
      res.writeHead(404).end()
      return
    }
    const type = path.endsWith('.js') ? 'application/javascript' : 'text/html'
    res.writeHead(200, { 'content-type': `${type};charset=utf-8` }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
