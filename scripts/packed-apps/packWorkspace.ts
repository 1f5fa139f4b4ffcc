import { renameSync } from 'node:fs'
import { join } from 'node:path'
import { runCommand } from './runCommand'

/** The three published packages, packed as npm would publish them. */
export interface PackedPackages {
  /** `react-dingtalk-login` */
  react: string
  /** `dingtalk-login-server` */
  server: string
  /** `dingtalk-emulator` */
  emulator: string
}

const PACKAGES = [
  { key: 'react', folder: '.', file: 'react-dingtalk-login.tgz' },
  { key: 'server', folder: 'server-adapter', file: 'dingtalk-login-server.tgz' },
  { key: 'emulator', folder: 'emulator', file: 'dingtalk-emulator.tgz' },
] as const

/**
 * `npm pack`s the three packages (their `dist` must be built) into `destination`, under names without versions so
 * fixtures can refer to `file:../packages/<name>.tgz`.
 */
export async function packWorkspace(root: string, destination: string): Promise<PackedPackages> {
  const packed: Partial<Record<keyof PackedPackages, string>> = {}
  for (const pkg of PACKAGES) {
    const output = await runCommand('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: join(root, pkg.folder),
      timeoutMs: 120_000,
    })
    const [{ filename }] = JSON.parse(output.slice(output.indexOf('['))) as [{ filename: string }]
    const target = join(destination, pkg.file)
    renameSync(join(destination, filename), target)
    packed[pkg.key] = target
  }
  return packed as PackedPackages
}
