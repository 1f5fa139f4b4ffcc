import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { generateFixture, validateFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'
import { appToken, emulator, postJson } from './helpers'

describe('generateFixture', () => {
  it('is deterministic by seed and valid', () => {
    const options = { corps: 2, people: 501, depth: 2, breadth: 3, seed: 42 }
    const a = generateFixture(options)
    expect(generateFixture(options)).toEqual(a)
    expect(generateFixture({ ...options, seed: 43 })).not.toEqual(a)
    expect(validateFixture(a)).toEqual(a)
    expect(a.corps).toHaveLength(2)
    expect(a.apps).toHaveLength(2)
    // 1 + 3 + 9 departments per corp, people shared out 251 + 250.
    expect(a.departments).toHaveLength(26)
    const perCorp = a.corps.map((c) => a.users.filter((u) => u.memberships[0]!.corpId === c.corpId).length)
    expect(perCorp).toEqual([251, 250])
  })

  it('looks like DingTalk and spreads people over the whole tree', () => {
    const f = generateFixture({ people: 2000, depth: 3, breadth: 4 })
    expect(f.corps[0]!.corpId).toMatch(/^ding[0-9a-f]{32}$/)
    expect(f.apps[0]!.clientId).toMatch(/^ding[a-z0-9]{16}$/)
    expect(f.apps[0]!.clientSecret).toMatch(/^[A-Za-z0-9_-]{64}$/)
    expect(f.apps[0]!.agentId).toMatch(/^[1-9]\d{9}$/)
    expect(f.apps[0]!.permissions).toEqual(
      expect.arrayContaining([
        'qyapi_get_department_list',
        'qyapi_get_department_member',
        'Contact.Common.Read',
      ]),
    )
    expect(new Set(f.users.map((u) => u.unionId)).size).toBe(2000)
    expect(new Set(f.users.map((u) => u.mobile)).size).toBe(2000)
    for (const user of f.users) {
      expect(user.nick).toMatch(/^[\u4e00-\u9fa5]{2,3}$/)
      expect(user.unionId).toMatch(/^[A-Za-z0-9]{20}iE$/)
    }
    const used = new Set(f.users.flatMap((u) => u.memberships[0]!.deptIdList))
    // 85 departments; 2000 people reach nearly all of them, the deepest level included.
    expect(used.size).toBeGreaterThan(75)
    expect(Math.max(...used)).toBeGreaterThan(21)
    expect(f.users.filter((u) => u.memberships[0]!.deptIdList.length === 2).length).toBeGreaterThan(100)
    expect(f.users[0]!.memberships[0]).toMatchObject({ admin: true, deptIdList: [1] })
  })

  it('refuses impossible options with a message naming the option', () => {
    expect(() => generateFixture({ corps: 0 })).toThrow(/corps must be a whole number >= 1, got 0/)
    expect(() => generateFixture({ people: 1.5 })).toThrow(/people/)
    expect(() => generateFixture({ depth: 10, breadth: 10 })).toThrow(/departments per corp/)
  })

  it('serves a full crawl of a generated organisation: every person once, in their departments', async () => {
    const fixture = generateFixture({ people: 300, depth: 2, breadth: 3, seed: 5 })
    const e = await emulator({ fixture })
    const app = fixture.apps[0]!
    const token = await appToken(e.url, app)
    const call = (path: string, body: Record<string, unknown>) =>
      postJson(`${e.url}${path}?access_token=${token}`, body)
    const seen = new Map<string, number[]>()
    const queue = [1]
    while (queue.length > 0) {
      const deptId = queue.shift()!
      const subs = (await call('/topapi/v2/department/listsub', { dept_id: deptId })).body.result as {
        dept_id: number
      }[]
      queue.push(...subs.map((d) => d.dept_id))
      let cursor: number | undefined = 0
      while (cursor !== undefined) {
        const page = (await call('/topapi/v2/user/list', { dept_id: deptId, cursor, size: 100 })).body
          .result as {
          next_cursor?: number
          list: { userid: string; dept_id_list: number[] }[]
        }
        for (const user of page.list) {
          expect(user.dept_id_list).toContain(deptId)
          seen.set(user.userid, user.dept_id_list)
        }
        cursor = page.next_cursor
      }
    }
    expect(seen.size).toBe(300)
  })
})

describe('dingtalk-emulator --generate', () => {
  const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
  function run(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const firstLine = new Promise<string>((resolve, reject) => {
      let stdout = ''
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString()
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!)
      })
      child.on('exit', () => reject(new Error(`exited: ${stderr}`)))
    })
    firstLine.catch(() => undefined)
    const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stderr })),
    )
    return { child, firstLine, exit }
  }

  it('serves the organisation generateFixture makes with the same options', async () => {
    const { child, firstLine } = run([
      '--port',
      '0',
      '--generate',
      'people=1000,corps=2,depth=2,breadth=3,seed=9',
    ])
    try {
      const url = await firstLine
      const served = (await (await fetch(`${url}/__emulator/fixture`)).json()) as EmulatorFixture
      expect(served).toEqual(generateFixture({ people: 1000, corps: 2, depth: 2, breadth: 3, seed: 9 }))
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('rejects bad --generate text in one line', async () => {
    const typo = await run(['--generate', 'peple=10']).exit
    expect(typo.code).toBe(2)
    expect(typo.stderr).toMatch(
      /^dingtalk-emulator: --generate takes people=N,corps=N,depth=N,breadth=N,seed=N; got "peple=10"\n$/,
    )
    const notNumber = await run(['--generate', 'people=many']).exit
    expect(notNumber.stderr).toContain('people must be a whole number')
    const both = await run(['--generate', 'people=1', '--fixture', 'x.json']).exit
    expect(both.stderr).toContain('not both')
  })
})
