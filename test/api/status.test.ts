import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { computeStatus } from '../../src/api/status.js'
import { stepText } from '../../src/graph/step.js'
import { graphOf } from '../helpers/graph.js'

describe('status', () => {
  // Two bases: a1 <- a2, and b1 <- b2 where b2 depends on a2.
  const map = graphOf(
    { a1: [], a2: ['a1'], b1: [], b2: ['b1'] },
    { a1: { labels: ['alpha'] }, b1: { labels: ['beta'] }, b2: { deps: ['a2'] } },
  )

  it('a revision a branch only depends on is not where that branch stands', () => {
    const status = computeStatus(map, ['a2'])
    assert.deepEqual(
      status.branches.map((b) => [b.head.id, b.current.map((c) => c.id), b.pending]),
      [
        ['a2', ['a2'], 0],
        ['b2', [], 2],
      ],
    )
    assert.deepEqual(status.pending.map(stepText), [
      'Running upgrade  -> b1',
      'Running upgrade b1 -> b2',
    ])
  })

  it('pending counts include the dependencies upgrade <head> would apply first', () => {
    const status = computeStatus(map, [])
    assert.deepEqual(
      status.branches.map((b) => [b.head.id, b.pending]),
      [
        ['a2', 2],
        ['b2', 4],
      ],
    )
    assert.deepEqual(status.current, [])
    assert.deepEqual(status.extraHeads, [])
  })

  it('nothing pending at the heads; heads sharing one label set are extra heads', () => {
    // `upgrade heads` leaves the one row b2 (it stands for a2, which it depends on).
    assert.deepEqual(computeStatus(map, ['b2']).pending, [])
    // Rows a2 and b2 together are the inconsistent table that issue 12 refuses to plan from.
    assert.throws(() => computeStatus(map, ['a2', 'b2']), /inconsistent/)
    const forked = graphOf({ a: [], b: ['a'], c1: ['b'], c2: ['b'] }, { a: { labels: ['main'] } })
    const status = computeStatus(forked, ['b'])
    assert.deepEqual(
      status.extraHeads.map((g) => [g.branchLabels, g.heads.map((h) => h.id)]),
      [[['main'], ['c1', 'c2']]],
    )
  })
})
