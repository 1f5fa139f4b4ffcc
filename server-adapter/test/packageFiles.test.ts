import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What `npm pack` would put in the tarball (no build needed: `--dry-run` lists what is there). */
function packedFiles(folder: string): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: `${ROOT}/${folder}`,
    encoding: 'utf8',
  })
  const [result] = JSON.parse(output.slice(output.indexOf('['))) as [{ files: { path: string }[] }]
  return result.files.map((file) => file.path)
}

describe('every published package ships its licence', () => {
  it.each([
    ['react-dingtalk-login', '.'],
    ['dingtalk-login-server', 'server-adapter'],
    ['dingtalk-emulator', 'emulator'],
  ])('%s has LICENSE (MIT) in its tarball', (_name, folder) => {
    expect(packedFiles(folder)).toContain('LICENSE')
  })
})
