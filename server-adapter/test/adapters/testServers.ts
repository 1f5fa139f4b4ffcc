import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'

/** The servers a test file starts on loopback, closed together (last first) after its tests. */
export interface TestServers {
  /** Listens on a free loopback port; answers the origin. */
  listen(server: Server): Promise<string>
  /** Serves a Hono app through `@hono/node-server`; answers the origin. */
  serveHono(app: Hono): Promise<string>
  /** Something else to close with the servers (a Fastify instance, say). */
  onClose(close: () => Promise<unknown>): void
  closeAll(): Promise<void>
}

export function createTestServers(): TestServers {
  const closers: (() => Promise<unknown>)[] = []
  // Keep-alive connections of the test clients would hold `close()` open: end them first.
  const closeServer = (server: Server) => () =>
    new Promise<void>((done) => {
      server.closeAllConnections()
      server.close(() => done())
    })
  return {
    async listen(server) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      closers.push(closeServer(server))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
    serveHono(app) {
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
          resolve(`http://127.0.0.1:${info.port}`),
        )
        closers.push(closeServer(server as Server))
      })
    },
    onClose(close) {
      closers.push(close)
    },
    async closeAll() {
      for (const close of closers.splice(0).reverse()) await close()
    },
  }
}
