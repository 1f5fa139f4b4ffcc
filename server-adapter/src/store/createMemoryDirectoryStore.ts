import type { DDInnerAuthModel } from './BindingStore'
import type { DirectoryDepartment, DirectoryPerson, DirectoryStore } from './DirectoryStore'

const keyOf = (corpId: string, id: string | number) => `${corpId}\u0000${id}`

const copyPerson = (person: DirectoryPerson): DirectoryPerson => ({
  ...person,
  deptIds: [...person.deptIds],
  leaderInDeptIds: [...person.leaderInDeptIds],
})

/**
 * The directory half of the memory store. `bindings` is the memory store's own map, read for
 * {@link DirectoryStore.listBoundPeople}; `updateBindingUserId` is the binding store's, which owns its indexes.
 */
export function createMemoryDirectoryStore(
  bindings: ReadonlyMap<string, DDInnerAuthModel>,
): Omit<DirectoryStore, 'updateBindingUserId'> {
  const departments = new Map<string, DirectoryDepartment>()
  const people = new Map<string, DirectoryPerson>()

  return {
    listDepartments: (corpId) =>
      [...departments.values()]
        .filter((department) => department.corpId === corpId)
        .sort((a, b) => a.deptId - b.deptId)
        .map((department) => ({ ...department })),
    upsertDepartments(list) {
      for (const department of list)
        departments.set(keyOf(department.corpId, department.deptId), { ...department })
    },
    removeDepartments(corpId, deptIds) {
      for (const deptId of deptIds) departments.delete(keyOf(corpId, deptId))
    },
    findPerson(key) {
      if ('unionId' in key) {
        const found = people.get(keyOf(key.corpId, key.unionId))
        return found ? copyPerson(found) : null
      }
      let best: DirectoryPerson | null = null
      for (const person of people.values()) {
        if (person.corpId !== key.corpId || person.dingUserId !== key.dingUserId) continue
        if (!best || (best.state === 'left' && person.state === 'active')) best = person
      }
      return best ? copyPerson(best) : null
    },
    listPeople: (corpId, filter) =>
      [...people.values()]
        .filter((person) => person.corpId === corpId && (!filter?.state || person.state === filter.state))
        .map(copyPerson),
    upsertPeople(list) {
      for (const person of list) people.set(keyOf(person.corpId, person.unionId), copyPerson(person))
    },
    listBoundPeople: (corpId) =>
      [...bindings.values()]
        .filter((binding) => binding.thirdCorpId === corpId)
        .map((binding) => ({
          bindingId: binding.id,
          dingUserId: binding.thirdUserId,
          unionId: binding.unionId,
        })),
  }
}
