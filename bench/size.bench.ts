// Bundle size of react-dingtalk-login against its budgets (.size-limit.json, the single source of truth that CI's
// `npx size-limit` also reads), plus, measured the same way in the same run, what other packages cost: the
// `GoogleLogin` button of @react-oauth/google and a plain `import 'dingtalk-jsapi'`.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import sizeLimit from 'size-limit'

interface Budget {
  name: string
  size: number
  sizeLimit: number
  passed: boolean
}

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(join(root, 'package.json'))
const kb = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function buildIfStale(): void {
  const built = join(root, 'dist/index.js')
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(root, 'src'))) return
  console.log('dist/ is older than src/: running vite build')
  execFileSync(process.execPath, [require.resolve('vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  })
}

function runBudgets(): Budget[] {
  let out: string
  try {
    out = execFileSync(process.execPath, [join(root, 'node_modules/size-limit/bin.js'), '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    // size-limit exits non-zero when a budget is broken but still prints its JSON.
    out = String((error as { stdout?: unknown }).stdout ?? '')
    if (!out.trim().startsWith('[')) throw error
  }
  return JSON.parse(out) as Budget[]
}

async function measure(file: string, importSpec: string | undefined, ignore: string[]): Promise<number> {
  // The preset ships no types; its plugins are what the CLI uses for .size-limit.json.
  const preset = (
    (await import(pathToFileURL(require.resolve('@size-limit/preset-small-lib')).href)) as { default: [] }
  ).default
  const config = {
    checks: [{ files: [file], import: importSpec ? { [file]: importSpec } : undefined, ignore, gzip: true }],
  }
  const results = (await sizeLimit(preset, config as unknown as string[])) as { size?: number }[]
  return results[0]!.size!
}

export async function run(): Promise<void> {
  buildIfStale()
  const budgets = runBudgets()
  const react = ['react', 'react-dom']
  const google = await measure(require.resolve('@react-oauth/google'), '{ GoogleLogin }', react)
  const jsapi = await measure(require.resolve('dingtalk-jsapi'), undefined, [])

  console.log('min+gzip, React/react-dom/zustand excluded\n')
  for (const b of budgets) {
    console.log(`${b.passed ? 'ok  ' : 'FAIL'} ${b.name}: ${kb(b.size)} (budget ${kb(b.sizeLimit)})`)
  }
  const qr = budgets[0]!.size
  console.log(`\nfor comparison:`)
  console.log(
    `     @react-oauth/google GoogleLogin: ${kb(google)}  (DingTalkQrLogin is ${(qr / google).toFixed(2)}×)`,
  )
  console.log(`     import 'dingtalk-jsapi': ${kb(jsapi)}  (DingTalkQrLogin is ${(qr / jsapi).toFixed(3)}×)`)
  const whole = budgets[1]?.size
  if (whole)
    console.log(`     whole react-dingtalk-login entry vs dingtalk-jsapi: ${(whole / jsapi).toFixed(3)}×`)

  const broken = budgets.filter((b) => !b.passed)
  if (broken.length > 0) {
    throw new Error(
      `size budget broken: ${broken.map((b) => `${b.name} ${kb(b.size)} > ${kb(b.sizeLimit)}`).join('; ')}`,
    )
  }
}
