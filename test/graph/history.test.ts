import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MultipleHeadsError, ResolutionError } from '../../src/errors.js'
import { historyRange } from '../../src/graph/plans.js'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { assertRevisionError, graphOf, exampleGraph } from '../helpers/graph.js'

// behavior.md c.5 (history ranges) and b.6 (named-base starts), expected
// listings from the history-ranges, seed-branch-labels and
// docs-branch-dependencies scenarios.

/**
 * history-ranges (file order):
 * a1aa - b1bb -+- c1cc (left)  - d1dd -+- e3ee - f3ff
 *              +- c2cc (right) - d2dd -+
 * x1xx (solo) - x2xx
 */
const ranges = exampleGraph('history-ranges')
const ROWS = ['d1dd']

/** seed-branch-labels after its last revision (file order). */
const seed = graphOf(
  {
    '1975ea83b712': [],
    '27c6a30d7c24': ['1975ea83b712'],
    '55af2cb1c267': ['ae1027a6acf'],
    ae1027a6acf: ['1975ea83b712'],
    d747a8a8879: ['27c6a30d7c24'],
  },
  { '27c6a30d7c24': { labels: ['shoppingcart'] } },
)

function history(
  map: RevisionMap,
  range: string | undefined,
  rows: readonly string[] = ROWS,
): string[] {
  return historyRange(map, range, () => rows).map((r) => r.id)
}

describe('c.5 history ranges', () => {
  it('lists base:heads with no range', () => {
    assert.deepEqual(history(ranges, undefined), [
      'f3ff',
      'e3ee',
      'd1dd',
      'c1cc',
      'd2dd',
      'c2cc',
      'x2xx',
      'x1xx',
      'b1bb',
      'a1aa',
    ])
  })

  it("lists the same for 'base:heads', 'base:' and ':'", () => {
    const all = history(ranges, undefined)
    assert.deepEqual(history(ranges, 'base:heads'), all)
    assert.deepEqual(history(ranges, 'base:'), all)
    assert.deepEqual(history(ranges, ':'), all)
  })

  it("lists START, its descendants up to END, for 'current:' (not the merge's other parent)", () => {
    assert.deepEqual(history(ranges, 'current:'), ['f3ff', 'e3ee', 'd1dd'])
  })

  it("lists what leads to the rows for ':current'", () => {
    assert.deepEqual(history(ranges, ':current'), ['d1dd', 'c1cc', 'b1bb', 'a1aa'])
  })

  it("refuses 'current:current'", () => {
    assert.throws(() => history(ranges, 'current:current'), ResolutionError)
  })

  it("refuses a range without ':'", () => {
    assertRevisionError(() => history(ranges, 'current'), /requires \[start\]:\[end\]/)
  })

  it('lists both sides of a merge between START and END', () => {
    assert.deepEqual(history(ranges, 'b1bb:e3ee'), ['e3ee', 'd1dd', 'c1cc', 'd2dd', 'c2cc', 'b1bb'])
  })

  it('fails when START is not an ancestor of END', () => {
    assertRevisionError(
      () => history(ranges, 'e3ee:b1bb'),
      /does not refer to ancestor\/descendant/,
    )
    assertRevisionError(
      () => history(ranges, 'c1cc:d2dd'),
      /does not refer to ancestor\/descendant/,
    )
    assertRevisionError(
      () => history(ranges, 'x2xx:f3ff'),
      /does not refer to ancestor\/descendant/,
    )
  })

  it("lists START and its descendants for 'R:'", () => {
    assert.deepEqual(history(ranges, 'd1dd:'), ['f3ff', 'e3ee', 'd1dd'])
  })

  it("lists END and its ancestors for ':R'", () => {
    assert.deepEqual(history(ranges, ':c1cc'), ['c1cc', 'b1bb', 'a1aa'])
    assert.deepEqual(history(ranges, ':x2xx'), ['x2xx', 'x1xx'])
  })

  it("lists nothing for 'base:base'", () => {
    assert.deepEqual(history(ranges, 'base:base'), [])
  })

  it("lists just the heads for 'heads:'", () => {
    assert.deepEqual(history(ranges, 'heads:'), ['f3ff', 'x2xx'])
  })

  it("fails for ':head' with several heads", () => {
    assert.throws(() => history(ranges, ':head'), MultipleHeadsError)
  })

  it("takes '-1' as START: each real head one step down, and what is above", () => {
    assert.deepEqual(history(ranges, '-1:'), ['f3ff', 'e3ee', 'x2xx', 'x1xx'])
  })

  it("walks '+N' as END from START", () => {
    assert.deepEqual(history(ranges, 'current:+2'), ['f3ff', 'e3ee', 'd1dd'])
  })

  it("takes 'R+N' as END", () => {
    assert.deepEqual(history(ranges, ':d1dd+1'), [
      'e3ee',
      'd1dd',
      'c1cc',
      'd2dd',
      'c2cc',
      'b1bb',
      'a1aa',
    ])
  })

  it("refuses 'R+N' as START", () => {
    assert.throws(() => history(ranges, 'd1dd+1:'), ResolutionError)
  })

  it("fails with 'Ambiguous walk' for an END that walks through a merge or from several bases", () => {
    assertRevisionError(() => history(ranges, ':e3ee-2'), /Ambiguous walk/)
    assertRevisionError(() => history(ranges, ':base+2'), /Ambiguous walk/)
  })

  it("takes 'L@head' as END", () => {
    assert.deepEqual(history(ranges, 'b1bb:left@head'), [
      'f3ff',
      'e3ee',
      'd1dd',
      'c1cc',
      'd2dd',
      'c2cc',
      'b1bb',
    ])
  })

  it('does not read the database unless the range mentions current', () => {
    const refuse = (): readonly string[] => {
      throw new Error('rows asked for')
    }
    assert.deepEqual(
      historyRange(ranges, 'd1dd:', refuse).map((r) => r.id),
      ['f3ff', 'e3ee', 'd1dd'],
    )
    assert.equal(historyRange(ranges, undefined, refuse).length, 10)
  })
})

