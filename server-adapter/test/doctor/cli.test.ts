import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DoctorReport } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/runCli'
import { APP_A, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const SESSION_SECRET = 'q8Vw2yZr4T6uX1pL9nB3cD5fG7hJ0kM2sA4eR6tY8uI'

let emu: RunningEmulator
let root: string
beforeAll(async () => {
  emu = await startTestEmulator()
  root = mkdtempSync(join(tmpdir(), 'dingtalk-doctor-cli-'))
  const app = emu.fixture.apps.find((a) => a.clientId === APP_A)!
  const write = (name: string, appSecret: string) => {
    const folder = join(root, name, 'auths', 'loginTypes', 'testDDLogin')
    mkdirSync(folder, { recursive: true })
    writeFileSync(
      join(folder, 'e.json'),
      JSON.stringify({ title: '钉钉登录', type: 'auths.loginTypes.DDInnerType' }),
    )
    writeFileSync(
      join(folder, 'testDDLogin.json'),
      JSON.stringify({
        authConfig: { appKey: app.clientId, appSecret, agentId: app.agentId, corpId: app.corpId },
      }),
    )
  }
  write('good', app.clientSecret)
  write('badSecret', 'y'.repeat(64))
})
afterAll(async () => {
  rmSync(root, { recursive: true, force: true })
  await emu.close()
})

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    env: { SESSION_SECRET, ...env },
    stdout: (text) => (stdout += `${text}\n`),
    stderr: (text) => (stderr += `${text}\n`),
  })
  return { code, stdout, stderr }
}

const common = (project: string) => [
  '--instances',
  join(root, project, 'auths', 'loginTypes'),
  '--store',
  'memory',
  '--public-origin',
  'http://127.0.0.1:3000',
]

describe('dingtalk-login-server doctor', () => {
  it('--json answers { ok, checks } and exit 0 for a correct setup', async () => {
    const { code, stdout } = await cli(['doctor', ...common('good'), '--dingtalk-base', emu.url, '--json'])
    const report = JSON.parse(stdout) as DoctorReport
    expect(report.ok).toBe(true)
    expect(code).toBe(0)
    for (const check of report.checks) {
      expect(Object.keys(check).sort()).toEqual(
        check.fix ? ['fix', 'id', 'instance', 'message', 'status'] : ['id', 'instance', 'message', 'status'],
      )
      expect(['ok', 'warn', 'fail']).toContain(check.status)
    }
    expect(report.checks.find((c) => c.id === 'session-secret')?.status).toBe('ok')
  })

  it('DINGTALK_BASE_URL points every DingTalk host at the emulator; one ✗ line with the fix, exit 1', async () => {
    const { code, stdout } = await cli(['doctor', ...common('badSecret')], { DINGTALK_BASE_URL: emu.url })
    expect(code).toBe(1)
    const line = stdout.split('\n').find((l) => l.includes('credentials'))
    expect(line).toMatch(/^✗ \[testDDLogin\] credentials: .*invalidClientIdOrSecret.* → fix: /)
    expect(stdout).toMatch(/^✓ .*app-published/m)
    expect(stdout).not.toContain('y'.repeat(64))
  })

  it('a configuration that does not load is reported as failed checks naming the fix', async () => {
    const { code, stdout } = await cli([
      'doctor',
      '--instances',
      join(root, 'good', 'auths'),
      '--store',
      'memory',
    ])
    expect(code).toBe(1)
    expect(stdout).toMatch(/^✗ config: .*\(folder\).*loginTypes.*→ fix: instances: /m)
  })

  it('--directory stream adds the directory permissions and the Stream ticket to the checks', async () => {
    const plain = await cli(['doctor', ...common('good'), '--dingtalk-base', emu.url, '--json'])
    expect(plain.stdout).not.toContain('qyapi_get_department_list')
    const { code, stdout } = await cli([
      'doctor',
      ...common('good'),
      '--dingtalk-base',
      emu.url,
      '--directory',
      'stream',
      '--json',
    ])
    const report = JSON.parse(stdout) as DoctorReport
    expect(code).toBe(0)
    const ids = report.checks.map((c) => c.id)
    expect(ids).toContain('permission:qyapi_get_department_list')
    expect(ids).toContain('permission:qyapi_get_department_member')
    expect(ids).toContain('events:stream')
    const bad = await cli(['doctor', ...common('good'), '--directory', 'callback'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--directory: expected none or stream')
  })

  it('usage errors exit 2 and name the flag', async () => {
    const unknown = await cli(['doctor', '--bogus'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--bogus')
    expect((await cli(['nope'])).code).toBe(2)
    expect((await cli(['doctor', '--help'])).stdout).toContain('--dingtalk-base')
  })

  it('runs as a process: the bin prints the report and sets the exit code', { timeout: 60_000 }, async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'doctor', ...common('badSecret'), '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DINGTALK_BASE_URL: emu.url, SESSION_SECRET },
      },
    )
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    const report = JSON.parse(stdout) as DoctorReport
    expect(report.ok).toBe(false)
    expect(report.checks.find((c) => c.id === 'credentials')?.status).toBe('fail')
  })
})
