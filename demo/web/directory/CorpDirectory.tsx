import type { ReactNode } from 'react'
import type { DirectoryCorpView, DirectoryDepartmentView, DirectoryPersonView } from '../directoryView'
import type { DirectoryTexts } from './directoryTexts'

export interface CorpDirectoryProps {
  corp: DirectoryCorpView
  texts: DirectoryTexts
  /** One person listed under a department (`null`: under no known department). */
  renderPerson: (person: DirectoryPersonView, deptId: number | null) => ReactNode
}

const byName = (a: DirectoryPersonView, b: DirectoryPersonView) => a.name.localeCompare(b.name, 'zh-CN')

/**
 * One organisation: its department tree as nested lists (a department, then its people, then its sub-departments),
 * which screen readers announce with their nesting level. Nested lists rather than `role="tree"`: a tree widget
 * promises arrow-key navigation, and here every button is reachable with Tab already.
 */
export function CorpDirectory({ corp, texts, renderPerson }: CorpDirectoryProps) {
  const known = new Set(corp.departments.map((d) => d.deptId))
  const childrenOf = new Map<number | null, DirectoryDepartmentView[]>()
  for (const department of [...corp.departments].sort((a, b) => a.deptId - b.deptId)) {
    // A department whose parent is unknown (not synced yet) is shown at the top rather than lost.
    const parent = department.parentId !== null && known.has(department.parentId) ? department.parentId : null
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), department])
  }
  const peopleOf = (deptId: number) =>
    corp.people.filter((person) => person.deptIds.includes(deptId)).sort(byName)
  const unplaced = corp.people.filter((person) => !person.deptIds.some((id) => known.has(id))).sort(byName)

  const renderDepartment = (department: DirectoryDepartmentView): ReactNode => {
    const people = peopleOf(department.deptId)
    const children = childrenOf.get(department.deptId) ?? []
    return (
      <li key={department.deptId} className="department" data-dept-id={department.deptId}>
        <span className="department-name">{department.name}</span>
        {people.length > 0 ? (
          <ul className="people" aria-label={texts.peopleOf(department.name)}>
            {people.map((person) => renderPerson(person, department.deptId))}
          </ul>
        ) : null}
        {children.length > 0 ? (
          <ul className="departments" aria-label={texts.departmentsOf(department.name)}>
            {children.map(renderDepartment)}
          </ul>
        ) : null}
      </li>
    )
  }

  return (
    <section className="card corp" aria-labelledby={`corp-${corp.corpId}`} data-corp-id={corp.corpId}>
      <div className="corp-head">
        <h2 id={`corp-${corp.corpId}`}>{corp.name}</h2>
        <span className="stream" data-connected={String(corp.streamConnected)}>
          {corp.streamConnected ? texts.streamConnected : texts.streamConnecting}
        </span>
      </div>
      <ul className="departments tree" aria-label={texts.treeOf(corp.name)}>
        {(childrenOf.get(null) ?? []).map(renderDepartment)}
      </ul>
      {unplaced.length > 0 ? (
        <>
          <h3 className="unplaced">{texts.unplaced}</h3>
          <ul className="people" aria-label={texts.unplaced}>
            {unplaced.map((person) => renderPerson(person, null))}
          </ul>
        </>
      ) : null}
    </section>
  )
}
