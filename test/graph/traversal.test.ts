import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ResolutionError, RevisionError } from '../../src/errors.js'
import {
  currentHeads,
  historyRange,
  planDowngrade,
  planUpgrade,
  planUpgradeTo,
  type Plan,
} from '../../src/graph/plans.js'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { stepText } from '../../src/graph/step.js'
import { orderWalk } from '../../src/graph/walk.js'
import { appliedRows, assertRevisionError, graphOf, exampleGraph } from '../helpers/graph.js'

// behavior.md c.1 (the ordering walk), c.2 (upgrade), c.3 (downgrade) and
// `current`. Expected orders come from the example scenarios' logs.

const rowsAfter = appliedRows

const sorted = (xs: readonly string[]): string[] => [...xs].sort()
const revisionsOf = (plan: Plan): string[] => plan.steps.map((s) => s.revision!)

function up(map: RevisionMap, rows: readonly string[], target: string) {
  const plan = planUpgrade(map, rows, target)
  return {
    revs: revisionsOf(plan),
    lines: plan.steps.map(stepText),
    rows: sorted(rowsAfter(rows, plan)),
  }
}

function down(map: RevisionMap, rows: readonly string[], target: string) {
  const plan = planDowngrade(map, rows, target)
  return {
    revs: revisionsOf(plan),
    lines: plan.steps.map(stepText),
    rows: sorted(rowsAfter(rows, plan)),
    warnings: plan.warnings,
  }
}

const current = (map: RevisionMap, rows: readonly string[]): string[] =>
  currentHeads(map, rows).map((r) => r.id)

/**
 * topological-order-branches (behavior.md c.1 worked example), file order:
 * a1 - a2 - a3 -+- b1 - cb1 - db1 -+- e1b1 - fe1b1
 *               |                  +- e2b1 -+
 *               +- b2 - cb2 - db2 -- e2b2 --+- merge
 */
const topo = exampleGraph('topological-order-branches')
const TOPO_HISTORY = [
  'fe1b1',
  'e1b1',
  'merge',
  'e2b1',
  'db1',
  'cb1',
  'b1',
  'e2b2',
  'db2',
  'cb2',
  'b2',
  'a3',
  'a2',
  'a1',
]

/** branchpoint-version-rows / upgrade-to-sibling-and-ancestor (file order). */
const twoBranches = graphOf({
  aaaa: [],
  bbbb: ['aaaa'],
  c1c1: ['bbbb'],
  c2c2: ['bbbb'],
  d1d1: ['c1c1'],
  d2d2: ['c2c2'],
})

/** mergepoint-version-rows: a - b - {c1, c2} - m - n */
const mergeGraph = exampleGraph('mergepoint-version-rows')

/** depends-on-effective-head: file order x1, y1, y2; y2 revises y1 and depends on x1. */
const effective = exampleGraph('depends-on-effective-head')

/** depends-on-kaboom: three merge trees and d1 (a base) depending on a3, b2, c1. */
const kaboom = exampleGraph('depends-on-kaboom')

