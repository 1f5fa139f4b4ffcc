import { defaultFixture, validateFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'
import { yunqi } from './helpers'

const withDepartments = (change: (f: EmulatorFixture) => void) => {
  const fixture = structuredClone(defaultFixture)
  change(fixture)
  return () => validateFixture(fixture)
}

describe('departments in the fixture', () => {
  it('gives every corp a small tree with people spread over it', () => {
    for (const corp of defaultFixture.corps) {
      const depts = defaultFixture.departments!.filter((d) => d.corpId === corp.corpId)
      expect(depts.length).toBeGreaterThanOrEqual(3)
      expect(depts.find((d) => d.deptId === 1)).toEqual({ corpId: corp.corpId, deptId: 1, name: corp.name })
      const used = new Set(
        defaultFixture.users.flatMap((u) =>
          u.memberships.filter((m) => m.corpId === corp.corpId).flatMap((m) => m.deptIdList),
        ),
      )
      expect(used.size).toBeGreaterThanOrEqual(3)
    }
  })

  it('names what is wrong with a tree', () => {
    expect(withDepartments((f) => (f.departments = f.departments!.filter((d) => d.deptId !== 1)))).toThrow(
      /a root department \{ corpId: "ding/,
    )
    expect(withDepartments((f) => (f.departments![1]!.parentId = 99))).toThrow(
      /departments\[1\]\.parentId: expected the deptId of a department of the same corp, found 99/,
    )
    expect(
      withDepartments((f) => {
        f.departments![1]!.parentId = 11 // 技术部 under its own 平台组
      }),
    ).toThrow(/departments\[(1|2)\]\.parentId: expected a tree/)
    expect(withDepartments((f) => (f.departments![0]!.parentId = 1))).toThrow(/no parentId on the root/)
    expect(
      withDepartments((f) => f.departments!.push({ corpId: yunqi, deptId: 10, name: 'x', parentId: 1 })),
    ).toThrow(/unique within its corp/)
    expect(withDepartments((f) => (f.users[0]!.memberships[0]!.deptIdList = [1, 77]))).toThrow(
      /users\[0\]\.memberships\[0\]\.deptIdList: expected deptIds of departments of ding14baf2538452a2d9d39123d5899249cb, found 77/,
    )
    expect(
      withDepartments((f) => (f.users[1]!.memberships[0]!.userid = f.users[0]!.memberships[0]!.userid)),
    ).toThrow(/unique within its corp/)
  })

  it('derives the departments of a fixture written before they existed', () => {
    const old = structuredClone(defaultFixture)
    delete old.departments
    const loaded = validateFixture(old)
    expect(loaded.departments!.filter((d) => d.corpId === yunqi)).toEqual([
      { corpId: yunqi, deptId: 1, name: '杭州云栖科技有限公司' },
      { corpId: yunqi, deptId: 10, name: '部门10', parentId: 1 },
      { corpId: yunqi, deptId: 20, name: '部门20', parentId: 1 },
      { corpId: yunqi, deptId: 30, name: '部门30', parentId: 1 },
    ])
  })
})
