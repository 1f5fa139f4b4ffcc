import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DirectorySyncReport } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/runCli'
import { APP_A, CORP_A, ZHANG_WEI, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

let emu: RunningEmulator
let root: string
beforeAll(async () => {
  emu = await startTestEmulator()
  root = mkdtempSync(join(tmpdir(), 'dingtalk-sync-cli-'))
  const app = emu.fixture.apps.find((a) => a.clientId === APP_A)!
  const folder = join(root, 'auths', 'loginTypes', 'yunqi')
  mkdirSync(folder, { recursive: true })
  writeFileSync(
    join(folder, 'e.json'),
    JSON.stringify({ title: '云栖', type: 'auths.loginTypes.DDInnerType' }),
  )
  writeFileSync(
    join(folder, 'yunqi.json'),
    JSON.stringify({
      authConfig: {
        appKey: app.clientId,
        appSecret: app.clientSecret,
        agentId: app.agentId,
        corpId: app.corpId,
      },
    }),
  )
})
afterAll(async () => {
  rmSync(root, { recursive: true, force: true })
  await emu.close()
})

async function sync(args: string[], tty = false) {
  let stdout = ''
  let stderr = ''
  const progress: string[] = []
  const code = await runCli(
    ['sync', '--instances', join(root, 'auths', 'loginTypes'), '--dingtalk-base', emu.url, ...args],
    {
      env: {},
      stdout: (text) => (stdout += `${text}\n`),
      stderr: (text) => (stderr += `${text}\n`),
      ...(tty ? { progress: (text: string) => void progress.push(text) } : {}),
    },
  )
  return { code, stdout, stderr, progress }
}

describe('dingtalk-login-server sync', () => {
  it('crawls into the store, shows progress on a terminal and prints the report', async () => {
    const store = `sqlite:${join(root, 'data', 'login.sqlite')}`
    const states = ['--state-store', `sqlite:${join(root, 'data', 'states.sqlite')}`]
    const first = await sync(['--store', store, ...states], true)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`✓ yunqi (${CORP_A})`)
    expect(first.stdout).toMatch(/people: added \d+, changed 0, left 0, rehired 0, unchanged 0/)
    expect(first.progress.some((line) => /\[[█░]+\] \d+\/\d+ departments · \d+ people/.test(line))).toBe(true)
    expect(first.progress.at(-1)).toBe('')

    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    const dry = await sync(['--store', store, '--dry-run', '--json', '--corp', CORP_A])
    const report = JSON.parse(dry.stdout) as DirectorySyncReport
    expect(report).toMatchObject({ dryRun: true, complete: true, people: { left: 1 } })
    // Dry: the real run still finds the leave to apply.
    const real = JSON.parse(
      (await sync(['--store', store, ...states, '--json'])).stdout,
    ) as DirectorySyncReport
    expect(real.people.left).toBe(1)
  })

  it('exits 1 and says why when the crawl is incomplete, and 2 for an unknown corp', async () => {
    emu.addFault({ endpoint: 'POST /topapi/v2/user/list', kind: 'quota' })
    const incomplete = await sync(['--store', 'memory', '--state-store', 'memory'])
    emu.clearFaults()
    expect(incomplete.code).toBe(1)
    expect(incomplete.stdout).toContain('incomplete, so nobody was marked left')
    expect(incomplete.stdout).toMatch(/department \d+: quota/)
    const unknown = await sync(['--store', 'memory', '--state-store', 'memory', '--corp', 'dingnosuchcorp'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no instance serves corp dingnosuchcorp')
  })

  it('refuses a real sync without the state store the servers share (the leavers would keep their sessions)', async () => {
    const refused = await sync(['--store', 'memory'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--state-store')
  })

  it('names a state store that does not answer, never its password, and asks DingTalk nothing', async () => {
    for (const url of ['redis://:s3cretpw@127.0.0.1:1/0', 'postgres://sync:s3cretpw@127.0.0.1:1/states']) {
      const before = emu.stats().total
      const down = await sync(['--store', 'memory', '--state-store', url])
      expect(down.code).toBe(1)
      expect(down.stdout).toBe('')
      expect(down.stderr).toContain(`the state store (${url.replace(/\/\/[^@]*@/, '//')}) does not answer`)
      expect(down.stderr).toContain('Nothing was synced. Check --state-store (or REDIS_URL)')
      expect(down.stderr).not.toContain('s3cretpw')
      expect(down.stderr).not.toMatch(/department|DingTalk/)
      expect(emu.stats().total).toBe(before)
    }
  })

  it('names a binding store that does not answer, never its password', async () => {
    const down = await sync([
      '--store',
      'postgres://sync:s3cretpw@127.0.0.1:1/login',
      '--state-store',
      'memory',
    ])
    expect(down.code).toBe(1)
    expect(down.stdout).toBe('')
    expect(down.stderr).toContain('the binding store (postgres://127.0.0.1:1/login) does not answer')
    expect(down.stderr).toContain('Check --store (or DATABASE_URL)')
    expect(down.stderr).not.toContain('s3cretpw')
  })
})
