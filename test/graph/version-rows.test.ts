import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planDowngrade, planUpgrade, type Plan } from '../../src/graph/plans.js'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { stepText, type RowChange } from '../../src/graph/step.js'
import { appliedRows, graphOf, exampleGraph } from '../helpers/graph.js'

// behavior.md c.4: which version rows each step inserts, updates or deletes.
// Expected statements come from the --sql output of the example scenarios
// (the variant matching Retort's canonical order where Alembic's is arbitrary).

const change = (c: RowChange): string =>
  c.kind === 'update' ? `UPDATE ${c.from} -> ${c.to}` : `${c.kind.toUpperCase()} ${c.revision}`

/** One entry per step: its `Running ...` text, then its row statements. */
const script = (plan: Plan): string[][] =>
  plan.steps.map((s) => [stepText(s), ...s.rowChanges.map(change)])

const rowsAfter = (rows: readonly string[], plan: Plan): string[] => appliedRows(rows, plan).sort()

function up(map: RevisionMap, rows: readonly string[], target: string) {
  const plan = planUpgrade(map, rows, target)
  return { script: script(plan), rows: rowsAfter(rows, plan) }
}

function down(map: RevisionMap, rows: readonly string[], target: string) {
  const plan = planDowngrade(map, rows, target)
  return { script: script(plan), rows: rowsAfter(rows, plan) }
}

/** branchpoint-version-rows: aaaa - bbbb - {c1c1 - d1d1, c2c2 - d2d2} */
const branchpoint = exampleGraph('branchpoint-version-rows')

/** mergepoint-version-rows: a - b - {c1, c2} - m - n */
const mergepoint = graphOf({ a: [], b: ['a'], c1: ['b'], c2: ['b'], m: ['c1', 'c2'], n: ['m'] })

/** three-way-merge: a - b - {c1, c2, c3} - m - n */
const threeWay = graphOf({
  a: [],
  b: ['a'],
  c1: ['b'],
  c2: ['b'],
  c3: ['b'],
  m: ['c1', 'c2', 'c3'],
  n: ['m'],
})

/** depends-on-effective-head: y2 revises y1 and depends on x1 (file order x1, y1, y2). */
const effective = exampleGraph('depends-on-effective-head')