describe('c.1 the ordering walk', () => {
  it('lists the topological example in the documented history order', () => {
    const all = new Uint8Array(topo.size).fill(1)
    const order = orderWalk(
      topo,
      all,
      topo.realHeads.map((r) => r.index),
    )
    assert.deepEqual(
      order.map((i) => topo.revisions[i]!.id),
      TOPO_HISTORY,
    )
  })

  it('gives history with no range in that order', () => {
    assert.deepEqual(
      historyRange(topo, undefined).map((r) => r.id),
      TOPO_HISTORY,
    )
  })

  it("runs 'upgrade heads' as the exact reverse of the history walk", () => {
    assert.deepEqual(up(topo, [], 'heads').revs, [...TOPO_HISTORY].reverse())
  })

  it('downgrades in history order, starting from the rows in load order', () => {
    const r = down(topo, ['merge', 'fe1b1'], 'a3')
    assert.deepEqual(r.revs, [
      'fe1b1',
      'e1b1',
      'merge',
      'e2b1',
      'db1',
      'cb1',
      'b1',
      'e2b2',
      'db2',
      'cb2',
      'b2',
    ])
    assert.deepEqual(r.rows, ['a3'])
  })

  it('applies the parents of a merge point in reverse list order, then the merge', () => {
    const r = up(topo, ['a3'], 'merge')
    assert.deepEqual(r.revs, ['b2', 'cb2', 'db2', 'e2b2', 'b1', 'cb1', 'db1', 'e2b1', 'merge'])
    assert.deepEqual(r.rows, ['merge'])
  })

  it('visits sibling heads in load order (docs-branches-explicit)', () => {
    const explicit = graphOf({
      '1975ea83b712': [],
      '27c6a30d7c24': ['1975ea83b712'],
      ae1027a6acf: ['1975ea83b712'],
    })
    assert.deepEqual(
      historyRange(explicit, undefined).map((r) => r.id),
      ['27c6a30d7c24', 'ae1027a6acf', '1975ea83b712'],
    )
    assert.deepEqual(up(explicit, [], 'heads').revs, [
      '1975ea83b712',
      'ae1027a6acf',
      '27c6a30d7c24',
    ])
  })

  it('applies three merge parents in reverse list order (three-way-merge)', () => {
    const three = graphOf({
      a: [],
      b: ['a'],
      c1: ['b'],
      c2: ['b'],
      c3: ['b'],
      m: ['c1', 'c2', 'c3'],
      n: ['m'],
    })
    assert.deepEqual(up(three, [], 'heads').revs, ['a', 'b', 'c3', 'c2', 'c1', 'm', 'n'])
  })

  it('follows dependencies as parents in declared order (depends-on-many-bases)', () => {
    const many = exampleGraph('depends-on-many-bases')
    assert.deepEqual(
      historyRange(many, undefined).map((r) => r.id),
      ['d1', 'c1', 'a1', 'b1'],
    )
    assert.deepEqual(up(many, [], 'heads').revs, ['b1', 'a1', 'c1', 'd1'])
  })

  it('switches to the path that still needs a revision reached through a dependency (depends-on-crisscross)', () => {
    const criss = exampleGraph('depends-on-crisscross')
    assert.deepEqual(
      historyRange(criss, undefined).map((r) => r.id),
      ['a3', 'b3', 'b2', 'a2', 'a1', 'b1'],
    )
  })

  it('orders several merge trees joined by one dependent (depends-on-kaboom)', () => {
    assert.deepEqual(up(kaboom, [], 'heads').revs, [
      'c3',
      'c2',
      'b2',
      'a3',
      'a2',
      'c1',
      'd1',
      'cmerge',
      'b1',
      'bmerge',
      'a1',
      'amerge',
    ])
  })
})

