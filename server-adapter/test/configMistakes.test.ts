import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DingTalkAuthError, DingTalkConfigError, loadInstances } from 'dingtalk-login-server'
import type { ConfigIssue } from 'dingtalk-login-server'
import { afterEach, describe, expect, it } from 'vitest'

const SECRET = 'S3cr3t-_'.repeat(8)
const CONFIG = { appKey: 'dingabcdefgh12345678', appSecret: SECRET, agentId: '3102938475' }
const CORP = 'ding0123456789abcdef0123456789abcd'
const ELEMENT = { title: '钉钉登录', type: 'auths.loginTypes.DDInnerType' }

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A project folder with `auths/loginTypes/<name>/…` in it; answers the project folder. */
function project(instances: Record<string, { element?: unknown; config: unknown }>): string {
  const root = mkdtempSync(join(tmpdir(), 'dingtalk-config-mistakes-'))
  dirs.push(root)
  for (const [name, files] of Object.entries(instances)) {
    const folder = join(root, 'auths', 'loginTypes', name)
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'e.json'), JSON.stringify(files.element ?? ELEMENT))
    writeFileSync(join(folder, `${name}.json`), JSON.stringify(files.config))
  }
  return root
}

function issuesOf(fn: () => unknown): readonly ConfigIssue[] {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(DingTalkConfigError)
    expect(error).toBeInstanceOf(DingTalkAuthError)
    return (error as DingTalkConfigError).issues
  }
  throw new Error('expected a DingTalkConfigError')
}

describe('first-run config mistakes', () => {
  it('a corpid typo is an unknown key with "did you mean corpId", not a missing corpId', () => {
    const root = project({ testDDLogin: { config: { authConfig: { ...CONFIG, corpid: CORP } } } })
    const issues = issuesOf(() => loadInstances(join(root, 'auths', 'loginTypes')))
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({
      field: 'authConfig.corpid',
      found: 'the unknown key "corpid"',
    })
    expect(issues[0]!.file).toMatch(/testDDLogin[/\\]testDDLogin\.json$/)
    expect(issues[0]!.expected).toContain('corpId')
    expect(issues[0]!.fix).toContain('did you mean corpId')
  })

  it('a misspelt secret key is named without its value', () => {
    const issues = issuesOf(() =>
      loadInstances([
        {
          name: 'a',
          authConfig: { appKey: CONFIG.appKey, appsecret: SECRET, agentId: '3102938475', corpId: CORP },
        } as never,
      ]),
    )
    expect(issues.map((i) => i.field)).toEqual(['authConfig.appsecret'])
    expect(issues[0]!.fix).toContain('appSecret')
    expect(JSON.stringify(issues)).not.toContain(SECRET)
  })

  it('an authconfig typo at the top of <name>.json is named as such', () => {
    const root = project({ testDDLogin: { config: { authconfig: { ...CONFIG, corpId: CORP } } } })
    const issues = issuesOf(() => loadInstances(join(root, 'auths', 'loginTypes')))
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ field: 'authconfig' })
    expect(issues[0]!.fix).toContain('did you mean authConfig')
  })

  it("instances: './auths' (the parent of loginTypes) says which folder was meant", () => {
    const root = project({ testDDLogin: { config: { authConfig: { ...CONFIG, corpId: CORP } } } })
    const auths = join(root, 'auths')
    const issues = issuesOf(() => loadInstances(auths))
    expect(issues).toHaveLength(1)
    const [issue] = issues
    expect(issue!.field).toBe('(folder)')
    expect(issue!.found).toContain('loginTypes')
    expect(issue!.found).toContain('testDDLogin')
    expect(issue!.fix).toMatch(/instances: '.*auths[/\\]loginTypes'/)
    expect(JSON.stringify(issues)).not.toContain('e.json: (file)')
  })

  it('instances pointing at one instance folder names its parent', () => {
    const root = project({ testDDLogin: { config: { authConfig: { ...CONFIG, corpId: CORP } } } })
    const issues = issuesOf(() => loadInstances(join(root, 'auths', 'loginTypes', 'testDDLogin')))
    expect(issues[0]!.found).toContain('one instance folder')
    expect(issues[0]!.fix).toMatch(/loginTypes'$/)
  })

  it('the error message lists file, field, expected, found and the fix', () => {
    const root = project({ testDDLogin: { config: { authConfig: { ...CONFIG, corpid: CORP } } } })
    try {
      loadInstances(join(root, 'auths', 'loginTypes'))
    } catch (error) {
      expect((error as Error).message).toMatch(
        /testDDLogin\.json: authConfig\.corpid: expected only the keys .*, found the unknown key "corpid" \(fix: did you mean corpId\?/,
      )
      return
    }
    throw new Error('expected an error')
  })

  it('other engineers can reuse the class for their own setup mistakes', () => {
    const error = new DingTalkConfigError([
      {
        file: 'createDingTalkAuth options',
        field: 'session.secret',
        expected: 'at least 32 bytes',
        found: '12 bytes',
        fix: 'make one',
      },
    ])
    expect(error.code).toBe('config_error')
    expect(error.message).toContain(
      'createDingTalkAuth options: session.secret: expected at least 32 bytes, found 12 bytes (fix: make one)',
    )
  })
})
