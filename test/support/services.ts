import { Socket } from 'node:net'
import type { TestProject } from 'vitest/node'

/** Loopback services that the server tests use when they are there (`../shared/toolchain.md`). */
export const SERVICE_URLS = {
  postgres: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
} as const

export type ServiceName = keyof typeof SERVICE_URLS
export type ServiceAvailability = Record<ServiceName, string | null>

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceAvailability
  }
}

function isListening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.connect(Number(port), hostname.replace(/^\[|\]$/g, ''), () => done(true))
  })
}

/**
 * Vitest global setup: finds which database servers are reachable, says loudly which are not, and hands the
 * result to the tests (`inject('services')`). With `CI=true` a missing service fails the run instead.
 */
export default async function setup(project: TestProject): Promise<void> {
  const availability = {} as ServiceAvailability
  const missing: string[] = []
  for (const [name, url] of Object.entries(SERVICE_URLS) as [ServiceName, string][]) {
    const up = await isListening(url)
    availability[name] = up ? url : null
    if (!up) missing.push(`${name} (${new URL(url).host})`)
  }
  if (missing.length > 0) {
    const line = `!!! SKIPPED: tests that need ${missing.join(', ')}: not reachable on loopback !!!`
    if (process.env.CI === 'true' || process.env.CI === '1')
      throw new Error(`${line} (CI=true makes a skip a failure)`)
    console.warn(`\n${line}\n`)
  }
  project.provide('services', availability)
}