describe('c.2 upgrade', () => {
  it('does nothing when upgrading to an ancestor of what is applied', () => {
    const linear = exampleGraph('linear-relative')
    assert.deepEqual(up(linear, ['dddd4'], 'bbbb2').revs, [])
  })

  it("does nothing for 'base'", () => {
    assert.deepEqual(up(twoBranches, [], 'base').revs, [])
  })

  it('applies what a sibling needs and adds a row for it', () => {
    const r = up(twoBranches, ['d1d1'], 'c2c2')
    assert.deepEqual(r.lines, ['Running upgrade bbbb -> c2c2'])
    assert.deepEqual(r.rows, ['c2c2', 'd1d1'])
  })

  it('applies the missing side first when upgrading to a merge point from one side', () => {
    const r = up(mergeGraph, ['c2'], 'm')
    assert.deepEqual(r.lines, ['Running upgrade b -> c1', 'Running upgrade c1, c2 -> m'])
    assert.deepEqual(r.rows, ['m'])
  })

  it("brings every base up to date with 'heads' (multiple-bases-traversal)", () => {
    const bases = graphOf(
      { a1a1: [], a2a2: ['a1a1'], a3a3: ['a2a2'], b1b1: [], b2b2: ['b1b1'], c1c1: [] },
      { a1a1: { labels: ['alpha'] }, b1b1: { labels: ['beta'] }, c1c1: { labels: ['gamma'] } },
    )
    const r = up(bases, [], 'heads')
    assert.deepEqual(r.revs, ['c1c1', 'b1b1', 'b2b2', 'a1a1', 'a2a2', 'a3a3'])
    assert.deepEqual(r.rows, ['a3a3', 'b2b2', 'c1c1'])
    assert.deepEqual(up(bases, ['c1c1', 'a2a2'], 'beta@head').revs, ['b1b1', 'b2b2'])
  })

  it("upgrades 'L@heads' to every head on L's lineage", () => {
    const shop = graphOf({ a: [], b: ['a'], c: ['b'], x: ['a'] }, { b: { labels: ['shop'] } })
    assert.deepEqual(up(shop, ['b'], 'shop@heads').revs, ['c'])
  })

  it('pulls in the chain a dependency names (depends-on-label)', () => {
    const lib = graphOf(
      { a1: [], a2: [], b1: ['a1'], b2: ['a2'], c1: ['b1'], c2: ['b2'], d1: ['c1'], e1: ['d1'] },
      { a1: { labels: ['lib1'] }, c1: { labels: ['c1lib'] }, c2: { deps: ['c1lib'] } },
    )
    const r = up(lib, ['a2'], 'c2')
    assert.deepEqual(r.revs, ['a1', 'b1', 'c1', 'b2', 'c2'])
    assert.deepEqual(r.rows, ['c2'])
  })

  it('applies the dependency of the target first (depends-on-crisscross)', () => {
    const criss = exampleGraph('depends-on-crisscross')
    const first = up(criss, [], 'a3')
    assert.deepEqual(first.revs, ['b1', 'a1', 'a2', 'a3'])
    assert.deepEqual(first.rows, ['a3'])
    const second = up(criss, ['a3'], 'b2')
    assert.deepEqual(second.lines, ['Running upgrade b1 -> b2'])
    assert.deepEqual(second.rows, ['a3', 'b2'])
  })

  it("fails for 'head' when an effective head makes two heads", () => {
    assert.throws(() => up(effective, [], 'head'), RevisionError)
    assert.deepEqual(up(effective, [], 'heads').revs, ['x1', 'y1', 'y2'])
  })

  it('fails when one requested revision is an ancestor of another, naming both', () => {
    const a = twoBranches.byRevisionId('aaaa')!.index
    const d = twoBranches.byRevisionId('d1d1')!.index
    assertRevisionError(() => planUpgradeTo(twoBranches, [], [a, d]), /overlaps/, ['aaaa', 'd1d1'])
  })

  it("refuses a range without --sql: 'Range revision not allowed'", () => {
    assertRevisionError(() => up(twoBranches, [], 'aaaa:bbbb'), /Range revision not allowed/)
  })

  it('fails before any step when one row is an ancestor of another, naming both and the repair', () => {
    // After 'stamp aaaa cccc' on aaaa - bbbb - cccc - dddd (issue 12, item 2; c.2 step 3).
    const line = graphOf({ aaaa: [], bbbb: ['aaaa'], cccc: ['bbbb'], dddd: ['cccc'] })
    for (const target of ['head', 'heads', 'dddd', '+1']) {
      assertRevisionError(
        () => up(line, ['aaaa', 'cccc'], target),
        /inconsistent.*stamp --purge.*stamp heads/s,
        ["'aaaa'", "'cccc'"],
      )
    }
    // Through a dependency too: y2 depends on x1, and the rows hold both.
    assertRevisionError(() => up(effective, ['x1', 'y2'], 'heads'), /inconsistent/, [
      "'x1'",
      "'y2'",
    ])
    // 'history -r current:' and ':current' refuse the same rows.
    for (const range of ['current:', ':current']) {
      assertRevisionError(() => historyRange(line, range, () => ['aaaa', 'cccc']), /inconsistent/, [
        "'aaaa'",
        "'cccc'",
      ])
    }
    // Rows on separate branches are fine.
    assert.deepEqual(up(twoBranches, ['c1c1', 'c2c2'], 'heads').revs, ['d2d2', 'd1d1'])
  })

  it('fails for a row naming an unknown revision, naming it and hinting at stamp --purge', () => {
    assert.throws(
      () => up(twoBranches, ['zzzz'], 'heads'),
      (e: unknown) =>
        e instanceof ResolutionError && e.message.includes("'zzzz'") && /purge/.test(e.message),
    )
  })
})

