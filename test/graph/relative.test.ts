import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ResolutionError } from '../../src/errors.js'
import {
  historyRange,
  planDowngrade,
  planStamp,
  planUpgrade,
  type Plan,
} from '../../src/graph/plans.js'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { stepText } from '../../src/graph/step.js'
import { appliedRows, assertRevisionError, graphOf, exampleGraph } from '../helpers/graph.js'

// behavior.md b.4: relative forms as upgrade and downgrade targets and as
// history END, and the errors of walking: "Ambiguous walk", "didn't produce
// N migrations", "Walked too far".

const rowsAfter = appliedRows

const lines = (plan: Plan): string[] => plan.steps.map(stepText)
const sorted = (xs: readonly string[]): string[] => [...xs].sort()

function up(map: RevisionMap, rows: readonly string[], target: string) {
  const plan = planUpgrade(map, rows, target)
  return { lines: lines(plan), rows: sorted(rowsAfter(rows, plan)), warnings: plan.warnings }
}

function down(map: RevisionMap, rows: readonly string[], target: string) {
  const plan = planDowngrade(map, rows, target)
  return { lines: lines(plan), rows: sorted(rowsAfter(rows, plan)), warnings: plan.warnings }
}

const history = (map: RevisionMap, range: string, rows: readonly string[] = []): string[] =>
  historyRange(map, range, () => rows).map((r) => r.id)

/** Assert a RevisionError whose message matches `pattern` and names every string in `names`. */
/** linear-relative: aaaa1 - bbbb2 - cccc3 - dddd4 - eeee5 */
const linear = exampleGraph('linear-relative')

/**
 * label-relative-targets (file order):
 * aaaa - bbbb -+- c1c1 (c1branch) - d1d1
 *              +- c2c2 (c2branch) - d2d2
 */
const twoBranches = graphOf(
  { aaaa: [], bbbb: ['aaaa'], c1c1: ['bbbb'], c2c2: ['bbbb'], d1d1: ['c1c1'], d2d2: ['c2c2'] },
  { c1c1: { labels: ['c1branch'] }, c2c2: { labels: ['c2branch'] } },
)

/** relative-across-branch-and-merge: a - b - {c1, c2} - m - n, and a second base z. */
const acrossMerge = graphOf({
  a: [],
  b: ['a'],
  c1: ['b'],
  c2: ['b'],
  m: ['c1', 'c2'],
  n: ['m'],
  z: [],
})

