#!/usr/bin/env node
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { startEmulator } from './startEmulator'
import { validateFixture } from './fixture/validateFixture'
import type { EmulatorFixture } from './fixture/EmulatorFixture'
import { generateFixture } from './fixture/generateFixture'
import type { GenerateFixtureOptions } from './fixture/generateFixture'

const USAGE = `Usage: dingtalk-emulator [--port 4100] [--host 127.0.0.1] [--fixture file.json | --generate people=10000]
                         [--latency 50]

A local DingTalk (钉钉) for offline tests: login pages, QR iframe, phone simulator, v1.0 and oapi, and an
organisation that changes through the test API.

  --generate  a generated organisation instead of the default fixture: comma-separated key=value of
              people, corps, depth, breadth, seed (e.g. people=10000,corps=2,depth=3,breadth=5,seed=7);
              its apps' credentials are at GET /__emulator/fixture`

const GENERATE_KEYS = ['people', 'corps', 'depth', 'breadth', 'seed'] as const

/** `people=10000,depth=3` → options; a message naming the problem when the text is not that. */
function parseGenerate(text: string): GenerateFixtureOptions | string {
  const options: GenerateFixtureOptions = {}
  for (const pair of text.split(/[,\s]+/).filter(Boolean)) {
    const [key, value, extra] = pair.split('=')
    if (!GENERATE_KEYS.includes(key as (typeof GENERATE_KEYS)[number]) || extra !== undefined)
      return `--generate takes ${GENERATE_KEYS.map((k) => `${k}=N`).join(',')}; got "${pair}"`
    if (!value || !/^\d+$/.test(value))
      return `--generate ${key} must be a whole number, got "${value ?? ''}"`
    options[key as (typeof GENERATE_KEYS)[number]] = Number(value)
  }
  return options
}

/** Parses the command line, starts the emulator and prints its base URL; errors are one line, never a stack. */
async function main(argv: string[]): Promise<number> {
  let values: {
    port?: string
    host?: string
    fixture?: string
    generate?: string
    latency?: string
    help?: boolean
  }
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        fixture: { type: 'string', short: 'f' },
        generate: { type: 'string', short: 'g' },
        latency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }))
  } catch (error) {
    console.error(`dingtalk-emulator: ${(error as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const port = Number(values.port ?? 4100)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`dingtalk-emulator: --port must be 0-65535, got ${values.port}`)
    return 2
  }
  const latencyMs = Number(values.latency ?? 0)
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    console.error(`dingtalk-emulator: --latency must be a number of ms >= 0, got ${values.latency}`)
    return 2
  }
  let fixture: EmulatorFixture | undefined
  if (values.fixture && values.generate) {
    console.error('dingtalk-emulator: use --fixture or --generate, not both')
    return 2
  }
  if (values.generate) {
    const options = parseGenerate(values.generate)
    if (typeof options === 'string') {
      console.error(`dingtalk-emulator: ${options}`)
      return 2
    }
    try {
      fixture = generateFixture(options)
    } catch (error) {
      console.error(`dingtalk-emulator: ${(error as Error).message}`)
      return 2
    }
  }
  if (values.fixture) {
    try {
      fixture = validateFixture(JSON.parse(await readFile(values.fixture, 'utf8')))
    } catch (error) {
      console.error(`dingtalk-emulator: cannot load fixture ${values.fixture}: ${(error as Error).message}`)
      return 2
    }
  }
  const host = values.host ?? '127.0.0.1'
  try {
    const emulator = await startEmulator({ port, host, latencyMs, ...(fixture ? { fixture } : {}) })
    console.log(emulator.url)
    const stop = () => {
      void emulator.close().then(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    return -1
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE')
      console.error(`dingtalk-emulator: port ${port} on ${host} is already in use (try --port 0)`)
    else if (code === 'EACCES') console.error(`dingtalk-emulator: no permission to listen on ${host}:${port}`)
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      console.error(`dingtalk-emulator: cannot listen on host ${host}`)
    else console.error(`dingtalk-emulator: ${(error as Error).message}`)
    return 1
  }
}

void main(process.argv.slice(2)).then((exitCode) => {
  if (exitCode >= 0) process.exitCode = exitCode
})