describe('c.3 downgrade', () => {
  it('removes both branches above a branch point in history order', () => {
    const r = down(twoBranches, ['d2d2', 'd1d1'], 'bbbb')
    assert.deepEqual(r.revs, ['d1d1', 'c1c1', 'd2d2', 'c2c2'])
    assert.deepEqual(r.rows, ['bbbb'])
  })

  it('does nothing when the target is an applied head', () => {
    const linear = exampleGraph('linear-relative')
    assert.deepEqual(down(linear, ['dddd4'], 'dddd4').revs, [])
  })

  it("does nothing for 'base' on an empty table", () => {
    assert.deepEqual(down(twoBranches, [], 'base').revs, [])
  })

  it('fails for a target above the applied rows, naming it', () => {
    const linear = exampleGraph('linear-relative')
    assertRevisionError(() => down(linear, ['dddd4'], 'eeee5'), /not a valid downgrade target/, [
      'eeee5',
    ])
    assertRevisionError(() => down(linear, [], 'head'), /not a valid downgrade target/, ['head'])
  })

  it('fails for a target on a branch that is not applied', () => {
    assertRevisionError(
      () => down(twoBranches, ['d1d1', 'c2c2'], 'd2d2'),
      /not a valid downgrade target/,
      ['d2d2'],
    )
  })

  it('downgrades one branch to its branch point, keeping the other row', () => {
    const r = down(twoBranches, ['d1d1', 'c2c2'], 'c1c1')
    assert.deepEqual(r.revs, ['d1d1'])
    assert.deepEqual(r.rows, ['c1c1', 'c2c2'])
  })

  it("removes everything for 'base'", () => {
    const r = down(mergeGraph, ['m'], 'base')
    assert.deepEqual(r.lines, [
      'Running downgrade m -> c1, c2',
      'Running downgrade c1 -> b',
      'Running downgrade c2 -> b',
      'Running downgrade b -> a',
      'Running downgrade a -> ',
    ])
    assert.deepEqual(r.rows, [])
  })

  it("removes only the L side with 'L@<branch point>' (label-relative-targets)", () => {
    const labelled = graphOf(
      { aaaa: [], bbbb: ['aaaa'], c1c1: ['bbbb'], c2c2: ['bbbb'], d1d1: ['c1c1'], d2d2: ['c2c2'] },
      { c1c1: { labels: ['c1branch'] }, c2c2: { labels: ['c2branch'] } },
    )
    const r = down(labelled, ['d2d2', 'd1d1'], 'c1branch@bbbb')
    assert.deepEqual(r.revs, ['d1d1', 'c1c1'])
    assert.deepEqual(r.rows, ['d2d2'])
  })

  it("takes a revision id as the label part: 'R@<branch point>'", () => {
    const r = down(twoBranches, ['d1d1', 'd2d2'], 'd2d2@bbbb')
    assert.deepEqual(r.revs, ['d2d2', 'c2c2'])
    assert.deepEqual(r.rows, ['d1d1'])
  })

  it(
    "fails with 'Not a valid downgrade target' when the label part is on none of the roots",
    {},
    () => {
      const g = graphOf(
        { aaaa: [], bbbb: ['aaaa'], c1c1: ['bbbb'], c2c2: ['bbbb'], z1: [] },
        { z1: { labels: ['zb'] } },
      )
      assertRevisionError(
        () => down(g, ['c1c1', 'c2c2', 'z1'], 'zb@bbbb'),
        /Not a valid downgrade target/,
      )
    },
  )

  it("removes only the tree below L with 'L@base' when there are several bases", () => {
    const bases = graphOf(
      { a1a1: [], a2a2: ['a1a1'], a3a3: ['a2a2'], b1b1: [], b2b2: ['b1b1'], c1c1: [] },
      { a1a1: { labels: ['alpha'] }, b1b1: { labels: ['beta'] }, c1c1: { labels: ['gamma'] } },
    )
    const r = down(bases, ['c1c1', 'b2b2', 'a3a3'], 'beta@base')
    assert.deepEqual(r.revs, ['b2b2', 'b1b1'])
    assert.deepEqual(r.rows, ['a3a3', 'c1c1'])
    assert.deepEqual(r.warnings, [])
  })

  it("removes everything with 'L@base' on a single base, and warns that the label did not narrow", () => {
    // label-base-single-root
    const labelled = graphOf(
      { aaaa: [], bbbb: ['aaaa'], c1c1: ['bbbb'], c2c2: ['bbbb'], d1d1: ['c1c1'], d2d2: ['c2c2'] },
      { c1c1: { labels: ['c1branch'] }, c2c2: { labels: ['c2branch'] } },
    )
    const r = down(labelled, ['d2d2', 'd1d1'], 'c1branch@base')
    assert.deepEqual(r.revs, ['d1d1', 'c1c1', 'd2d2', 'c2c2', 'bbbb', 'aaaa'])
    assert.deepEqual(r.rows, [])
    assert.equal(r.warnings.length, 1)
    assert.match(r.warnings[0]!, /c1branch/)
  })

  it("warns for 'L@base' on a single chain too (two-labels-one-chain)", () => {
    const chain = graphOf(
      { a: [], b: ['a'], c: ['b'], d: ['c'] },
      { a: { labels: ['la'] }, c: { labels: ['lc'] } },
    )
    const r = down(chain, ['d'], 'la@base')
    assert.deepEqual(r.revs, ['d', 'c', 'b', 'a'])
    assert.equal(r.warnings.length, 1)
  })

  it("does not warn for plain 'base'", () => {
    assert.deepEqual(down(twoBranches, ['d1d1'], 'base').warnings, [])
  })

  it('also removes what depends on a removed revision (depends-on-effective-head)', () => {
    const r = down(effective, ['y2'], 'x@base')
    assert.deepEqual(r.lines, ['Running downgrade y2 -> y1', 'Running downgrade x1 -> '])
    assert.deepEqual(r.rows, ['y1'])
  })

  it('also removes a dependent on another branch (depends-on-downgrade-dependency)', () => {
    const dep = graphOf(
      { aaaa: [], bbbb: ['aaaa'], c1c1: ['bbbb'], c2c2: ['bbbb'], d1d1: ['c1c1'], d2d2: ['c2c2'] },
      { c1c1: { labels: ['c1branch'] }, c2c2: { labels: ['c2branch'] }, d2d2: { deps: ['c1c1'] } },
    )
    const a = down(dep, ['d1d1', 'd2d2'], 'c1branch@bbbb')
    assert.deepEqual(a.revs, ['d1d1', 'd2d2', 'c1c1'])
    assert.deepEqual(a.rows, ['c2c2'])
    const b = down(dep, ['d1d1', 'd2d2'], 'c2branch@bbbb')
    assert.deepEqual(b.revs, ['d2d2', 'c2c2'])
    assert.deepEqual(b.rows, ['d1d1'])
    const c = down(dep, ['d2d2', 'd1d1'], 'c1c1')
    assert.deepEqual(c.revs, ['d1d1'])
    assert.deepEqual(c.rows, ['d2d2'])
  })

  it('keeps a revision that a dependent still needs (depends-on-kaboom)', () => {
    const r = down(kaboom, ['cmerge', 'd1', 'amerge', 'bmerge'], 'b2')
    assert.deepEqual(r.lines, ['Running downgrade bmerge -> b1, b2'])
    assert.deepEqual(r.rows, ['amerge', 'b1', 'cmerge', 'd1'])
  })

  it('removes only the dependent base with a label-less id part (depends-on-kaboom d1@base)', () => {
    const r = down(kaboom, ['amerge', 'd1', 'b1', 'cmerge'], 'd1@base')
    assert.deepEqual(r.lines, ['Running downgrade d1 -> '])
    assert.deepEqual(r.rows, ['amerge', 'b1', 'b2', 'cmerge'])
  })

  it('removes only the revision above the target when the target stays implied (depends-on-crisscross)', () => {
    const criss = exampleGraph('depends-on-crisscross')
    const r = down(criss, ['a3', 'b2'], 'b1')
    assert.deepEqual(r.lines, ['Running downgrade b2 -> b1'])
    assert.deepEqual(r.rows, ['a3'])
  })

  it('treats a target applied only through a dependency as already reached', () => {
    // depends-on-effective-head: Alembic fails ('not a valid downgrade target'); Retort: no-op.
    assert.deepEqual(down(effective, ['y2'], 'x1').revs, [])
  })

  it("refuses a range without --sql: 'Range revision not allowed'", () => {
    assertRevisionError(
      () => down(twoBranches, ['d1d1'], 'd1d1:bbbb'),
      /Range revision not allowed/,
    )
  })
})