describe('b.6 named-base starts', () => {
  it("narrows END to the heads carrying L for 'L@base:'", () => {
    assert.deepEqual(history(ranges, 'left@base:'), [
      'f3ff',
      'e3ee',
      'd1dd',
      'c1cc',
      'd2dd',
      'c2cc',
      'b1bb',
      'a1aa',
    ])
    assert.deepEqual(history(ranges, 'solo@base:'), ['x2xx', 'x1xx'])
  })

  it("narrows END for 'L@-1:' and starts one step below L's head", () => {
    assert.deepEqual(history(ranges, 'left@-1:'), ['f3ff', 'e3ee'])
  })

  it("narrows END for 'L@R:' and starts at R", () => {
    assert.deepEqual(history(ranges, 'right@c2cc:'), ['f3ff', 'e3ee', 'd2dd', 'c2cc'])
  })

  it("lists only the labelled branch for 'shoppingcart@base:', not its sibling (seed-branch-labels)", () => {
    assert.deepEqual(history(seed, 'shoppingcart@base:'), [
      'd747a8a8879',
      '27c6a30d7c24',
      '1975ea83b712',
    ])
  })

  it("starts at the declaring revision for 'shoppingcart:'", () => {
    assert.deepEqual(history(seed, 'shoppingcart:'), ['d747a8a8879', '27c6a30d7c24'])
  })

  it("lists the L head's history for ':shoppingcart@head' and 'L@base:L@head'", () => {
    assert.deepEqual(history(seed, ':shoppingcart@head'), [
      'd747a8a8879',
      '27c6a30d7c24',
      '1975ea83b712',
    ])
    assert.deepEqual(history(seed, 'shoppingcart@base:shoppingcart@head'), [
      'd747a8a8879',
      '27c6a30d7c24',
      '1975ea83b712',
    ])
  })

  it("includes revisions pulled in through dependencies for 'L@base:' (docs-branch-dependencies)", () => {
    // Locations: model/networking first, then migrations/versions.
    const net = graphOf(
      {
        '109ec7d132bf': ['3cac04ae8714'],
        '29f859a13ea': ['109ec7d132bf'],
        '2a95102259be': ['29f859a13ea'],
        '3cac04ae8714': [],
        '1975ea83b712': [],
        '27c6a30d7c24': ['1975ea83b712'],
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
    const expected = [
      '2a95102259be',
      '29f859a13ea',
      '109ec7d132bf',
      '3cac04ae8714',
      '55af2cb1c267',
      'ae1027a6acf',
      '1975ea83b712',
    ]
    assert.deepEqual(history(net, 'networking@base:'), expected)
    assert.deepEqual(history(net, ':networking@head'), expected)
  })

  it('uses the heads sharing lineage with a revision id given as the label part', () => {
    // Retort rule (b.6): for an id, the heads sharing lineage with it.
    assert.deepEqual(history(seed, 'ae1027a6acf@base:'), [
      '55af2cb1c267',
      'ae1027a6acf',
      '1975ea83b712',
    ])
  })

  /**
   * bbbb -+- cccc ------------------+- mmmm
   *       +- dddd -+- eeee ----------+
   *   xxxx (base, depends on cccc) -+
   * xxxx is outside 'bbbb:' (not a down-revision descendant of bbbb), yet
   * eeee still needs cccc through it (issue 12, item 1).
   */
  const throughOutside = graphOf(
    {
      bbbb: [],
      cccc: ['bbbb'],
      dddd: ['bbbb'],
      xxxx: [],
      eeee: ['xxxx', 'dddd'],
      mmmm: ['cccc', 'eeee'],
    },
    { xxxx: { deps: ['cccc'] } },
  )

  it('holds a revision back while a path through a revision outside the range still needs it', () => {
    assert.deepEqual(history(throughOutside, 'bbbb:'), ['mmmm', 'eeee', 'dddd', 'cccc', 'bbbb'])
    assert.deepEqual(history(throughOutside, 'current:', ['bbbb']), [
      'mmmm',
      'eeee',
      'dddd',
      'cccc',
      'bbbb',
    ])
    // The whole history walks through xxxx itself.
    assert.deepEqual(history(throughOutside, undefined), [
      'mmmm',
      'eeee',
      'xxxx',
      'cccc',
      'dddd',
      'bbbb',
    ])
  })
})
