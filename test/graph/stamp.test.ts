import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MultipleHeadsError, ResolutionError } from '../../src/errors.js'
import { planStamp, type Plan } from '../../src/graph/plans.js'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { stepText, type RowChange } from '../../src/graph/step.js'
import { appliedRows, graphOf, exampleGraph } from '../helpers/graph.js'

// behavior.md c.6: stamp moves rows without running migrations. Expected log
// lines and rows come from stamp-across-branches, stamp-dependency,
// stamp-vs-downgrade-across-merge and stamp-multiple-targets-across-branches.

const change = (c: RowChange): string =>
  c.kind === 'update' ? `UPDATE ${c.from} -> ${c.to}` : `${c.kind.toUpperCase()} ${c.revision}`

const rowsAfter = (rows: readonly string[], plan: Plan): string[] => appliedRows(rows, plan).sort()

function stamp(map: RevisionMap, rows: readonly string[], ...targets: string[]) {
  const plan = planStamp(map, rows, targets)
  return {
    lines: plan.steps.map(stepText),
    changes: plan.steps.flatMap((s) => s.rowChanges.map(change)),
    rows: rowsAfter(rows, plan),
  }
}

/**
 * stamp-across-branches (file order):
 * a - b -+- c1 (c1branch) - d1 -+- m
 *        +- c2 (c2branch) - d2 -+
 * z1 (zb) - z2
 */
const across = exampleGraph('stamp-across-branches')