describe('several version locations and a cross-tree dependency (docs-branch-dependencies)', () => {
  // Load order: model/networking first, then migrations/versions, each sorted by file name.
  const net = graphOf(
    {
      '109ec7d132bf': ['3cac04ae8714'],
      '29f859a13ea': ['109ec7d132bf'],
      '2a95102259be': ['29f859a13ea'],
      '3cac04ae8714': [],
      '1975ea83b712': [],
      '27c6a30d7c24': ['1975ea83b712'],
      '34e094ad6ef1': ['55af2cb1c267'],
      '55af2cb1c267': ['ae1027a6acf'],
      ae1027a6acf: ['1975ea83b712'],
      d747a8a8879: ['27c6a30d7c24'],
    },
    {
      '3cac04ae8714': { labels: ['networking'] },
      '27c6a30d7c24': { labels: ['shoppingcart'] },
      '2a95102259be': { deps: ['55af2cb1c267'] },
    },
  )

  it('lists the history with heads in load order across locations', () => {
    assert.deepEqual(
      historyRange(net, undefined).map((r) => r.id),
      [
        '2a95102259be',
        '29f859a13ea',
        '109ec7d132bf',
        '3cac04ae8714',
        '34e094ad6ef1',
        'd747a8a8879',
        '27c6a30d7c24',
        '55af2cb1c267',
        'ae1027a6acf',
        '1975ea83b712',
      ],
    )
  })

  it('upgrades the dependent once its dependency is applied', () => {
    const r = up(net, ['d747a8a8879', '55af2cb1c267', '29f859a13ea'], 'networking@head')
    assert.deepEqual(r.lines, ['Running upgrade 29f859a13ea -> 2a95102259be'])
    assert.deepEqual(r.rows, ['2a95102259be', 'd747a8a8879'])
  })

  it("removes only the networking tree with 'networking@base'", () => {
    const r = down(net, ['d747a8a8879', '2a95102259be', '34e094ad6ef1'], 'networking@base')
    assert.deepEqual(r.revs, ['2a95102259be', '29f859a13ea', '109ec7d132bf', '3cac04ae8714'])
    assert.deepEqual(r.rows, ['34e094ad6ef1', 'd747a8a8879'])
  })

  it('downgrades to a former effective head, leaving it as a row', () => {
    const r = down(net, ['d747a8a8879', '34e094ad6ef1'], '55af2cb1c267')
    assert.deepEqual(r.revs, ['34e094ad6ef1'])
    assert.deepEqual(r.rows, ['55af2cb1c267', 'd747a8a8879'])
  })
})

