import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DingTalkAuthError,
  DingTalkConfigError,
  createDingTalkAuth,
  loadInstances,
} from 'dingtalk-login-server'
import type { DingTalkInstanceInput } from 'dingtalk-login-server'
import { afterEach, describe, expect, it } from 'vitest'

const APP_KEY = 'dingabcdefgh12345678'
const SECRET = 'S3cr3t-_'.repeat(8)
const CORP = 'ding0123456789abcdef0123456789abcd'

const valid = (
  overrides: Partial<DingTalkInstanceInput['authConfig']> = {},
  name = 'testDDLogin',
): DingTalkInstanceInput => ({
  name,
  title: '钉钉登录',
  authConfig: { appKey: APP_KEY, appSecret: SECRET, agentId: '3102938475', corpId: CORP, ...overrides },
})

function configError(fn: () => unknown): DingTalkConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(DingTalkConfigError)
    expect(error).toBeInstanceOf(DingTalkAuthError)
    expect((error as DingTalkConfigError).code).toBe('config_error')
    return error as DingTalkConfigError
  }
  throw new Error('expected a DingTalkConfigError')
}

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function writeInstance(root: string, name: string, element: unknown, config: unknown): void {
  mkdirSync(join(root, name), { recursive: true })
  writeFileSync(join(root, name, 'e.json'), typeof element === 'string' ? element : JSON.stringify(element))
  writeFileSync(
    join(root, name, `${name}.json`),
    typeof config === 'string' ? config : JSON.stringify(config),
  )
}

function tempLoginTypes(): string {
  const root = mkdtempSync(join(tmpdir(), 'dingtalk-config-'))
  dirs.push(root)
  const loginTypes = join(root, 'auths', 'loginTypes')
  mkdirSync(loginTypes, { recursive: true })
  return loginTypes
}

describe('programmatic instances', () => {
  it('accepts the original field table and keeps agentId as a string', () => {
    const [instance] = loadInstances([valid({ agentId: 3102938475 })], {})
    expect(instance).toEqual({
      name: 'testDDLogin',
      title: '钉钉登录',
      fullName: 'auths.loginTypes.testDDLogin',
      authConfig: { appKey: APP_KEY, appSecret: SECRET, agentId: '3102938475', corpId: CORP },
      source: 'instances[0]',
    })
  })

  it('reads "${ENV}" values from the environment', () => {
    const [instance] = loadInstances([valid({ appSecret: '${DT_SECRET}', appKey: '${DT_KEY}' })], {
      DT_SECRET: SECRET,
      DT_KEY: APP_KEY,
    })
    expect(instance!.authConfig).toMatchObject({ appKey: APP_KEY, appSecret: SECRET })
  })

  it('names a missing environment variable', () => {
    const error = configError(() => loadInstances([valid({ appSecret: '${DT_MISSING_SECRET}' })], {}))
    expect(error.issues).toEqual([
      {
        file: 'instances[0]',
        field: 'authConfig.appSecret',
        expected: 'the environment variable DT_MISSING_SECRET to be set',
        found: 'DT_MISSING_SECRET unset or empty',
      },
    ])
    expect(error.message).toContain('DT_MISSING_SECRET')
  })

  it('names every bad field with what was expected and found, never the secret', () => {
    const badSecret = 'short-secret-value'
    const error = configError(() =>
      loadInstances(
        [
          {
            name: 'bad',
            authConfig: { appKey: 'dingshort', appSecret: badSecret, agentId: 12345, corpId: '' },
          },
        ],
        {},
      ),
    )
    const byField = Object.fromEntries(error.issues.map((i) => [i.field, i]))
    expect(Object.keys(byField).sort()).toEqual([
      'authConfig.agentId',
      'authConfig.appKey',
      'authConfig.appSecret',
      'authConfig.corpId',
    ])
    expect(byField['authConfig.appKey']).toMatchObject({
      file: 'instances[0]',
      expected: expect.stringContaining('20 characters'),
      found: '"dingshort" (9 characters)',
    })
    expect(byField['authConfig.appSecret']!.expected).toContain('64 characters')
    expect(byField['authConfig.appSecret']!.found).toBe('a string of 18 characters')
    expect(byField['authConfig.agentId']).toMatchObject({
      expected: expect.stringContaining('1000000000 and 9999999999'),
      found: 'the number 12345',
    })
    expect(error.message).not.toContain(badSecret)
    expect(JSON.stringify(error.issues)).not.toContain(badSecret)
  })

  it('checks agentId bounds exactly and never loses precision', () => {
    expect(loadInstances([valid({ agentId: 1_000_000_000 })], {})[0]!.authConfig.agentId).toBe('1000000000')
    expect(loadInstances([valid({ agentId: '9999999999' })], {})[0]!.authConfig.agentId).toBe('9999999999')
    for (const agentId of [999_999_999, 10_000_000_000, 3102938475.5, '0102938475', '31029384751', 'abc']) {
      configError(() => loadInstances([valid({ agentId })], {}))
    }
  })

  it('rejects two instances of one corp, naming both', () => {
    const error = configError(() =>
      loadInstances([valid({}, 'first'), valid({ appKey: 'dingzyxwvuts87654321' }, 'second')], {}),
    )
    expect(error.issues).toEqual([
      {
        file: 'instances[1]',
        field: 'authConfig.corpId',
        expected: expect.stringContaining('no other instance has'),
        found: `"${CORP}", also used by instances[0]`,
      },
    ])
  })

  it('rejects a duplicate name, a bad name and an empty list', () => {
    expect(
      configError(() => loadInstances([valid({}, 'a'), valid({ corpId: 'ding2' }, 'a')], {})).issues[0]!
        .field,
    ).toBe('name')
    expect(configError(() => loadInstances([valid({}, '../evil')], {})).issues[0]!.field).toBe('name')
    expect(configError(() => loadInstances([], {})).issues[0]!.found).toBe('an empty list')
  })
})

