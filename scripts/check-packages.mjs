// Checks each published package as npm would ship it: publint --strict and attw --pack (ESM-only profile).
import { execFileSync } from 'node:child_process'

const packages = ['.', 'emulator', 'server-adapter']
let failed = 0
for (const dir of packages) {
  for (const [tool, args] of [
    ['publint', ['--strict', dir]],
    ['attw', ['--pack', dir, '--profile', 'esm-only']],
  ]) {
    console.log(`\n$ ${tool} ${args.join(' ')}`)
    try {
      execFileSync('npx', ['--no-install', tool, ...args], { stdio: 'inherit' })
    } catch {
      failed++
    }
  }
}
if (failed > 0) {
  console.error(`\ncheck:package: ${failed} check(s) failed`)
  process.exit(1)
}
