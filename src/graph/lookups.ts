import { resolveLookup, resolveRows, resolveSymbolic } from './identifiers.js'
import type { Revision, RevisionMap } from './revision-map.js'

// The identifier resolvers, answering with revisions rather than graph
// indices: what callers outside graph/ (the API, revision creation) want.

/** The revisions a name given to `show`, `revision --head` or `merge` resolves to (relative forms included). */
export function lookupRevisions(map: RevisionMap, name: string): Revision[] {
  return resolveLookup(map, name).map((i) => map.revisions[i]!)
}

/** The revisions a plain or symbolic name resolves to (no relative forms). */
export function symbolicRevisions(map: RevisionMap, name: string): Revision[] {
  return resolveSymbolic(map, name).map((i) => map.revisions[i]!)
}

/** The revisions the version table's rows name (failing on unknown rows). */
export function rowRevisions(map: RevisionMap, rows: readonly string[]): Revision[] {
  return resolveRows(map, rows).map((i) => map.revisions[i]!)
}
