import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { CheckRun } from './createCheckRun'
import { packWorkspace } from './packWorkspace'
import { provideSqliteBinding } from './provideSqliteBinding'
import { runCommand } from './runCommand'

/** Where a packed-app block works, read from its command line. */
export interface PackedAppWorkspace {
  /** `--result <file>`: where the block writes its `{ passed, failed, checks }`. */
  resultFile: string | undefined
  /** The folder holding `packages/` (the tarballs) and `app/` (the installed fixture). */
  work: string
  app: string
  /** `--reuse-app <dir>` (development): the app a `--keep` run installed; nothing is packed or installed again. */
  reused: boolean
  /** Removes the work folder, unless `--keep` or `--reuse-app` asked to leave it. */
  cleanUp(): void
}

/**
 * Reads the flags every packed-app block takes (`--result`, `--keep`, `--reuse-app`) and picks its work folder.
 */
export function packedAppWorkspace(block: string): PackedAppWorkspace {
  const { values } = parseArgs({
    options: {
      result: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'reuse-app': { type: 'string' },
    },
  })
  const reusedApp = values['reuse-app']
  const work = reusedApp ? resolve(reusedApp, '..') : mkdtempSync(join(tmpdir(), `dingtalk-${block}-`))
  const keep = values.keep || reusedApp !== undefined
  return {
    resultFile: values.result,
    work,
    app: join(work, 'app'),
    reused: reusedApp !== undefined,
    cleanUp() {
      if (keep) console.log(`kept ${work}`)
      else rmSync(work, { recursive: true, force: true })
    },
  }
}

/**
 * The first two steps of every packed-app block: `npm pack` the three packages, then copy the fixture app outside
 * the workspace and `npm install` it from those tarballs (no lockfile, so npm picks this platform's native
 * packages itself, as a user's install would).
 */
export async function preparePackedApp(
  run: CheckRun,
  options: {
    root: string
    fixture: string
    workspace: PackedAppWorkspace
    /** Build output of the fixture that must not be copied (node_modules and data/ never are). */
    buildDirs: readonly string[]
  },
): Promise<void> {
  const { root, fixture, workspace } = options
  if (workspace.reused) return
  const skipped = new Set(['node_modules', 'data', ...options.buildDirs])
  await run.step('pack the packages', async () => {
    mkdirSync(join(workspace.work, 'packages'))
    await packWorkspace(root, join(workspace.work, 'packages'))
  })
  await run.step('npm install outside the workspace (no lockfile)', async () => {
    cpSync(fixture, workspace.app, {
      recursive: true,
      filter: (path) =>
        !path
          .slice(fixture.length)
          .split(/[/\\]/)
          .some((part) => skipped.has(part)),
    })
    // --ignore-scripts: nothing of ours needs an install script; better-sqlite3's binding comes from the workspace.
    await runCommand('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: workspace.app,
      timeoutMs: 300_000,
    })
    provideSqliteBinding(root, workspace.app)
  })
}
