/**
 * `npm start`: the DingTalk emulator, the server adapter on `./data/dingtalk-login.sqlite` and the demo page, in
 * this one process. Settings come from flags or the environment; `npm start -- --help` lists them.
 */
import { parseArgs } from 'node:util'
import type { DingTalkInstanceInput } from 'dingtalk-login-server'
import { PortInUseError } from './server/PortInUseError'
import { startDemo } from './server/startDemo'
import type { DemoOptions, RunningDemo } from './server/startDemo'

const HELP = `npm start [-- options]

  --port <n>            demo server port              (env PORT, default 3000; 0 = any free port)
  --emulator-port <n>   DingTalk emulator port        (env EMULATOR_PORT, default 4100; 0 = any free port)
  --host <address>      interface to listen on        (env HOST, default 127.0.0.1)
  --data-dir <dir>      SQLite file + session secret  (env DATA_DIR, default ./data)
  --instances <dir>     real credentials: an auths/loginTypes folder; no emulator is started
                                                      (env DINGTALK_INSTANCES)
  --public-origin <url> the origin registered in the DingTalk console, with real credentials
                                                      (env PUBLIC_ORIGIN)

  env SESSION_SECRET    session signing secret (>= 32 bytes); default: generated once into <data-dir>/session-secret
  env DINGTALK_APP_KEY, DINGTALK_APP_SECRET, DINGTALK_AGENT_ID, DINGTALK_CORP_ID
                        real credentials of one app, instead of --instances
`

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

function toPort(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`${name} must be a port number between 0 and 65535, found ${JSON.stringify(value)}`)
  }
  return port
}

function readOptions(): DemoOptions {
  let parsed: ReturnType<typeof parse>
  function parse() {
    return parseArgs({
      options: {
        port: { type: 'string' },
        'emulator-port': { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        instances: { type: 'string' },
        'public-origin': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    })
  }
  try {
    parsed = parse()
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`)
  }
  const { values } = parsed
  if (values.help) {
    process.stdout.write(HELP)
    process.exit(0)
  }
  const env = process.env
  let instances: string | DingTalkInstanceInput[] | undefined = values.instances ?? env.DINGTALK_INSTANCES
  if (!instances && env.DINGTALK_APP_KEY) {
    instances = [
      {
        name: 'dingtalk',
        title: 'DingTalk',
        // "${NAME}" values are read from the environment by the adapter, and never printed.
        authConfig: {
          appKey: '${DINGTALK_APP_KEY}',
          appSecret: '${DINGTALK_APP_SECRET}',
          agentId: '${DINGTALK_AGENT_ID}',
          corpId: '${DINGTALK_CORP_ID}',
        },
      },
    ]
  }
  const publicOrigin = values['public-origin'] ?? env.PUBLIC_ORIGIN
  return {
    port: toPort(values.port ?? env.PORT, 'PORT', 3000),
    emulatorPort: toPort(values['emulator-port'] ?? env.EMULATOR_PORT, 'EMULATOR_PORT', 4100),
    host: values.host ?? env.HOST ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? env.DATA_DIR ?? 'data',
    ...(env.SESSION_SECRET ? { sessionSecret: env.SESSION_SECRET } : {}),
    ...(instances ? { instances } : {}),
    ...(publicOrigin ? { publicOrigin } : {}),
  }
}

function printReady(demo: RunningDemo, startedMs: number): void {
  const lines = [
    '',
    `  DingTalk login demo ready in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
    '',
    `  Demo page:          ${demo.url}/`,
  ]
  if (demo.emulator) {
    lines.push(
      `  Phone (scan here):  ${demo.phoneUrl}`,
      `  Directory (live):   ${demo.directoryUrl}  (leave / rejoin through the emulator)`,
      `  Inside DingTalk:    ${demo.insideDingTalkUrl}  (more on the page)`,
      `  DingTalk emulator:  ${demo.emulator.url}`,
    )
  } else {
    lines.push('  DingTalk:           the real one (your credentials)')
  }
  lines.push(
    `  Data:               ${demo.databaseFile}${demo.createdSecret ? ' (new session secret created)' : ''}`,
    '',
    '  Press Ctrl-C to stop.',
    '',
  )
  process.stdout.write(lines.join('\n'))
}

async function main(): Promise<void> {
  const options = readOptions()
  const startedMs = Date.now()
  let demo: RunningDemo
  try {
    demo = await startDemo(options)
  } catch (error) {
    if (error instanceof PortInUseError) {
      const flag = error.setting === 'PORT' ? '--port' : '--emulator-port'
      fail(
        `Cannot start: ${error.message}.\n` +
          `Choose another port with ${error.setting}=<n> npm start, or npm start -- ${flag} <n> ` +
          `(0 picks any free port), e.g.\n  PORT=3001 EMULATOR_PORT=4101 npm start`,
      )
    }
    const details = (error as { issues?: { file: string; field: string; expected: string; found: string }[] })
      .issues
    if (details?.length) {
      fail(
        `Cannot start: invalid configuration\n${details
          .map((i) => `  ${i.file}: ${i.field}: expected ${i.expected}, found ${i.found}`)
          .join('\n')}`,
      )
    }
    fail(`Cannot start: ${error instanceof Error ? error.message : String(error)}`)
  }
  printReady(demo, startedMs)

  // One Ctrl-C arrives here twice: from the terminal (to the whole process group) and relayed by npm. Only a second
  // press, after this window, means "stop waiting": without it the relayed copy would force an exit mid-close.
  const RELAYED_SIGNAL_WINDOW_MS = 1_000
  let stoppingSince: number | undefined
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < RELAYED_SIGNAL_WINDOW_MS) return
      process.stdout.write('\nForced exit.\n')
      process.exit(130)
    }
    stoppingSince = Date.now()
    process.stdout.write(
      `\n${signal}: stopping the demo server${demo.emulator ? ', the emulator' : ''} and the database…\n`,
    )
    demo.close().then(
      () => {
        process.stdout.write('Stopped.\n')
        process.exit(0)
      },
      (error: unknown) => {
        process.stderr.write(`Error while stopping: ${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main()