describe('b.4 +N and -N from the current rows', () => {
  it("upgrades '+N' from the empty state", () => {
    assert.deepEqual(up(linear, [], '+2').lines, [
      'Running upgrade  -> aaaa1',
      'Running upgrade aaaa1 -> bbbb2',
    ])
  })

  it("upgrades '+N' from the single current row", () => {
    assert.deepEqual(up(linear, ['bbbb2'], '+1').lines, ['Running upgrade bbbb2 -> cccc3'])
  })

  it("downgrades '-N' from the single current row", () => {
    const r = down(linear, ['cccc3'], '-1')
    assert.deepEqual(r.lines, ['Running downgrade cccc3 -> bbbb2'])
    assert.deepEqual(r.rows, ['bbbb2'])
  })

  it("fails for '+N' past the head: 'didn't produce N migrations'", () => {
    assertRevisionError(() => up(linear, ['cccc3'], '+5'), /didn't produce 5 migrations/, ['+5'])
  })

  it("fails for '-N' past the base: 'didn't produce N migrations'", () => {
    assertRevisionError(() => down(linear, ['bbbb2'], '-5'), /didn't produce 5 migrations/, ['-5'])
  })

  it("fails for '-1' on an empty table", () => {
    assertRevisionError(() => down(linear, [], '-1'), /didn't produce 1 migrations/)
  })

  it("refuses '-N' as an upgrade target", () => {
    assertRevisionError(() => up(linear, ['cccc3'], '-1'), /didn't produce 1 migrations/, ['-1'])
  })

  it("refuses '+N' as a downgrade target", () => {
    assertRevisionError(() => down(linear, ['cccc3'], '+1'), /didn't produce 1 migrations/, ['+1'])
  })

  it("fails for '+N' with several rows: 'Ambiguous upgrade from multiple current revisions'", () => {
    assertRevisionError(
      () => up(twoBranches, ['d2d2', 'c1c1'], '+1'),
      /Ambiguous upgrade from multiple current revisions/,
    )
  })

  it("downgrades '-N' with several rows from the first row, with a warning naming it", () => {
    // downgrade-minus-one-multiple-heads
    const a = down(twoBranches, ['d2d2', 'd1d1'], '-1')
    assert.deepEqual(a.lines, ['Running downgrade d2d2 -> c2c2'])
    assert.deepEqual(a.rows, ['c2c2', 'd1d1'])
    assert.equal(a.warnings.length, 1)
    assert.match(a.warnings[0]!, /d2d2/)
    const b = down(twoBranches, ['d1d1', 'd2d2'], '-1')
    assert.deepEqual(b.lines, ['Running downgrade d1d1 -> c1c1'])
    assert.match(b.warnings[0]!, /d1d1/)
  })

  it(
    "downgrades '-1' with several rows only on the first row's branch, even at a branch point",
    {},
    () => {
      // docs-branches-explicit: both heads sit right above the branch point 1975ea83b712.
      const explicit = graphOf({
        '1975ea83b712': [],
        '27c6a30d7c24': ['1975ea83b712'],
        ae1027a6acf: ['1975ea83b712'],
      })
      const r = down(explicit, ['ae1027a6acf', '27c6a30d7c24'], '-1')
      assert.deepEqual(r.lines, ['Running downgrade ae1027a6acf -> 1975ea83b712'])
      assert.deepEqual(r.rows, ['27c6a30d7c24'])
      assert.equal(r.warnings.length, 1)
    },
  )

  it("walks '-2' with several rows down the first row's branch", {}, () => {
    const r = down(twoBranches, ['d2d2', 'd1d1'], '-2')
    assert.deepEqual(r.lines, ['Running downgrade d2d2 -> c2c2', 'Running downgrade c2c2 -> bbbb'])
    assert.deepEqual(r.rows, ['d1d1'])
    assert.equal(r.warnings.length, 1)
  })

  it("does not warn for '-1' with a single row", () => {
    assert.deepEqual(down(linear, ['cccc3'], '-1').warnings, [])
  })
})

describe('b.4 SYMBOL+N and SYMBOL-N', () => {
  it("upgrades to 'head-N'", () => {
    const r = up(linear, ['bbbb2'], 'head-1')
    assert.deepEqual(r.lines, ['Running upgrade bbbb2 -> cccc3', 'Running upgrade cccc3 -> dddd4'])
  })

  it("downgrades to 'head-N'", () => {
    const r = down(linear, ['eeee5'], 'head-2')
    assert.deepEqual(r.lines, [
      'Running downgrade eeee5 -> dddd4',
      'Running downgrade dddd4 -> cccc3',
    ])
    assert.deepEqual(r.rows, ['cccc3'])
  })

  it("upgrades to 'base+N' from the empty state", () => {
    assert.deepEqual(up(linear, [], 'base+2').lines, [
      'Running upgrade  -> aaaa1',
      'Running upgrade aaaa1 -> bbbb2',
    ])
  })

  it("downgrades to 'base+N'", () => {
    assert.deepEqual(down(linear, ['bbbb2'], 'base+1').lines, ['Running downgrade bbbb2 -> aaaa1'])
  })

  it("upgrades to 'R+N'", () => {
    const r = up(linear, ['bbbb2'], 'aaaa1+3')
    assert.deepEqual(r.lines, ['Running upgrade bbbb2 -> cccc3', 'Running upgrade cccc3 -> dddd4'])
  })

  it("downgrades to 'R+N' and 'R-N'", () => {
    assert.deepEqual(down(linear, ['dddd4'], 'aaaa1+1').lines, [
      'Running downgrade dddd4 -> cccc3',
      'Running downgrade cccc3 -> bbbb2',
    ])
    assert.deepEqual(down(linear, ['eeee5'], 'cccc3-1').rows, ['bbbb2'])
  })

  it("fails for 'R+N' above the rows as a downgrade target: not a valid downgrade target", () => {
    assertRevisionError(() => down(linear, ['bbbb2'], 'bbbb2+1'), /not a valid downgrade target/, [
      'bbbb2+1',
    ])
  })

  it("fails for upgrade 'R-N' running off the graph with 'didn't produce N migrations'", () => {
    assertRevisionError(() => up(linear, ['bbbb2'], 'eeee5-10'), /didn't produce 10 migrations/)
  })

  it("fails for upgrade 'R+N' running off the graph with 'didn't produce N migrations'", () => {
    assertRevisionError(() => up(linear, ['bbbb2'], 'cccc3+10'), /didn't produce 10 migrations/)
    assertRevisionError(() => up(linear, ['aaaa1'], 'aaaa1+10'), /didn't produce 10 migrations/)
  })

  it("fails for downgrade 'L@head-N' past the base with 'Walked too far'", () => {
    assertRevisionError(
      () => down(twoBranches, ['c1c1', 'd2d2'], 'c1branch@head-5'),
      /Walked too far/,
    )
  })

  it("fails for downgrade 'head-N' past the base with 'Walked too far'", () => {
    assertRevisionError(() => down(linear, ['eeee5'], 'head-9'), /Walked too far/)
  })
})

describe('b.4 L@+N, L@-N, L@head-N, L@base+N', () => {
  it("upgrades to 'L@head-N'", () => {
    const r = up(twoBranches, ['bbbb'], 'c2branch@head-1')
    assert.deepEqual(r.lines, ['Running upgrade bbbb -> c2c2'])
    assert.deepEqual(r.rows, ['c2c2'])
  })

  it("upgrades 'L@+N' from the row on L's lineage", () => {
    assert.deepEqual(up(twoBranches, ['c2c2'], 'c2branch@+1').lines, [
      'Running upgrade c2c2 -> d2d2',
    ])
    assert.deepEqual(up(twoBranches, ['d2d2', 'c1c1'], 'c1branch@+1').lines, [
      'Running upgrade c1c1 -> d1d1',
    ])
  })

  it("upgrades 'L@+N' from the branch point when no row is on L's lineage", () => {
    const r = up(twoBranches, ['d2d2'], 'c1branch@+1')
    assert.deepEqual(r.lines, ['Running upgrade bbbb -> c1c1'])
    assert.deepEqual(r.rows, ['c1c1', 'd2d2'])
  })

  it("upgrades 'L@+N' from the empty state along L when nothing on L is applied", () => {
    // multiple-bases-traversal
    const bases = graphOf(
      { a1a1: [], a2a2: ['a1a1'], a3a3: ['a2a2'], b1b1: [], b2b2: ['b1b1'], c1c1: [] },
      { a1a1: { labels: ['alpha'] }, b1b1: { labels: ['beta'] }, c1c1: { labels: ['gamma'] } },
    )
    assert.deepEqual(up(bases, ['c1c1'], 'alpha@+2').lines, [
      'Running upgrade  -> a1a1',
      'Running upgrade a1a1 -> a2a2',
    ])
    assert.deepEqual(up(bases, ['c1c1', 'a2a2'], 'beta@+1').rows, ['a2a2', 'b1b1', 'c1c1'])
  })

  it("refuses 'L@-N' as an upgrade target", () => {
    assertRevisionError(
      () => up(twoBranches, ['d1d1'], 'c1branch@-1'),
      /didn't produce 1 migrations/,
    )
  })

  it("refuses 'L@+N' as a downgrade target", () => {
    assertRevisionError(
      () => down(twoBranches, ['c1c1'], 'c1branch@+1'),
      /didn't produce 1 migrations/,
    )
  })

  it("fails for 'L@+N' past L's head: 'didn't produce N migrations'", () => {
    assertRevisionError(
      () => up(twoBranches, ['c1c1', 'd2d2'], 'c2branch@+3'),
      /didn't produce 3 migrations/,
    )
  })

  it("downgrades 'L@-N' from the row on L's lineage", () => {
    const a = down(twoBranches, ['d2d2', 'd1d1'], 'c1branch@-1')
    assert.deepEqual(a.lines, ['Running downgrade d1d1 -> c1c1'])
    assert.deepEqual(a.rows, ['c1c1', 'd2d2'])
    const b = down(twoBranches, ['d2d2', 'c1c1'], 'c1branch@-1')
    assert.deepEqual(b.lines, ['Running downgrade c1c1 -> bbbb'])
    assert.deepEqual(b.rows, ['d2d2'])
  })

  it("fails for 'L@-N' when no row is on L's lineage, naming L", {}, () => {
    // label-relative-targets: Alembic crashes (AssertionError); rows d2d2 must stay untouched.
    assertRevisionError(() => down(twoBranches, ['d2d2'], 'c1branch@-1'), /c1branch/)
  })

  it("downgrades 'L@-N' from a revision applied only through a dependency", () => {
    // depends-on-effective-head: y2 revises y1 and depends on x1.
    const dep = graphOf(
      { x1: [], y1: [], y2: ['y1'] },
      { x1: { labels: ['x'] }, y1: { labels: ['y'] }, y2: { deps: ['x1'] } },
    )
    const r = down(dep, ['y2'], 'x@-1')
    assert.deepEqual(r.lines, ['Running downgrade y2 -> y1', 'Running downgrade x1 -> '])
    assert.deepEqual(r.rows, ['y1'])
  })

  it("downgrades to 'L@base+N' along L only", () => {
    const a = down(twoBranches, ['d1d1', 'd2d2'], 'c2branch@base+2')
    assert.deepEqual(a.lines, ['Running downgrade d2d2 -> c2c2', 'Running downgrade c2c2 -> bbbb'])
    assert.deepEqual(a.rows, ['d1d1'])
    const b = down(twoBranches, ['d1d1', 'd2d2'], 'c2branch@base+3')
    assert.deepEqual(b.lines, ['Running downgrade d2d2 -> c2c2'])
    assert.deepEqual(b.rows, ['c2c2', 'd1d1'])
  })

  it("downgrades to 'L@head-N'", () => {
    const r = down(twoBranches, ['d1d1', 'd2d2'], 'c1branch@head-1')
    assert.deepEqual(r.lines, ['Running downgrade d1d1 -> c1c1'])
    assert.deepEqual(r.rows, ['c1c1', 'd2d2'])
  })

  it("downgrades to 'base+N' on both branches when N reaches the branch point", () => {
    const r = down(twoBranches, ['d1d1', 'd2d2'], 'base+2')
    assert.deepEqual(r.lines, [
      'Running downgrade d1d1 -> c1c1',
      'Running downgrade c1c1 -> bbbb',
      'Running downgrade d2d2 -> c2c2',
      'Running downgrade c2c2 -> bbbb',
    ])
    assert.deepEqual(r.rows, ['bbbb'])
  })

  it("upgrades 'L@+2' from the branch point (docs-more-label-syntaxes)", () => {
    const shop = graphOf(
      {
        '1975ea83b712': [],
        '27c6a30d7c24': ['1975ea83b712'],
        '55af2cb1c267': ['ae1027a6acf'],
        ae1027a6acf: ['1975ea83b712'],
        d747a8a8879: ['27c6a30d7c24'],
      },
      { '27c6a30d7c24': { labels: ['shoppingcart'] } },
    )
    assert.deepEqual(up(shop, ['1975ea83b712'], 'shoppingcart@+2').lines, [
      'Running upgrade 1975ea83b712 -> 27c6a30d7c24',
      'Running upgrade 27c6a30d7c24 -> d747a8a8879',
    ])
    assert.deepEqual(down(shop, ['d747a8a8879'], 'shoppingcart@-1').rows, ['27c6a30d7c24'])
    assert.deepEqual(up(shop, ['27c6a30d7c24'], 'shoppingcart@heads').rows, ['d747a8a8879'])
    assertRevisionError(
      () => up(shop, ['d747a8a8879'], 'shoppingcart@+1'),
      /didn't produce 1 migrations/,
    )
  })
})

describe('b.4 Ambiguous walk', () => {
  it("fails for '+1' from a branch point, naming it and its children", () => {
    assertRevisionError(() => up(acrossMerge, ['b'], '+1'), /Ambiguous walk/, ['b', 'c1', 'c2'])
  })

  it("upgrades '+1' from one parent of a merge to the merge point, applying the other parent first", () => {
    const r = up(acrossMerge, ['c1'], '+1')
    assert.deepEqual(r.lines, ['Running upgrade b -> c2', 'Running upgrade c1, c2 -> m'])
    assert.deepEqual(r.rows, ['m'])
  })

  it("fails for '-1' from a merge point, naming it and its parents", () => {
    assertRevisionError(() => down(acrossMerge, ['m'], '-1'), /Ambiguous walk/, ['m', 'c1', 'c2'])
  })

  it("fails for 'M-1' where M is a merge point", () => {
    assertRevisionError(() => down(acrossMerge, ['m'], 'm-1'), /Ambiguous walk/, ['m'])
  })

  it("walks '-1' from just above a merge point", () => {
    assert.deepEqual(down(acrossMerge, ['n'], '-1').lines, ['Running downgrade n -> m'])
    assert.deepEqual(up(acrossMerge, ['m'], '+1').lines, ['Running upgrade m -> n'])
  })

  it("fails for '+1' from the empty state with several bases", () => {
    assertRevisionError(() => up(acrossMerge, [], '+1'), /Ambiguous walk/, ['a', 'z'])
  })

  it("fails for 'base+1' with several bases", () => {
    assertRevisionError(() => up(acrossMerge, [], 'base+1'), /Ambiguous walk/)
  })
})

describe('b.4 relative forms in history ranges', () => {
  const three = graphOf({ aaaa1: [], bbbb2: ['aaaa1'], cccc3: ['bbbb2'] })

  it("clamps 'R+N' as END at the last revision instead of failing (history-relative-clamps)", () => {
    assert.deepEqual(history(three, ':aaaa1+10'), ['cccc3', 'bbbb2', 'aaaa1'])
  })

  it("clamps '+N' as END relative to START", () => {
    assert.deepEqual(history(three, 'aaaa1:+10'), ['cccc3', 'bbbb2', 'aaaa1'])
    assert.deepEqual(history(three, 'current:+10', ['aaaa1']), ['cccc3', 'bbbb2', 'aaaa1'])
  })

  it("takes '-N' as START: each real head walked N down", () => {
    assert.deepEqual(history(three, '-1:'), ['cccc3', 'bbbb2'])
  })

  it("refuses '-N' as END", () => {
    assertRevisionError(() => history(three, ':-1'), /didn't produce 1 migrations/)
  })

  it("refuses 'L@-N' as END", () => {
    const labelled = graphOf(
      { aaaa1: [], bbbb2: ['aaaa1'], cccc3: ['bbbb2'] },
      { aaaa1: { labels: ['la'] } },
    )
    assertRevisionError(() => history(labelled, ':la@-1'), /didn't produce 1 migrations/)
  })

  it("takes 'base+N' as END", () => {
    assert.deepEqual(history(three, ':base+2'), ['bbbb2', 'aaaa1'])
  })

  it("does not understand 'R+N' as START", () => {
    assert.throws(() => history(three, 'aaaa1+1:'), ResolutionError)
  })

  it("understands 'L@+N' and 'L@head-N' as END", () => {
    const shop = graphOf(
      {
        '1975ea83b712': [],
        '27c6a30d7c24': ['1975ea83b712'],
        '55af2cb1c267': ['ae1027a6acf'],
        ae1027a6acf: ['1975ea83b712'],
        d747a8a8879: ['27c6a30d7c24'],
      },
      { '27c6a30d7c24': { labels: ['shoppingcart'] } },
    )
    assert.deepEqual(history(shop, 'current:shoppingcart@+2', ['1975ea83b712']), [
      'd747a8a8879',
      '27c6a30d7c24',
      '1975ea83b712',
    ])
    assert.deepEqual(history(shop, ':shoppingcart@head-1'), ['27c6a30d7c24', '1975ea83b712'])
    assert.deepEqual(history(shop, ':shoppingcart@head-2'), ['1975ea83b712'])
  })
})

describe('b.4 stamp understands no relative form', () => {
  for (const name of ['-1', '+1', 'head-1', 'aaaa1+1']) {
    it(`refuses '${name}' as a stamp target as an unknown name`, () => {
      assert.throws(
        () => planStamp(linear, ['bbbb2'], [name]),
        (e: unknown) => e instanceof ResolutionError && e.message.includes(`'${name}'`),
      )
    })
  }
})