describe('c.6 stamp', () => {
  it('inserts a row on an empty table', () => {
    const r = stamp(across, [], 'd1')
    assert.deepEqual(r.lines, ['Running stamp_revision  -> d1'])
    assert.deepEqual(r.changes, ['INSERT d1'])
  })

  it('inserts a row for a revision on a branch no row is on', () => {
    const r = stamp(across, ['d1'], 'c2')
    assert.deepEqual(r.lines, ['Running stamp_revision  -> c2'])
    assert.deepEqual(r.rows, ['c2', 'd1'])
  })

  it('moves a row up to a descendant (UPDATE)', () => {
    const r = stamp(across, ['d1', 'c2'], 'd2')
    assert.deepEqual(r.lines, ['Running stamp_revision c2 -> d2'])
    assert.deepEqual(r.changes, ['UPDATE c2 -> d2'])
    assert.deepEqual(r.rows, ['d1', 'd2'])
  })

  it('collapses several rows above the target into it (DELETE all but the last, UPDATE the last)', () => {
    const r = stamp(across, ['d1', 'd2'], 'b')
    assert.deepEqual(r.lines, ['Running stamp_revision d1, d2 -> b'])
    assert.deepEqual(r.changes, ['DELETE d1', 'UPDATE d2 -> b'])
    assert.deepEqual(r.rows, ['b'])
  })

  it("gives one row per real head for 'heads'", () => {
    const r = stamp(across, ['b'], 'heads')
    assert.deepEqual(r.lines, ['Running stamp_revision b -> m', 'Running stamp_revision  -> z2'])
    assert.deepEqual(r.rows, ['m', 'z2'])
  })

  it("empties the table for 'base', one step per row", {}, () => {
    const r = stamp(across, ['m', 'z2'], 'base')
    assert.deepEqual(r.lines, ['Running stamp_revision m -> ', 'Running stamp_revision z2 -> '])
    assert.deepEqual(r.rows, [])
  })

  it("empties the table for 'base'", () => {
    const r = stamp(across, ['m', 'z2'], 'base')
    assert.deepEqual(r.changes, ['DELETE m', 'DELETE z2'])
    assert.deepEqual(r.rows, [])
  })

  it('inserts each of several targets on unrelated branches', () => {
    const r = stamp(across, [], 'd1', 'd2')
    assert.deepEqual(r.lines, ['Running stamp_revision  -> d1', 'Running stamp_revision  -> d2'])
    assert.deepEqual(r.rows, ['d1', 'd2'])
  })

  it("deletes only the rows on L's lineage for 'L@base'", () => {
    const r = stamp(across, ['d1', 'd2'], 'c1branch@base')
    assert.deepEqual(r.lines, ['Running stamp_revision d1 -> '])
    assert.deepEqual(r.rows, ['d2'])
    const z = stamp(across, ['d1', 'z1', 'c2'], 'zb@base')
    assert.deepEqual(z.lines, ['Running stamp_revision z1 -> '])
    assert.deepEqual(z.rows, ['c2', 'd1'])
  })

  it("moves the row on L's lineage to 'L@head'", () => {
    const r = stamp(across, ['d2'], 'c2branch@head')
    assert.deepEqual(r.lines, ['Running stamp_revision d2 -> m'])
    assert.deepEqual(r.rows, ['m'])
  })

  it('collapses two rows into a merge point above both', () => {
    const r = stamp(across, ['d1', 'c2'], 'c2branch@head')
    assert.deepEqual(r.lines, ['Running stamp_revision d1, c2 -> m'])
    assert.deepEqual(r.rows, ['m'])
  })

  it('does nothing when the target is already a row', () => {
    assert.deepEqual(stamp(across, ['m'], 'm').lines, [])
  })

  it('moves a merge row down to one side, forgetting the other side (unlike downgrade)', () => {
    const r = stamp(across, ['m'], 'c1')
    assert.deepEqual(r.lines, ['Running stamp_revision m -> c1'])
    assert.deepEqual(r.rows, ['c1'])
  })

  it('moves a row down to an ancestor, leaving rows on other trees alone', () => {
    const r = stamp(across, ['c1', 'z1'], 'a')
    assert.deepEqual(r.lines, ['Running stamp_revision c1 -> a'])
    assert.deepEqual(r.rows, ['a', 'z1'])
  })

  it(
    'inserts the second of two siblings once the first has moved the shared row, showing that row',
    {},
    () => {
      const r = stamp(across, ['a', 'z1'], 'c1', 'c2')
      assert.deepEqual(r.lines, [
        'Running stamp_revision a -> c1',
        'Running stamp_revision a -> c2',
      ])
      assert.deepEqual(r.changes, ['UPDATE a -> c1', 'INSERT c2'])
    },
  )

  it('updates the shared row for the first sibling and inserts the second', () => {
    const r = stamp(across, ['a', 'z1'], 'c1', 'c2')
    assert.deepEqual(r.changes, ['UPDATE a -> c1', 'INSERT c2'])
    assert.deepEqual(r.rows, ['c1', 'c2', 'z1'])
  })

  it('skips a target already present and moves the row for the next one', () => {
    const r = stamp(across, ['c1', 'z1', 'c2'], 'c1', 'd1')
    assert.deepEqual(r.lines, ['Running stamp_revision c1 -> d1'])
    assert.deepEqual(r.rows, ['c2', 'd1', 'z1'])
  })

  it("ignores 'base' mixed with other targets", () => {
    const g = graphOf({ a: [], b: ['a'], c1: ['b'], d1: ['c1'], z1: [], z2: ['z1'] })
    assert.deepEqual(stamp(g, ['c1'], 'base', 'c1').lines, [])
    assert.deepEqual(stamp(g, ['d1'], 'base', 'c1').rows, ['c1'])
  })

  it('fails for an unknown name, naming it', () => {
    assert.throws(
      () => stamp(across, ['d1', 'c2'], 'nosuch'),
      (e: unknown) => e instanceof ResolutionError && e.message.includes("'nosuch'"),
    )
  })

  it("fails for 'head' with several heads", () => {
    assert.throws(() => stamp(across, ['d1', 'c2'], 'head'), MultipleHeadsError)
  })

  it('fails for a row naming an unknown revision, hinting at --purge', () => {
    assert.throws(
      () => stamp(across, ['zzzz'], 'd1'),
      (e: unknown) =>
        e instanceof ResolutionError && e.message.includes("'zzzz'") && /purge/.test(e.message),
    )
  })

  it('matches each target only against the rows on its own lineage (Retort fix)', () => {
    // stamp-multiple-targets-across-branches: Alembic collapses both rows into c1 and crashes.
    const g = graphOf({ a: [], b: ['a'], c1: ['b'], d1: ['c1'], z1: [], z2: ['z1'] })
    const r = stamp(g, ['d1', 'z2'], 'c1', 'z1')
    assert.deepEqual(r.lines, [
      'Running stamp_revision d1 -> c1',
      'Running stamp_revision z2 -> z1',
    ])
    assert.deepEqual(r.rows, ['c1', 'z1'])
  })
})

describe('c.6 stamp through dependencies (stamp-dependency)', () => {
  // file order: a1, a2, b1, b2, c1, c2, d1, e1, f1; c2 depends on c1.
  const dep = exampleGraph('stamp-dependency')

  it('inserts two unrelated targets', () => {
    const r = stamp(dep, [], 'e1', 'c2')
    assert.deepEqual(r.lines, ['Running stamp_revision  -> e1', 'Running stamp_revision  -> c2'])
  })

  it('collapses a row that is above the target only through a dependency', () => {
    const r = stamp(dep, ['e1', 'c2'], 'b1')
    assert.deepEqual(r.lines, ['Running stamp_revision e1, c2 -> b1'])
    assert.deepEqual(r.rows, ['b1'])
  })

  it('replaces a dependent row by the dependency target', () => {
    const r = stamp(dep, ['c2'], 'a1')
    assert.deepEqual(r.lines, ['Running stamp_revision c2 -> a1'])
    assert.deepEqual(r.rows, ['a1'])
  })

  it('replaces y2 by x1 when y2 depends on x1 (depends-on-effective-head)', () => {
    const eff = graphOf({ x1: [], y1: [], y2: ['y1'] }, { y2: { deps: ['x1'] } })
    assert.deepEqual(stamp(eff, ['y2'], 'x1').rows, ['x1'])
  })
})
