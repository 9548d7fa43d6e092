import type { RevisionMap } from './revision-map.js'
import type { RowChange } from './step.js'

/**
 * Head bookkeeping (behavior.md c.4): which version rows a step inserts,
 * updates or deletes. `rows` is the table in its current order (indices) and
 * is updated in place so that a plan can be computed step by step.
 */
export function upgradeRowChanges(map: RevisionMap, rows: number[], r: number): RowChange[] {
  const ids = map.revisions
  const parents = map.effParents[r]!
  const inRows = parents.filter((p) => rows.includes(p))
  if (inRows.length === 0) {
    rows.push(r)
    return [{ kind: 'insert', revision: ids[r]!.id }]
  }
  if (inRows.length >= 2) {
    const others = rows.filter((x) => !parents.includes(x))
    let merged = inRows.filter((p) => !others.some((o) => map.isAncestor(p, o, true)))
    if (merged.length === 0) merged = inRows
    const changes: RowChange[] = []
    for (const p of merged.slice(0, -1)) {
      rows.splice(rows.indexOf(p), 1)
      changes.push({ kind: 'delete', revision: ids[p]!.id })
    }
    const last = merged[merged.length - 1]!
    rows[rows.indexOf(last)] = r
    changes.push({ kind: 'update', from: ids[last]!.id, to: ids[r]!.id })
    return changes
  }
  const p = inRows[0]!
  rows[rows.indexOf(p)] = r
  return [{ kind: 'update', from: ids[p]!.id, to: ids[r]!.id }]
}

export function downgradeRowChanges(map: RevisionMap, rows: number[], r: number): RowChange[] {
  const ids = map.revisions
  const parents = map.effParents[r]!
  const others = rows.filter((x) => x !== r)
  const restore = parents.filter(
    (p) =>
      !others.some((o) => map.isAncestor(p, o, true)) &&
      !parents.some((q) => q !== p && map.isAncestor(p, q, true)),
  )
  const at = rows.indexOf(r)
  if (restore.length === 0) {
    rows.splice(at, 1)
    return [{ kind: 'delete', revision: ids[r]!.id }]
  }
  const changes: RowChange[] = []
  for (const p of restore.slice(0, -1)) {
    rows.push(p)
    changes.push({ kind: 'insert', revision: ids[p]!.id })
  }
  const last = restore[restore.length - 1]!
  rows[rows.indexOf(r)] = last
  changes.push({ kind: 'update', from: ids[r]!.id, to: ids[last]!.id })
  return changes
}