describe('the auths/loginTypes folder layout', () => {
  it('loads <name>/e.json + <name>/<name>.json', () => {
    const dir = tempLoginTypes()
    writeInstance(
      dir,
      'testDDLogin',
      { title: '云栖登录', type: 'auths.loginTypes.DDInnerType' },
      { authConfig: valid().authConfig },
    )
    writeInstance(
      dir,
      'xingheLogin',
      { title: '星河登录', type: 'auths.loginTypes.DDInnerType' },
      { authConfig: { ...valid().authConfig, corpId: 'dingother', appSecret: '${XH_SECRET}' } },
    )
    const instances = loadInstances(dir, { XH_SECRET: SECRET })
    expect(instances.map((i) => [i.fullName, i.title, i.authConfig.corpId])).toEqual([
      ['auths.loginTypes.testDDLogin', '云栖登录', CORP],
      ['auths.loginTypes.xingheLogin', '星河登录', 'dingother'],
    ])
    expect(instances[0]!.source).toMatch(/testDDLogin[/\\]testDDLogin\.json$/)
  })

  it('names the file and field of each problem', () => {
    const dir = tempLoginTypes()
    writeInstance(
      dir,
      'wrongType',
      { title: 'x', type: 'auths.loginTypes.PasswordType' },
      { authConfig: valid().authConfig },
    )
    writeInstance(dir, 'badJson', { type: 'auths.loginTypes.DDInnerType' }, '{ "authConfig": ')
    writeInstance(
      dir,
      'badKey',
      { type: 'auths.loginTypes.DDInnerType' },
      { authConfig: { ...valid().authConfig, appKey: 42 } },
    )
    mkdirSync(join(dir, 'noFiles'))
    const error = configError(() => loadInstances(dir, {}))
    const summary = error.issues.map(
      (i) => `${i.file.replace(/\\/g, '/').replace(/^.*loginTypes\//, '')} ${i.field}`,
    )
    expect(summary).toEqual([
      'badJson/badJson.json (file)',
      'badKey/badKey.json authConfig.appKey',
      'noFiles/e.json (file)',
      'noFiles/noFiles.json (file)',
      'wrongType/e.json type',
    ])
    const typeIssue = error.issues.find((i) => i.field === 'type')!
    expect(typeIssue.expected).toBe('"auths.loginTypes.DDInnerType"')
    expect(typeIssue.found).toContain('auths.loginTypes.PasswordType')
    expect(error.issues.find((i) => i.field === 'authConfig.appKey')!.found).toBe('the number 42')
  })

  it('reports a JSON syntax error by position only, never quoting the file (which may hold a secret)', () => {
    const dir = tempLoginTypes()
    const secret = 'LeakyAppSecretValue-0123456789abcdefghijklmnopqrstuvwxyzABCDEF'
    // An unquoted secret: Node 20's "Unexpected token" message quotes the text around the error.
    const content = `{\n  "authConfig": { "appKey": "${APP_KEY}", "appSecret": ${secret}, "agentId": "1" } }`
    writeInstance(dir, 'broken', { type: 'auths.loginTypes.DDInnerType' }, content)
    const error = configError(() => loadInstances(dir, {}))
    const issue = error.issues.find((i) => i.field === '(file)')!
    expect(issue.expected).toBe('valid JSON')
    const at = content.indexOf(secret)
    expect(issue.found).toBe(`invalid JSON at line 2, column ${at - content.indexOf('\n')} (position ${at})`)
    for (const part of [secret, secret.slice(0, 8), 'pSecret'])
      expect(JSON.stringify(error.issues) + error.message).not.toContain(part)
  })

  it('a missing folder is a config error', () => {
    expect(
      configError(() => loadInstances(join(tmpdir(), 'does-not-exist-dingtalk'), {})).issues[0]!.found,
    ).toBe('no such folder')
  })

  it('createDingTalkAuth fails fast with the same error, opening nothing', async () => {
    await expect(
      createDingTalkAuth({ instances: [valid({ appSecret: 'x' })], store: 'memory', env: {} }),
    ).rejects.toBeInstanceOf(DingTalkConfigError)
    await expect(
      createDingTalkAuth({ instances: [valid()], store: 'redis://nope' as 'memory', env: {} }),
    ).rejects.toMatchObject({ code: 'config_error' })
  })
})