describe('c.4 upgrade steps', () => {
  it('inserts a base, updates along a chain, and inserts when the parent is no longer a row (branch point)', () => {
    assert.deepEqual(up(branchpoint, [], 'heads').script, [
      ['Running upgrade  -> aaaa', 'INSERT aaaa'],
      ['Running upgrade aaaa -> bbbb', 'UPDATE aaaa -> bbbb'],
      ['Running upgrade bbbb -> c2c2', 'UPDATE bbbb -> c2c2'],
      ['Running upgrade c2c2 -> d2d2', 'UPDATE c2c2 -> d2d2'],
      ['Running upgrade bbbb -> c1c1', 'INSERT c1c1'],
      ['Running upgrade c1c1 -> d1d1', 'UPDATE c1c1 -> d1d1'],
    ])
  })

  it('inserts the second branch when the first already holds the row (d1d1:heads)', () => {
    assert.deepEqual(up(branchpoint, ['d1d1'], 'heads').script, [
      ['Running upgrade bbbb -> c2c2', 'INSERT c2c2'],
      ['Running upgrade c2c2 -> d2d2', 'UPDATE c2c2 -> d2d2'],
    ])
  })

  it('deletes every merged parent row but the last and updates the last (two parents)', () => {
    const r = up(mergepoint, ['c1', 'c2'], 'm')
    assert.deepEqual(r.script, [['Running upgrade c1, c2 -> m', 'DELETE c1', 'UPDATE c2 -> m']])
    assert.deepEqual(r.rows, ['m'])
  })

  it('applies the missing parent with a new row, then merges (row c2 only)', () => {
    assert.deepEqual(up(mergepoint, ['c2'], 'm').script, [
      ['Running upgrade b -> c1', 'INSERT c1'],
      ['Running upgrade c1, c2 -> m', 'DELETE c1', 'UPDATE c2 -> m'],
    ])
  })

  it('applies the missing parent with a new row, then merges (row c1 only)', () => {
    assert.deepEqual(up(mergepoint, ['c1'], 'n').script, [
      ['Running upgrade b -> c2', 'INSERT c2'],
      ['Running upgrade c1, c2 -> m', 'DELETE c1', 'UPDATE c2 -> m'],
      ['Running upgrade m -> n', 'UPDATE m -> n'],
    ])
  })

  it('goes through a merge point from empty (mergepoint base:n)', () => {
    assert.deepEqual(up(mergepoint, [], 'n').script, [
      ['Running upgrade  -> a', 'INSERT a'],
      ['Running upgrade a -> b', 'UPDATE a -> b'],
      ['Running upgrade b -> c2', 'UPDATE b -> c2'],
      ['Running upgrade b -> c1', 'INSERT c1'],
      ['Running upgrade c1, c2 -> m', 'DELETE c1', 'UPDATE c2 -> m'],
      ['Running upgrade m -> n', 'UPDATE m -> n'],
    ])
  })

  it('deletes two parent rows and updates the third at a three-way merge', () => {
    assert.deepEqual(up(threeWay, [], 'n').script, [
      ['Running upgrade  -> a', 'INSERT a'],
      ['Running upgrade a -> b', 'UPDATE a -> b'],
      ['Running upgrade b -> c3', 'UPDATE b -> c3'],
      ['Running upgrade b -> c2', 'INSERT c2'],
      ['Running upgrade b -> c1', 'INSERT c1'],
      ['Running upgrade c1, c2, c3 -> m', 'DELETE c1', 'DELETE c2', 'UPDATE c3 -> m'],
      ['Running upgrade m -> n', 'UPDATE m -> n'],
    ])
  })

  it('merges with rows c1 and c3 after applying c2 (three-way-merge)', () => {
    const r = up(threeWay, ['c1', 'c3'], 'n')
    assert.deepEqual(r.script, [
      ['Running upgrade b -> c2', 'INSERT c2'],
      ['Running upgrade c1, c2, c3 -> m', 'DELETE c1', 'DELETE c2', 'UPDATE c3 -> m'],
      ['Running upgrade m -> n', 'UPDATE m -> n'],
    ])
    assert.deepEqual(r.rows, ['n'])
  })

  it('treats a parent plus a dependency like a merge; the log shows only the real parent', () => {
    assert.deepEqual(up(effective, [], 'heads').script, [
      ['Running upgrade  -> x1', 'INSERT x1'],
      ['Running upgrade  -> y1', 'INSERT y1'],
      ['Running upgrade y1 -> y2', 'DELETE y1', 'UPDATE x1 -> y2'],
    ])
  })

  it('merges several dependencies in declared order (depends-on-many-bases)', () => {
    const many = exampleGraph('depends-on-many-bases')
    assert.deepEqual(up(many, [], 'heads').script, [
      ['Running upgrade  -> b1', 'INSERT b1'],
      ['Running upgrade  -> a1', 'INSERT a1'],
      ['Running upgrade  -> c1', 'INSERT c1'],
      ['Running upgrade  -> d1', 'DELETE c1', 'DELETE a1', 'UPDATE b1 -> d1'],
    ])
  })

  it('updates the single row when a redundant dependency is dropped (depends-on-normalized)', () => {
    const norm = graphOf(
      { a1: [], a2: ['a1'], a3: ['a2'], b1: [], b2: ['b1'], b3: ['b2'], b4: ['b3'] },
      { b2: { deps: ['a3'] }, b4: { deps: ['a3'] } },
    )
    assert.deepEqual(up(norm, ['b3'], 'b4').script, [
      ['Running upgrade b3 -> b4', 'UPDATE b3 -> b4'],
    ])
    assert.deepEqual(down(norm, ['b4'], 'b3').script, [
      ['Running downgrade b4 -> b3', 'UPDATE b4 -> b3'],
    ])
    assert.deepEqual(up(norm, [], 'heads').rows, ['b4'])
  })

  it('updates the only row for a dependency on the own parent (depends-on-own-parent)', () => {
    const own = graphOf({ a1a1: [], a2a2: ['a1a1'] }, { a2a2: { deps: ['a1a1'] } })
    assert.deepEqual(up(own, [], 'heads').script, [
      ['Running upgrade  -> a1a1', 'INSERT a1a1'],
      ['Running upgrade a1a1 -> a2a2', 'UPDATE a1a1 -> a2a2'],
    ])
    assert.deepEqual(down(own, ['a2a2'], 'a1a1').script, [
      ['Running downgrade a2a2 -> a1a1', 'UPDATE a2a2 -> a1a1'],
    ])
  })

  it('updates the only row for a dependency on a grandparent (depends-on-ancestor)', () => {
    const anc = graphOf({ a1a1: [], a2a2: ['a1a1'], a3a3: ['a2a2'] }, { a3a3: { deps: ['a1a1'] } })
    assert.deepEqual(up(anc, ['a2a2'], 'heads').script, [
      ['Running upgrade a2a2 -> a3a3', 'UPDATE a2a2 -> a3a3'],
    ])
    assert.deepEqual(down(anc, ['a3a3'], 'a2a2').script, [
      ['Running downgrade a3a3 -> a2a2', 'UPDATE a3a3 -> a2a2'],
    ])
  })

  it('replaces the row of a base that a new base depends on (depends-on-dependency-merge)', () => {
    const dm = graphOf({ a1: [], b1: [], bmerge: ['a1', 'b1'] }, { b1: { deps: ['a1'] } })
    assert.deepEqual(up(dm, ['a1'], 'b1').script, [['Running upgrade  -> b1', 'UPDATE a1 -> b1']])
    assert.deepEqual(up(dm, ['b1'], 'bmerge').script, [
      ['Running upgrade a1, b1 -> bmerge', 'UPDATE b1 -> bmerge'],
    ])
  })
})

