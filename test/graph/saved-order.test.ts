import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { historyRange, planUpgrade } from '../../src/graph/plans.js'
import { RevisionMap } from '../../src/graph/revision-map.js'
import { exampleGraph } from '../helpers/graph.js'

/** The spec scenarios whose starting revisions form a valid graph. */
function exampleGraphs(): [string, RevisionMap][] {
  const dir = new URL('../../../shared/spec/examples/', import.meta.url)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      try {
        return [[f.slice(0, -5), exampleGraph(f.slice(0, -5))] as [string, RevisionMap]]
      } catch {
        return []
      }
    })
    .filter(([, map]) => map.size > 0)
}

const stepsOf = (map: RevisionMap): unknown =>
  planUpgrade(map, [], 'heads').steps.map((s) => [s.revision, s.rowChanges])

describe('whole-history order kept on the map (and in the graph snapshot)', () => {
  const graphs = exampleGraphs()

  it('covers the spec scenarios', () => assert.ok(graphs.length > 20, `${graphs.length}`))

  for (const [name, map] of graphs) {
    it(`${name}: upgrade heads from nothing plans the same steps once the history order is known`, () => {
      const walked = stepsOf(map)
      assert.equal(map.historyOrder, undefined)
      const history = historyRange(map, undefined).map((r) => r.id)
      assert.ok(map.historyOrder)
      assert.deepEqual(stepsOf(map), walked)
      // And a map restored from what building worked out answers the same.
      const restored = RevisionMap.restore(
        map.revisions.map((r) => r.record),
        map.derived(),
      )
      assert.deepEqual(
        historyRange(restored, undefined).map((r) => r.id),
        history,
      )
      assert.deepEqual(stepsOf(restored), walked)
      assert.deepEqual(
        restored.revisions.map((r) => [r.id, r.branchLabels, r.isHead, r.isEffectiveHead]),
        map.revisions.map((r) => [r.id, r.branchLabels, r.isHead, r.isEffectiveHead]),
      )
      assert.deepEqual(restored.effParents, map.effParents)
    })
  }
})
