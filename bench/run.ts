// `npm run bench`: runs every bench/*.bench.ts in turn. Each file measures one thing and prints ratios taken in
// this one run (never absolute timings compared across runs: these machines are shared and noisy). A bench
// file exports `run(): Promise<void>` and exits non-zero (throws) when a budget it enforces is broken.
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort()

let failed = 0
for (const file of files) {
  console.log(`\n## ${file}`)
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { run: () => Promise<void> }
  try {
    await mod.run()
  } catch (error) {
    failed++
    console.error(`FAILED: ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
if (failed > 0) process.exit(1)