describe('c.4 downgrade steps', () => {
  it('deletes a branch row while another row still implies the branch point, then updates the last', () => {
    assert.deepEqual(down(branchpoint, ['d2d2', 'd1d1'], 'bbbb').script, [
      ['Running downgrade d1d1 -> c1c1', 'UPDATE d1d1 -> c1c1'],
      ['Running downgrade c1c1 -> bbbb', 'DELETE c1c1'],
      ['Running downgrade d2d2 -> c2c2', 'UPDATE d2d2 -> c2c2'],
      ['Running downgrade c2c2 -> bbbb', 'UPDATE c2c2 -> bbbb'],
    ])
  })

  it('updates along one branch only (branchpoint d1d1:bbbb)', () => {
    assert.deepEqual(down(branchpoint, ['d1d1'], 'bbbb').script, [
      ['Running downgrade d1d1 -> c1c1', 'UPDATE d1d1 -> c1c1'],
      ['Running downgrade c1c1 -> bbbb', 'UPDATE c1c1 -> bbbb'],
    ])
  })

  it('unmerges by inserting the earlier parents and updating the merge row to the last parent', () => {
    const r = down(mergepoint, ['n'], 'c1')
    assert.deepEqual(r.script, [
      ['Running downgrade n -> m', 'UPDATE n -> m'],
      ['Running downgrade m -> c1, c2', 'INSERT c1', 'UPDATE m -> c2'],
    ])
    assert.deepEqual(r.rows, ['c1', 'c2'])
  })

  it('unmerges and then closes each branch (mergepoint n:b)', () => {
    assert.deepEqual(down(mergepoint, ['n'], 'b').script, [
      ['Running downgrade n -> m', 'UPDATE n -> m'],
      ['Running downgrade m -> c1, c2', 'INSERT c1', 'UPDATE m -> c2'],
      ['Running downgrade c1 -> b', 'DELETE c1'],
      ['Running downgrade c2 -> b', 'UPDATE c2 -> b'],
    ])
  })

  it('restores three rows when unmerging a three-way merge', () => {
    const r = down(threeWay, ['n'], 'c2')
    assert.deepEqual(r.script, [
      ['Running downgrade n -> m', 'UPDATE n -> m'],
      ['Running downgrade m -> c1, c2, c3', 'INSERT c1', 'INSERT c2', 'UPDATE m -> c3'],
    ])
    assert.deepEqual(r.rows, ['c1', 'c2', 'c3'])
  })

  it('ends with the branch point row after unmerging a three-way merge down to it', () => {
    const r = down(threeWay, ['n'], 'b')
    assert.deepEqual(
      r.script.map((s) => s[0]),
      [
        'Running downgrade n -> m',
        'Running downgrade m -> c1, c2, c3',
        'Running downgrade c1 -> b',
        'Running downgrade c2 -> b',
        'Running downgrade c3 -> b',
      ],
    )
    assert.deepEqual(r.rows, ['b'])
  })

  it('unmerges a parent and a dependency: inserts the parent, updates to the dependency', () => {
    // depends-on-effective-head: downgrade y@-1 and downgrade --sql y2:x@base
    const a = down(effective, ['y2'], 'y@-1')
    assert.deepEqual(a.script, [['Running downgrade y2 -> y1', 'INSERT y1', 'UPDATE y2 -> x1']])
    assert.deepEqual(a.rows, ['x1', 'y1'])
    assert.deepEqual(down(effective, ['y2'], 'x@base').script, [
      ['Running downgrade y2 -> y1', 'INSERT y1', 'UPDATE y2 -> x1'],
      ['Running downgrade x1 -> ', 'DELETE x1'],
    ])
  })

  it('restores only the parent no other row implies (depends-on-kaboom)', () => {
    const kaboom = exampleGraph('depends-on-kaboom')
    assert.deepEqual(up(kaboom, [], 'heads').rows, ['amerge', 'bmerge', 'cmerge', 'd1'])
    assert.deepEqual(down(kaboom, ['cmerge', 'd1', 'amerge', 'bmerge'], 'b2').script, [
      ['Running downgrade bmerge -> b1, b2', 'UPDATE bmerge -> b1'],
    ])
    assert.deepEqual(down(kaboom, ['amerge', 'd1', 'b1', 'cmerge'], 'd1@base').script, [
      ['Running downgrade d1 -> ', 'UPDATE d1 -> b2'],
    ])
  })

  it('restores only the parent that is not below the other (depends-on-dependency-merge)', () => {
    const dm = graphOf({ a1: [], b1: [], bmerge: ['a1', 'b1'] }, { b1: { deps: ['a1'] } })
    assert.deepEqual(down(dm, ['bmerge'], 'a1').script, [
      ['Running downgrade bmerge -> a1, b1', 'UPDATE bmerge -> b1'],
    ])
    assert.deepEqual(down(dm, ['bmerge'], 'b1').rows, ['b1'])
    assert.deepEqual(down(dm, ['b1'], 'base').script, [
      ['Running downgrade b1 -> ', 'UPDATE b1 -> a1'],
      ['Running downgrade a1 -> ', 'DELETE a1'],
    ])
  })

  it('deletes a row whose branch another row still implies (depends-on-crisscross)', () => {
    const criss = exampleGraph('depends-on-crisscross')
    assert.deepEqual(down(criss, ['a3', 'b2'], 'b1').script, [
      ['Running downgrade b2 -> b1', 'DELETE b2'],
    ])
  })

  it('keeps the other side of a merge as a row when downgrading to one side (stamp-vs-downgrade-across-merge)', () => {
    const g = graphOf({
      a: [],
      b: ['a'],
      c1: ['b'],
      c2: ['b'],
      d1: ['c1'],
      d2: ['c2'],
      m: ['d1', 'd2'],
    })
    const r = down(g, ['m'], 'c1')
    assert.deepEqual(
      r.script.map((s) => s[0]),
      ['Running downgrade m -> d1, d2', 'Running downgrade d1 -> c1'],
    )
    assert.deepEqual(r.rows, ['c1', 'd2'])
  })
})
