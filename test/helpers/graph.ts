import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Plan } from '../../src/graph/plans.js'
import { RevisionError } from '../../src/errors.js'
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

/** The version rows after a plan, checking that every INSERT is new and every UPDATE and DELETE hits exactly one row. */
export function appliedRows(rows: readonly string[], plan: Plan): string[] {
  const out = [...rows]
  for (const step of plan.steps) {
    for (const c of step.rowChanges) {
      if (c.kind === 'insert') {
        assert.ok(!out.includes(c.revision), `insert of present row ${c.revision}`)
        out.push(c.revision)
      } else {
        const at = out.indexOf(c.kind === 'update' ? c.from : c.revision)
        assert.ok(at >= 0, `row change on a missing row: ${JSON.stringify(c)}`)
        if (c.kind === 'update') out[at] = c.to
        else out.splice(at, 1)
      }
    }
  }
  return out
}

/** Assert that fn throws a RevisionError whose message matches and names each of `names`. */
export function assertRevisionError(
  fn: () => unknown,
  pattern: RegExp,
  names: readonly string[] = [],
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RevisionError, `expected RevisionError, got ${String(e)}`)
    assert.match(e.message, pattern)
    for (const n of names) assert.ok(e.message.includes(n), `message names '${n}': ${e.message}`)
    return true
  })
}

interface ExampleRevision {
  readonly revision: string
  readonly downRevision: string | readonly string[] | null
  readonly branchLabels: string | readonly string[] | null
  readonly dependsOn: string | readonly string[] | null
  readonly message: string
  readonly versionLocation: string
}

const asList = (v: string | readonly string[] | null): string[] =>
  v === null ? [] : typeof v === 'string' ? [v] : [...v]

/**
 * The graph of a scenario of shared/spec/examples, read from its JSON (the
 * revisions it starts with), in load order: locations as configured, file
 * names `<rev>_<slug>.ts` sorted within each.
 */
export function exampleGraph(name: string): RevisionMap {
  const file = new URL(`../../../shared/spec/examples/${name}.json`, import.meta.url)
  const scenario = JSON.parse(readFileSync(file, 'utf8')) as {
    config: { versionLocations: string[] }
    revisions: ExampleRevision[]
  }
  const fileName = (r: ExampleRevision): string =>
    `${r.revision}_${(r.message.match(/\w+/g) ?? []).join('_').toLowerCase()}.ts`
  const records = scenario.config.versionLocations.flatMap((location) =>
    scenario.revisions
      .filter((r) => r.versionLocation === location)
      .map((r) => ({ r, name: fileName(r) }))
      .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
      .map(({ r, name: base }) => ({
        revision: r.revision,
        downRevisions: asList(r.downRevision),
        branchLabels: asList(r.branchLabels),
        dependsOn: asList(r.dependsOn),
        doc: r.message,
        path: `${location}/${base}`,
        versionLocation: location,
      })),
  )
  return RevisionMap.build(records)
}