describe('current', () => {
  it('lists the rows in load order', () => {
    assert.deepEqual(current(twoBranches, ['d2d2', 'd1d1']), ['d1d1', 'd2d2'])
  })

  it('adds revisions applied only through a dependency (effective heads)', () => {
    assert.deepEqual(current(effective, ['y2']), ['x1', 'y2'])
  })

  it('adds a dependency whose own descendants are not applied', () => {
    const lib = graphOf(
      { a1: [], a2: [], b1: ['a1'], b2: ['a2'], c1: ['b1'], c2: ['b2'], d1: ['c1'], e1: ['d1'] },
      { c2: { deps: ['c1'] } },
    )
    assert.deepEqual(current(lib, ['c2']), ['c1', 'c2'])
  })

  it('lists a parent implied through a dependency after a downgrade (depends-on-kaboom)', () => {
    assert.deepEqual(current(kaboom, ['cmerge', 'd1', 'amerge', 'b1']), [
      'amerge',
      'b1',
      'b2',
      'cmerge',
      'd1',
    ])
  })

  it('lists nothing for an empty table', () => {
    assert.deepEqual(current(twoBranches, []), [])
  })

  it('fails for a row naming an unknown revision, naming it and hinting at stamp --purge', () => {
    assert.throws(
      () => current(twoBranches, ['zzzz']),
      (e: unknown) =>
        e instanceof ResolutionError && e.message.includes("'zzzz'") && /purge/.test(e.message),
    )
  })
})
