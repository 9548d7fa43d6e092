import { RevisionMap } from '../../src/graph/revision-map.js'
import type { RevisionRecord } from '../../src/graph/revision.js'

/** Extra fields for a revision in graphOf: labels and dependencies. */
export interface Extra {
  readonly labels?: readonly string[]
  readonly deps?: readonly string[]
}

/**
 * A graph from `{ id: [down revisions] }` in load order, e.g.
 * graphOf({ a: [], b: ['a'], c: ['a'] }, { c: { labels: ['feat'] } }).
 */
export function graphOf(
  parents: Readonly<Record<string, readonly string[]>>,
  extra: Readonly<Record<string, Extra>> = {},
): RevisionMap {
  return RevisionMap.build(recordsOf(parents, extra))
}

export function recordsOf(
  parents: Readonly<Record<string, readonly string[]>>,
  extra: Readonly<Record<string, Extra>> = {},
): RevisionRecord[] {
  return Object.entries(parents).map(([id, down]) => ({
    revision: id,
    downRevisions: down,
    branchLabels: extra[id]?.labels ?? [],
    dependsOn: extra[id]?.deps ?? [],
    doc: `rev ${id}`,
    path: `versions/${id}.ts`,
    versionLocation: 'versions',
  }))
}
